"""Deadline sweep (期限巡检) benchmark: a million open cases swept set-based on PostgreSQL, against
a per-case loop through the services' own steps.

    .venv/bin/python bench/sweep.py [--cases 1000000 --enterprises 200000] [--sample 2000]
        [--keep] [--profile]
    .venv/bin/python bench/sweep.py --cases 20000 --enterprises 4000   # a smoke run

1. Builds, on a fresh PostgreSQL database (`migrate`, then COPY), a deterministic (seeded)
   province — 基准省 990000 with its cities and counties, as bench/screening.py builds it — with
   the departments that own each dimension in every county, two officers each, 200,000
   enterprises (one in ten with an enterprise user) and 1,000,000 cases in 限期整改中: one per
   enterprise and dimension. Each case has its genesis event (立案, hashed as chain.py does), so
   every chain is valid before the sweep. Exactly 5 % of the cases are past their deadline on the
   bench's day (due 1–90 days before it); the others fall due over the following year, so about
   8 % of them are inside the 30-day reminder window.
2. Times, in one process with `DEBUG=0`:
   - the per-case loop, on a seeded sample of the overdue cases (2,000 by default): per case, in
     the way every service works, `services._load` (the case and its relations), the transition
     (`_move(case, "mark_overdue")`), `_event` and `_write` (the conditional UPDATE on the version,
     then the event) — all inside one transaction that is rolled back, so the sweep below finds
     the data untouched. Its rate is extrapolated to all overdue cases (stated as such);
   - the sweep: `sweep.sweep(today=…, remind=False)` over the whole table;
   - the reminders pass on its own: `sweep.send_reminders(today=…)`;
   - the sweep again, the same day, with reminders: it must change nothing;
   - the next day's sweep with reminders: the steady state of a daily run.
3. Checks that the first sweep moved exactly the overdue cases with one DEADLINE event each, that
   the second changed no row (states, versions, events, notifications), and that a sample of
   chains — swept and untouched — verifies (`chain.verify`).

Goals: the sweep of 1,000,000 cases in under 10 s, and at least 20× the loop's cases per second.

The database is `phaseout_bench_sweep` on 127.0.0.1:5432 (user postgres, trust authentication),
or the one DATABASE_URL names; the script creates it and drops it afterwards (--keep leaves it, swept,
for inspection). A database named by DATABASE_URL that already exists is refused, never
overwritten. Results are
printed and written to bench/out/sweep-*.json; docs/performance.md records them. Exit status 0
when every check passes and every goal holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import random
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

# The ledger and screening benchmarks beside this file: the machine report, credit codes, trade
# names, the province's regions, the COPY loader and the CPU clock are shared, not copied.
import import_ledger as ledger_bench
import screening as screening_bench

ROOT = ledger_bench.ROOT
OUT = ROOT / "bench" / "out"

FULL_SIZE = (1_000_000, 200_000)  # cases, enterprises
SEED = 20261122
SAMPLE = 2_000
OVERDUE_SHARE = 0.05
ENTERPRISE_USER_SHARE = 0.10
OFFICERS_PER_DEPARTMENT = 2
TODAY = datetime.date(2026, 6, 1)  # the bench's "today"
CHAIN_SAMPLE = 1_000  # chains verified after the run, among the swept and among the others

GOAL_SECONDS = 10.0
GOAL_RATIO = 20.0

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/phaseout_bench_sweep"
DIMENSION_CODES = {
    "ENERGY": "NH",
    "ENVIRONMENT": "HB",
    "QUALITY": "ZL",
    "SAFETY": "AQ",
    "TECHNOLOGY": "JS",
}


# — inside the step (Django set up) —


def build(options: dict) -> dict:
    """Regions, departments, officers, enterprises, their users, cases and genesis events."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from phaseout.enforcement import procedures
    from phaseout.enforcement.chain import GENESIS, event_hash
    from phaseout.enforcement.choices import CaseState, DueKind, EventKind, OrderKind
    from phaseout.enforcement.models import Case, CaseEvent
    from phaseout.regions.choices import DepartmentKind, Role
    from phaseout.regions.models import Department, Person, Region
    from phaseout.registry.models import Enterprise, Industry
    from phaseout.screening.choices import Dimension

    n_cases, n_enterprises, seed = options["cases"], options["enterprises"], options["seed"]
    dimensions = list(DIMENSION_CODES)[: max(1, min(5, -(-n_cases // n_enterprises)))]
    if n_cases > n_enterprises * len(dimensions):
        raise SystemExit("at most five cases per enterprise (one per dimension)")
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    User = get_user_model()
    unusable = make_password(None)
    built = {"regions": 0, "departments": 0, "officers": 0, "enterprise_users": 0}

    with transaction.atomic():
        counties = screening_bench._regions(Region)
        built["regions"] = Region.objects.count()
        cement = Industry.objects.get(code="3011")

        # Each county: the department of the kind that owns each dimension, two officers each.
        owner = {d: procedures.params(d)["responsible"][0] for d in dimensions}
        kinds = sorted(set(owner.values()))
        dept_of: dict[tuple[int, str], int] = {}
        officer_of: dict[int, int] = {}
        user_id = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        person_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        users, people = [], []
        for _code, name, region_pk in counties:
            for kind in kinds:
                label = DepartmentKind(kind).label
                department = Department.objects.create(
                    kind=kind, region_id=region_pk, name=f"{name}{label}"
                )
                dept_of[(region_pk, kind)] = department.pk
                for n in range(OFFICERS_PER_DEPARTMENT):
                    users.append((user_id, f"officer-{department.pk}-{n}", unusable, True))
                    people.append(
                        (person_id, user_id, Role.OFFICER, department.pk, region_pk, None)
                    )
                    officer_of.setdefault(department.pk, user_id)
                    user_id += 1
                    person_id += 1
        built["departments"] = len(dept_of)
        built["officers"] = len(users)

        user_loader = screening_bench.Loader(User, ("id", "username", "password", "is_active"), now)
        person_loader = screening_bench.Loader(
            Person, ("id", "user_id", "role", "department_id", "region_id", "enterprise_id"), now
        )
        enterprise_loader = screening_bench.Loader(
            Enterprise,
            tuple(
                "id credit_code name region_id industry_id size legal_standing address"
                " legal_representative employees status".split()
            ),
            now,
        )
        case_loader = screening_bench.Loader(
            Case,
            tuple(
                "id number dimension enterprise_id subject_key region_id department_id facts state"
                " order_kind served_on period_months due_on due_kind due_explanation"
                " opened_by_id opened_at version chain_head event_count".split()
            ),
            now,
        )
        event_loader = screening_bench.Loader(
            CaseEvent,
            tuple(
                "id case_id seq kind at actor_id actor_name from_state to_state summary payload"
                " prev_hash hash".split()
            ),
            now,
        )

        # Enterprises, spread over the counties; one in ten has an enterprise user.
        first_enterprise = (
            Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        enterprises = []  # (id, county pk, name)
        enterprise_rows = []
        for index in range(n_enterprises):
            code, county_name, region_pk = counties[index % len(counties)]
            trade = ledger_bench._encode(
                (index * 7_919 + 12_345) % len(ledger_bench.TRADE_CHARS) ** 4,
                ledger_bench.TRADE_CHARS,
                4,
            )
            pk = first_enterprise + index
            name = f"{county_name}{trade}建材有限公司"
            enterprises.append((pk, region_pk, name))
            enterprise_rows.append(
                (
                    pk,
                    ledger_bench.credit_code(index, code),
                    name,
                    region_pk,
                    cement.pk,
                    "above",
                    "licensed",
                    f"{county_name}建设路{index % 999 + 1}号",
                    "张三",
                    300,
                    "operating",
                )
            )
            if rng.random() < ENTERPRISE_USER_SHARE:
                users.append((user_id, f"enterprise-{pk}", unusable, True))
                people.append((person_id, user_id, Role.ENTERPRISE, None, region_pk, pk))
                user_id += 1
                person_id += 1
                built["enterprise_users"] += 1
        enterprise_loader.write(enterprise_rows)
        user_loader.write(users)
        person_loader.write(people)
        del enterprise_rows, users, people

        # Cases: exactly OVERDUE_SHARE of them due before today.
        overdue = set(rng.sample(range(n_cases), round(n_cases * OVERDUE_SHARE)))
        first_case = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        first_event = (
            CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        labels = {d: str(Dimension(d).label) for d in dimensions}

        def rows():
            for index in range(n_cases):
                dimension = dimensions[index // n_enterprises]
                pk_enterprise, region_pk, name = enterprises[index % n_enterprises]
                department = dept_of[(region_pk, owner[dimension])]
                officer = officer_of[department]
                if index in overdue:
                    due = TODAY - datetime.timedelta(days=rng.randint(1, 90))
                else:
                    due = TODAY + datetime.timedelta(days=rng.randint(0, 364))
                served = due - datetime.timedelta(days=182)
                case_pk = first_case + index
                event = SimpleNamespace(
                    case_id=case_pk,
                    seq=1,
                    kind=EventKind.OPENED.value,
                    at=now,
                    actor_id=officer,
                    actor_name=f"officer-{department}-0",
                    from_state="",
                    to_state=CaseState.OPENED.value,
                    summary=f"立案：{name}，{labels[dimension]}",
                    payload={"findings": [], "facts": "不达标", "rules": []},
                    prev_hash=GENESIS,
                )
                event.hash = event_hash(event)
                case_row = (
                    case_pk,
                    f"2026-{DIMENSION_CODES[dimension]}-{index:07d}",
                    dimension,
                    pk_enterprise,
                    f"e{pk_enterprise}",
                    region_pk,
                    department,
                    "不达标",
                    CaseState.RECTIFYING.value,
                    OrderKind.RECTIFY.value,
                    served,
                    6,
                    due,
                    DueKind.RECTIFICATION.value,
                    f"送达 {served}，6个月，届满 {due}",
                    officer,
                    now,
                    1,
                    event.hash,
                    1,
                )
                event_row = (
                    first_event + index,
                    case_pk,
                    1,
                    event.kind,
                    now,
                    officer,
                    event.actor_name,
                    "",
                    event.to_state,
                    event.summary,
                    json.dumps(event.payload, ensure_ascii=False),
                    GENESIS,
                    event.hash,
                )
                yield case_row, event_row

        # Two passes over the same seeded stream would double the hashing; buffer in chunks.
        chunk: list[tuple] = []
        written = 0
        for case_row, event_row in rows():
            chunk.append((case_row, event_row))
            if len(chunk) == 50_000:
                case_loader.write(c for c, _e in chunk)
                event_loader.write(e for _c, e in chunk)
                written += len(chunk)
                chunk.clear()
        if chunk:
            case_loader.write(c for c, _e in chunk)
            event_loader.write(e for _c, e in chunk)
            written += len(chunk)
        _reset_sequences([User, Person, Enterprise, Case, CaseEvent])
    built.update(
        {
            "enterprises": n_enterprises,
            "cases": written,
            "overdue": len(overdue),
            "dimensions": dimensions,
            "in_reminder_window": Case.objects.filter(
                due_on__gte=TODAY, due_on__lte=TODAY + datetime.timedelta(days=30)
            ).count(),
        }
    )
    return built


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def loop_sweep(case_ids: list[int], today: datetime.date) -> int:
    """The per-case way: what every service does, once per overdue case."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from phaseout.enforcement import services
    from phaseout.enforcement.choices import CaseState, EventKind

    moved = 0
    for pk in case_ids:
        with transaction.atomic():
            case, seen = services._load(pk, None)
            if case.state != CaseState.RECTIFYING or not case.due_on or case.due_on >= today:
                continue
            before, after = services._move(case, "mark_overdue")
            case.overdue_since = today
            event = services._event(
                case,
                kind=EventKind.DEADLINE,
                by=None,
                summary=_("整改期限 %(due)s 届满，逾期未整改（%(how)s）")
                % {"due": case.due_on.isoformat(), "how": case.due_explanation},
                payload={"due_on": case.due_on.isoformat(), "swept_on": today.isoformat()},
                from_state=before,
                to_state=after,
            )
            services._write(case, seen, [event])
            moved += 1
    return moved


def state_of_the_table() -> dict:
    """What a sweep may change, summed: compared before and after a run that must do nothing."""
    from django.db.models import Count, Max, Sum

    from phaseout.enforcement.models import Case, CaseEvent, Notification

    by_state = dict(Case.objects.values_list("state").annotate(n=Count("id")).order_by("state"))
    sums = Case.objects.aggregate(
        version=Sum("version"), events=Sum("event_count"), updated=Max("updated_at")
    )
    return {
        "by_state": by_state,
        "version_sum": sums["version"],
        "event_count_sum": sums["events"],
        "last_update": sums["updated"].isoformat() if sums["updated"] else None,
        "events": CaseEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def step(options: dict) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phaseout.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from phaseout.enforcement import sweep
    from phaseout.enforcement.chain import verify
    from phaseout.enforcement.choices import CaseState, EventKind
    from phaseout.enforcement.models import Case, CaseEvent

    result: dict = {}
    with screening_bench.CpuClock() as clock:
        call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate {clock.seconds:.1f} s", flush=True)
    with screening_bench.CpuClock() as clock:
        built = build(options)
    with screening_bench.CpuClock() as analyze:
        screening_bench.vacuum_analyze()
    result["build"] = {**clock.as_dict(), **built, "analyze_seconds": analyze.seconds}
    print(
        f"built {built['cases']:,} cases ({built['overdue']:,} overdue on {TODAY}, "
        f"{built['in_reminder_window']:,} due within 30 days) of {built['enterprises']:,} "
        f"enterprises, {built['departments']:,} departments, {built['officers']:,} officers, "
        f"{built['enterprise_users']:,} enterprise users in {clock.seconds:.1f} s "
        f"(+ {analyze.seconds:.1f} s VACUUM ANALYZE)",
        flush=True,
    )
    total = Case.objects.count()
    expected_overdue = Case.objects.filter(due_on__lt=TODAY, state=CaseState.RECTIFYING).count()
    result["cases"], result["expected_overdue"] = total, expected_overdue

    # 1. The loop on a sample, rolled back.
    candidates = Case.objects.filter(due_on__lt=TODAY, state=CaseState.RECTIFYING)
    with screening_bench.CpuClock() as select:
        ids = sorted(candidates.values_list("id", flat=True))
    sample = sorted(
        random.Random(options["seed"] + 1).sample(ids, min(options["sample"], len(ids)))
    )
    with transaction.atomic():
        with screening_bench.CpuClock() as loop:
            moved = loop_sweep(sample, TODAY)
        loop_chains_ok = all(verify(c).ok for c in Case.objects.filter(pk__in=sample[:50]))
        transaction.set_rollback(True)
    per_case = loop.seconds / len(sample)
    result["loop"] = {
        **loop.as_dict(),
        "sample": len(sample),
        "moved": moved,
        "select_seconds": select.seconds,
        "cases_per_second": len(sample) / loop.seconds,
        "extrapolated_seconds": select.seconds + per_case * expected_overdue,
        "chains_ok": loop_chains_ok,
    }
    print(
        f"per-case loop: {len(sample):,} cases in {loop.seconds:.1f} s "
        f"({len(sample) / loop.seconds:,.0f} cases/s, other CPU {loop.other:.0f} s); "
        f"extrapolated to {expected_overdue:,} overdue cases: "
        f"{result['loop']['extrapolated_seconds']:,.0f} s (+ the candidate query "
        f"{select.seconds:.2f} s included)",
        flush=True,
    )

    # 2. The sweep, without reminders.
    profiler = cProfile.Profile() if options["profile"] else None
    with screening_bench.CpuClock() as run:
        if profiler:
            profiler.enable()
        swept = sweep.sweep(today=TODAY, remind=False)
        if profiler:
            profiler.disable()
    result["sweep"] = {
        **run.as_dict(),
        "overdue": swept.overdue,
        "flagged": swept.flagged,
        "cases_per_second": swept.overdue / run.seconds if run.seconds else None,
    }
    result["ratio"] = (swept.overdue / run.seconds) / result["loop"]["cases_per_second"]
    result["ratio_extrapolated"] = result["loop"]["extrapolated_seconds"] / run.seconds
    print(
        f"sweep: {swept.overdue:,} cases moved to overdue in {run.seconds:.2f} s "
        f"({swept.overdue / run.seconds:,.0f} cases/s, other CPU {run.other:.0f} s); "
        f"{result['ratio']:.0f}× the loop's cases/s",
        flush=True,
    )
    if profiler:
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(25)
        print(buffer.getvalue(), flush=True)

    # 3. The reminders pass on its own.
    with screening_bench.CpuClock() as remind:
        reminders, emails = sweep.send_reminders(today=TODAY)
    result["reminders"] = {**remind.as_dict(), "created": reminders, "emails": emails}
    print(
        f"reminders: {reminders:,} created in {remind.seconds:.2f} s "
        f"(other CPU {remind.other:.0f} s)",
        flush=True,
    )

    # 4. The same day again: nothing to do.
    before = state_of_the_table()
    with screening_bench.CpuClock() as again:
        second = sweep.sweep(today=TODAY)
    after = state_of_the_table()
    result["second"] = {
        **again.as_dict(),
        "overdue": second.overdue,
        "flagged": second.flagged,
        "reminders": second.reminders,
        "unchanged": before == after,
    }
    print(
        f"second sweep the same day: {again.seconds:.2f} s, {second.overdue} moved, "
        f"{second.reminders} reminders; table "
        + ("unchanged" if before == after else f"CHANGED: {before} → {after}"),
        flush=True,
    )

    # 5. Checks: exactly the overdue cases moved, one DEADLINE event each; chains verify.
    deadline_events = CaseEvent.objects.filter(kind=EventKind.DEADLINE).count()
    now_overdue = Case.objects.filter(state=CaseState.OVERDUE, overdue_since=TODAY).count()
    rng = random.Random(options["seed"] + 2)
    swept_ids = rng.sample(swept.cases, min(CHAIN_SAMPLE, len(swept.cases)))
    low, high = min(ids), max(ids)
    picks = rng.sample(range(low, high + 1), min(4 * CHAIN_SAMPLE, high - low + 1))
    others = list(
        Case.objects.filter(pk__in=picks, state=CaseState.RECTIFYING).values_list("id", flat=True)
    )[:CHAIN_SAMPLE]
    with screening_bench.CpuClock() as check:
        broken = [
            pk for pk in swept_ids + others if not verify(Case.objects.only("id").get(pk=pk)).ok
        ]
    result["checks"] = {
        "moved_expected": swept.overdue == expected_overdue == now_overdue,
        "deadline_events": deadline_events,
        "one_event_each": deadline_events == expected_overdue,
        "chains_verified": len(swept_ids) + len(others),
        "chains_broken": broken[:20],
        "chain_seconds": check.seconds,
        "loop_chains_ok": loop_chains_ok,
    }
    print(
        f"checks: {now_overdue:,} cases overdue since {TODAY} (expected {expected_overdue:,}), "
        f"{deadline_events:,} DEADLINE events; {len(swept_ids) + len(others):,} chains verified "
        f"({len(swept_ids):,} swept, {len(others):,} untouched), {len(broken)} broken",
        flush=True,
    )

    # 6. The next day: the steady state of a nightly run.
    with screening_bench.CpuClock() as nxt:
        next_day = sweep.sweep(today=TODAY + datetime.timedelta(days=1))
    result["next_day"] = {
        **nxt.as_dict(),
        "overdue": next_day.overdue,
        "reminders": next_day.reminders,
    }
    print(
        f"next day's sweep: {next_day.overdue:,} moved, {next_day.reminders:,} reminders in "
        f"{nxt.seconds:.2f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        result["database_size"] = cursor.fetchone()[0]
    return result


# — the runner (the parent process) —


def target_url() -> tuple[str, bool]:
    """The database to use and whether the caller named it (then it must not exist yet)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise SystemExit(
                "bench/sweep.py runs on PostgreSQL; DATABASE_URL names another database"
            )
        return url, True
    return DEFAULT_URL, False


def admin(url: str, sql: str):
    """Run one statement on the server's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    parts = urlsplit(url.replace("postgresql://", "postgres://", 1))
    server = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(server, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else None


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--step"]:
        options, result_file = json.loads(argv[1]), Path(argv[2])
        result_file.write_text(json.dumps(step(options), ensure_ascii=False, default=str))
        return 0
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    url, named = target_url()
    name = database_name(url)
    print("machine:")
    parts = urlsplit(url)
    if parts.hostname in ("127.0.0.1", "localhost", None) and str(parts.port or 5432) == "5432":
        ledger_bench.ensure_postgres()
    info = ledger_bench.machine_info([])
    info.append(("PostgreSQL", admin(url, "SELECT current_setting('server_version')")[0][0]))
    for key, value in info:
        print(f"  {key}: {value}")
    options = {
        "cases": args.cases,
        "enterprises": args.enterprises,
        "seed": args.seed,
        "sample": args.sample,
        "keep": args.keep,
        "profile": args.profile,
    }
    if named and admin(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        raise SystemExit(
            f"database {name} (DATABASE_URL) exists; the benchmark only uses a new one"
        )
    admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(url, f'CREATE DATABASE "{name}"')
    print(
        f"{args.cases:,} cases of {args.enterprises:,} enterprises, {OVERDUE_SHARE:.0%} overdue "
        f"on {TODAY}; loop sample {args.sample:,}; database {name}"
    )
    result_file = OUT / f"sweep-step-{os.getpid()}.json"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "phaseout.settings",
        "DEBUG": "0",  # DEBUG would keep every query in memory
        "PHASEOUT_ALLOW_INSECURE_KEY": "1",
        "PHASEOUT_DATA_DIR": str(OUT / "data"),
        "PHASEOUT_REMINDER_EMAIL": "0",
    }
    argv = [sys.executable, str(Path(__file__).resolve()), "--step", json.dumps(options)]
    try:
        completed = subprocess.run([*argv, str(result_file)], env=env, cwd=ROOT, check=False)
        if completed.returncode != 0 or not result_file.exists():
            print(f"the step failed (exit {completed.returncode})")
            return 1
        result = json.loads(result_file.read_text())
    finally:
        result_file.unlink(missing_ok=True)
        if not args.keep:
            admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print()
    print_table(result)
    verdicts = goals(result)
    print()
    for line in verdicts:
        print(line)
    met = all("MISSED" not in line and "FAILED" not in line for line in verdicts)
    print("all goals met, all checks passed" if met else "goals NOT all met, or a check failed")
    out = OUT / f"sweep-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {"machine": dict(info), "options": options, "result": result},
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(f"results: {out.relative_to(ROOT)}")
    return 0 if met else 1


def print_table(r: dict) -> None:
    loop, swept = r["loop"], r["sweep"]
    rows = [
        ("step", "cases", "seconds", "cases/s", "other CPU s", "note"),
        ("---",) * 6,
        (
            "per-case loop (sample)",
            f"{loop['sample']:,}",
            f"{loop['seconds']:.1f}",
            f"{loop['cases_per_second']:,.0f}",
            f"{loop['other_cpu_seconds']:.0f}",
            f"extrapolated to {r['expected_overdue']:,}: {loop['extrapolated_seconds']:,.0f} s",
        ),
        (
            "sweep (remind=False)",
            f"{swept['overdue']:,}",
            f"{swept['seconds']:.2f}",
            f"{swept['cases_per_second']:,.0f}",
            f"{swept['other_cpu_seconds']:.0f}",
            f"{r['ratio']:.0f}× the loop",
        ),
        (
            "reminders pass",
            f"{r['reminders']['created']:,} reminders",
            f"{r['reminders']['seconds']:.2f}",
            "—",
            f"{r['reminders']['other_cpu_seconds']:.0f}",
            "first run: every threshold at once",
        ),
        (
            "second sweep, same day",
            f"{r['second']['overdue']}",
            f"{r['second']['seconds']:.2f}",
            "—",
            f"{r['second']['other_cpu_seconds']:.0f}",
            "unchanged" if r["second"]["unchanged"] else "CHANGED",
        ),
        (
            "next day's sweep",
            f"{r['next_day']['overdue']:,}",
            f"{r['next_day']['seconds']:.2f}",
            "—",
            f"{r['next_day']['other_cpu_seconds']:.0f}",
            f"{r['next_day']['reminders']:,} reminders",
        ),
    ]
    for row in rows:
        print("| " + " | ".join(row) + " |")


def goals(r: dict) -> list[str]:
    seconds, ratio = r["sweep"]["seconds"], r["ratio"]
    checks = r["checks"]
    return [
        f"sweep of {r['cases']:,} cases in {seconds:.2f} s: "
        + ("met" if seconds < GOAL_SECONDS else f"MISSED (goal < {GOAL_SECONDS:.0f} s)"),
        f"{ratio:.0f}× the per-case loop (extrapolated: {r['ratio_extrapolated']:.0f}×): "
        + ("met" if ratio >= GOAL_RATIO else f"MISSED (goal ≥ {GOAL_RATIO:.0f}×)"),
        "exactly the overdue cases moved, one event each: "
        + ("passed" if checks["moved_expected"] and checks["one_event_each"] else "FAILED"),
        "second sweep changed nothing: " + ("passed" if r["second"]["unchanged"] else "FAILED"),
        f"{checks['chains_verified']:,} chains verify: "
        + ("passed" if not checks["chains_broken"] and checks["loop_chains_ok"] else "FAILED"),
    ]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the deadline sweep over a million cases against a per-case loop."
    )
    parser.add_argument("--cases", type=int, default=FULL_SIZE[0])
    parser.add_argument("--enterprises", type=int, default=FULL_SIZE[1])
    parser.add_argument("--sample", type=int, default=SAMPLE, help="cases timed in the loop")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (swept) after the run"
    )
    parser.add_argument("--profile", action="store_true", help="the sweep under cProfile")
    args = parser.parse_args(argv)
    if args.cases < 20 or args.enterprises < 1 or args.sample < 1:
        parser.error("sizes must be positive (at least 20 cases)")
    return args


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
