"""Public portal (公开名单, issue 5) benchmark: the list pages, searches and enterprise records
served by gunicorn from a PostgreSQL registry of a million enterprises, under 50 concurrent
clients on loopback, against a trivial view of the same server.

    .venv/bin/python bench/portal.py                 # 1,000,000 enterprises, 60 s per scenario
    .venv/bin/python bench/portal.py --small         # 20,000 enterprises, 15 s per scenario
    .venv/bin/python bench/portal.py --rebuild       # regenerate the cached database
    .venv/bin/python bench/portal.py --think 5       # each client pauses 2.5–7.5 s between requests
    .venv/bin/python bench/portal.py --page-cache memory   # each worker's own page cache, no Redis
    .venv/bin/python bench/portal.py --scenarios floor,lists

1. The data, in a PostgreSQL database of its own (`phaseout_bench_portal`, or
   `phaseout_bench_portal_small`, on 127.0.0.1:5432 as `postgres`), `migrate`d, then filled with
   COPY and set-based `INSERT … SELECT`: 基准省 990000 with its twelve cities and 108 county-level
   units (the regions of bench/screening.py), the departments owning each dimension in every
   county, 1,000,000 enterprises (valid credit codes, GB/T 4754 classes loaded by `registry.0002`),
   one or two lines each, cases for 5 % of them (a second case in another dimension for 40 % of
   those) in the states the five lists draw on, each with its events, measures and licences;
   and published list snapshots (numbered, entries copied as `disclosure.services` copies them):
   at the province every list — a yellow list of about 33,000 entries, with an earlier yellow
   snapshot — at three cities yellow, red and exceeding-emissions lists, at two counties a yellow
   list. The database is kept between runs and reused while its row counts match the manifest in
   bench/out/ (`--rebuild` regenerates it).
2. The server, started as docs/install.md starts it: `gunicorn phaseout.wsgi:application` with
   `--workers 4` (about two per core on the 2-core machine), DEBUG off, throwaway SECRET_KEY and
   PHASEOUT_DATA_KEYS, ALLOWED_HOSTS=127.0.0.1, the access log to a file. Static files are
   collected first (the manifest storage needs them) but never requested. Connections persist
   (settings.py sets CONN_MAX_AGE 60). Each client sends an X-Forwarded-For address of its own,
   read as nginx would pass it (PHASEOUT_RATELIMIT_IP_META_KEY), so the per-address rate limits
   count 50 visitors, not one.
3. The load: locust, headless, 50 users started at once, one run per scenario (60 s, the first
   5 s not counted), each user sending its next request as soon as the previous is answered
   (`--think T` adds a pause of T/2 to 3T/2 s):
   - floor: `GET /healthz` (a plain 200: no database, no template);
   - lists: `/public/lists/<kind>/` — the latest snapshot of each kind, other pages, filters by
     region, industry, dimension and year, city snapshots (`?at=`) and the earlier snapshot;
   - searches: `?q=` with a two-character fragment of a trade name, a full name, a credit code;
   - records: `/public/enterprises/<credit code>/` of enterprises on the published lists;
   - feed: `/public/feed.atom`.
   A scenario whose page does not exist yet (every probe a 404) is reported as not measured.
   The public pages keep what they render in the page cache (disclosure/public/cache.py,
   docs/disclosure.md): by default the Redis on 127.0.0.1:6379 that every worker shares
   (PHASEOUT_REDIS_URL, database 9, emptied when the server starts), when one answers there;
   with `--page-cache memory`, or when no Redis answers, each worker's own memory. Either way it
   starts empty with the server; the scenarios ask for different addresses, so none is answered
   from another's pages (only the probes' few dozen addresses per scenario, asked before it
   starts, are). The share of answers that came from it (`X-Cache: hit`) is reported beside the
   figures, with the p95 of the rendered ones alone. Redis' CPU is counted in "other".
4. Figures per scenario, from every request's time (a locust event hook): p50/p95/p99 ms,
   requests per second, errors (non-200 answers and failed connections), each p95 over the
   floor's, and the CPU seconds of gunicorn, of locust and of the rest of the machine (PostgreSQL
   and anything else running) meanwhile. Locust's own CSV files and log are kept too; its warning
   that its CPU is saturated is reported.

Goals: p95 under 150 ms and no errors in every scenario, and the record page's p95 within 3× the
floor's. Results are printed and written to bench/out/portal-*.json; docs/performance.md records
them. Exit status 0 only when every goal holds (a scenario not measured does not hold).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# The other benchmarks beside this file: the machine report, credit codes, trade names, the
# province's regions, the COPY loader and the CPU clock are shared, not copied.
import import_ledger as ledger_bench
import screening as screening_bench

ROOT = ledger_bench.ROOT
OUT = ROOT / "bench" / "out"
LOGS = OUT / "logs"
VENV_BIN = Path(sys.executable).parent

GENERATOR_VERSION = 2
SEED = 20261122
FULL_ENTERPRISES = 1_000_000
SMALL_ENTERPRISES = 20_000
CASE_EVERY = 20  # one enterprise in 20 has cases (5 %)
SECOND_CASE_SHARE = 0.4  # of those, a second case in another dimension
USERS = 50
WORKERS = 4
FULL_SECONDS, SMALL_SECONDS = 60, 15
WARMUP_SECONDS = 5
URLS_PER_SCENARIO = 6_000

GOAL_P95_MS = 150.0
GOAL_RECORD_RATIO = 3.0

DATABASE = "phaseout_bench_portal"
SCENARIOS = ("floor", "lists", "searches", "records", "feed")
RECORD_URL = "/public/enterprises/{code}/"
FEED_URL = "/public/feed.atom"
SEARCH_URL = "/public/enterprises/"

DIMENSION_CODES = {
    "ENERGY": "NH",
    "ENVIRONMENT": "HB",
    "QUALITY": "ZL",
    "SAFETY": "AQ",
    "TECHNOLOGY": "JS",
}
DIMENSION_WEIGHTS = (
    ("ENERGY", 25),
    ("ENVIRONMENT", 20),
    ("QUALITY", 15),
    ("SAFETY", 20),
    ("TECHNOLOGY", 20),
)
# The state a case has reached, by dimension (weights in per cent).
STATES = {
    "card": (  # ENERGY, QUALITY, SAFETY
        ("rectifying", 45),
        ("extension_requested", 3),
        ("overdue", 10),
        ("exit_ordered", 7),
        ("sealed", 4),
        ("exited", 9),
        ("compliant", 20),
        ("withdrawn", 2),
    ),
    "ENVIRONMENT": (
        ("rectifying", 55),
        ("overdue", 5),
        ("exit_ordered", 8),
        ("sealed", 2),
        ("exited", 10),
        ("compliant", 20),
    ),
    "TECHNOLOGY": (("exit_ordered", 35), ("sealed", 25), ("exited", 35), ("withdrawn", 5)),
}
SERIOUS_SHARE = 0.2  # open environment cases marked serious (情节严重)
FACTS = {
    "ENERGY": "单位产品综合能耗超过能耗限额标准限定值",
    "ENVIRONMENT": "污染物排放超过国家和地方排放标准",
    "QUALITY": "产品质量不符合强制性标准要求",
    "SAFETY": "不具备安全生产条件，存在重大事故隐患",
    "TECHNOLOGY": "使用《产业结构调整指导目录》淘汰类工艺装备",
}
# The lists' membership, as disclosure/derive.py defines it, on the cases' current states.
YELLOW = (
    "((c.dimension IN ('ENERGY', 'QUALITY', 'SAFETY')"
    " AND c.state IN ('rectifying', 'extension_requested', 'overdue'))"
    " OR (c.dimension = 'TECHNOLOGY' AND c.state IN ('exit_ordered', 'sealed')))"
)
MEMBERS = {
    "yellow": YELLOW,
    "red": (
        "c.dimension IN ('ENERGY', 'QUALITY', 'SAFETY', 'ENVIRONMENT')"
        " AND c.state IN ('exit_ordered', 'sealed', 'exited')"
    ),
    "env_exceeding": (
        "c.dimension = 'ENVIRONMENT' AND c.state IN ('opened', 'rectifying',"
        " 'extension_requested', 'overdue', 'approval_requested', 'exit_ordered', 'sealed')"
    ),
    "env_serious": (
        "c.dimension = 'ENVIRONMENT' AND c.serious AND c.state IN ('opened', 'rectifying',"
        " 'extension_requested', 'overdue', 'approval_requested', 'exit_ordered', 'sealed')"
    ),
    "annual_exit": "c.state = 'exited' AND c.exited_on BETWEEN %(year_start)s AND %(cut_off)s",
}
CUT_OFF = datetime.date(2026, 10, 31)
EARLIER_CUT_OFF = datetime.date(2026, 9, 30)
FIRST_OPENED = datetime.date(2025, 1, 1)
LAST_MOVED = datetime.date(2026, 10, 20)


# — the data (inside the build step: Django set up) —


def _weighted(rng: random.Random, choices) -> str:
    total = sum(weight for _value, weight in choices)
    point = rng.uniform(0, total)
    for value, weight in choices:
        point -= weight
        if point <= 0:
            return value
    return choices[-1][0]


def build(options: dict) -> dict:
    """Regions, departments, enterprises, lines, cases with events, measures, licences and the
    published snapshots; everything but the few regions and departments by COPY or SQL."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from phaseout.disclosure.choices import NUMBER_WORD, SnapshotStatus
    from phaseout.disclosure.models import ListSnapshot, SnapshotEntry
    from phaseout.enforcement import procedures
    from phaseout.enforcement.chain import GENESIS, event_hash
    from phaseout.enforcement.models import Case, CaseEvent, Measure
    from phaseout.regions.choices import DepartmentKind
    from phaseout.regions.models import Department, Region
    from phaseout.registry.choices import EQUIPMENT_CAPACITY_UNITS, EquipmentType
    from phaseout.registry.models import Enterprise, Industry, License, ProductionLine

    n_enterprises, seed = options["enterprises"], options["seed"]
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    now = timezone.now().replace(microsecond=0)
    User = get_user_model()
    unusable = make_password(None)
    table = {
        m.__name__: m._meta.db_table
        for m in (
            Region,
            Industry,
            Enterprise,
            ProductionLine,
            License,
            Case,
            CaseEvent,
            Measure,
            ListSnapshot,
            SnapshotEntry,
        )
    }
    timings: dict[str, float] = {}

    def lap(name: str, start: float) -> float:
        timings[name] = time.perf_counter() - start
        print(f"  {name}: {timings[name]:.1f} s", flush=True)
        return time.perf_counter()

    t = time.perf_counter()
    with transaction.atomic():
        counties = screening_bench._regions(Region)
        province = Region.objects.get(code=screening_bench.PROVINCE[0])
        cities = list(Region.objects.filter(parent=province).order_by("code"))
        industries = {
            code: pk
            for code, pk in Industry.objects.filter(
                code__in=ledger_bench.INDUSTRY_EQUIPMENT
            ).values_list("code", "pk")
        }
        industry_codes = sorted(industries)

        # Departments: in every county the kinds owning each dimension; at the province and the
        # first three cities the publishers (工信 for the cards and exits, 生态环境 for emissions).
        owner = {d: procedures.params(d)["responsible"][0] for d in DIMENSION_CODES}
        dept_of: dict[tuple[int, str], Department] = {}
        for _code, name, region_pk in counties:
            for kind in sorted(set(owner.values())):
                dept_of[(region_pk, kind)] = Department.objects.create(
                    kind=kind, region_id=region_pk, name=f"{name}{DepartmentKind(kind).label}"
                )
        for region in [province, *cities[:3]]:
            for kind in (DepartmentKind.INDUSTRY_IT, DepartmentKind.ECOLOGY_ENVIRONMENT):
                dept_of[(region.pk, kind)] = Department.objects.create(
                    kind=kind, region=region, name=f"{region.name}{DepartmentKind(kind).label}"
                )
        officers = User.objects.bulk_create(
            [
                User(username=f"officer-{d.pk}", password=unusable, is_active=True)
                for d in dept_of.values()
            ]
        )
        officer_of = {d.pk: u.pk for d, u in zip(dept_of.values(), officers, strict=True)}
        signers = User.objects.bulk_create(
            [
                User(username=f"bench-portal-{role}", password=unusable, is_active=True)
                for role in ("preparer", "reviewer", "publisher")
            ]
        )
        t = lap("regions, departments, officers", t)

        # Enterprises, spread over the counties, by COPY.
        loader = screening_bench.Loader(
            Enterprise,
            tuple(
                "id credit_code name region_id industry_id size legal_standing address"
                " legal_representative employees status".split()
            ),
            now,
        )
        weights = [(code, 3 if code.startswith(("30", "31")) else 1) for code in industry_codes]

        def enterprise(index: int, r: random.Random) -> tuple:
            code, county_name, region_pk = counties[index % len(counties)]
            industry = _weighted(r, weights)
            trade = ledger_bench._encode(
                (index * 7_919 + 12_345) % len(ledger_bench.TRADE_CHARS) ** 4,
                ledger_bench.TRADE_CHARS,
                4,
            )
            word = ledger_bench.INDUSTRY_WORD[industry[:2]]
            person = r.choice(ledger_bench.SURNAMES) + r.choice(ledger_bench.GIVEN_CHARS)
            return (
                index + 1,
                ledger_bench.credit_code(index, code),
                f"{county_name}{trade}{word}有限公司",
                region_pk,
                industries[industry],
                "above" if r.random() < 0.4 else "below",
                "licensed" if r.random() < 0.95 else "unlicensed",
                f"{county_name}{r.choice(ledger_bench.STREETS)}路{index % 999 + 1}号",
                person,
                r.randint(20, 3_000),
                "operating",
            )

        loader.write(enterprise(i, rng) for i in range(n_enterprises))
        t = lap(f"{n_enterprises:,} enterprises (COPY)", t)

        # Lines: one per enterprise, a second for one in three, set-based.
        equipment_label = {c.value: str(c.label) for c in EquipmentType}
        spec = []
        for code in industry_codes:
            kinds = ledger_bench.INDUSTRY_EQUIPMENT[code]
            for n in (1, 2):
                equipment = kinds[(n - 1) % len(kinds)]
                unit = EQUIPMENT_CAPACITY_UNITS[equipment][0]
                low, high, places = ledger_bench.CAPACITY_RANGES[unit]
                spec.append((industries[code], n, equipment, unit, low, high, places))
        values = ", ".join(
            f"({pk}, {n}, '{eq}', '{unit}', {low}, {high}, {places})"
            for pk, n, eq, unit, low, high, places in spec
        )
        with connection.cursor() as cursor:
            for n, where in ((1, "TRUE"), (2, "e.id %% 3 = 0")):
                cursor.execute(
                    f"""
                    INSERT INTO {table["ProductionLine"]} (enterprise_id, code, name,
                        equipment_type, capacity, capacity_unit, size, size_unit, process, product,
                        commissioning_year, status, notes, created_at, updated_at)
                    SELECT e.id, 'L{n:02d}', '', m.equipment,
                        round((m.low + (m.high - m.low) * ((e.id * 7919 + {n} * 104729) %% 1000)
                            / 1000.0)::numeric, m.places),
                        m.unit, NULL, '', '', '', 1985 + (e.id * 31 + {n}) %% 40, 'operating', '',
                        %s, %s
                    FROM {table["Enterprise"]} e
                    JOIN (VALUES {values}) m(industry_id, n, equipment, unit, low, high, places)
                      ON m.industry_id = e.industry_id AND m.n = {n}
                    WHERE {where}
                    """,
                    [now, now],
                )
        t = lap("lines (INSERT … SELECT)", t)

        # Cases (5 % of the enterprises; 40 % of those a second one), with their events, by COPY.
        # One enterprise in CASE_EVERY, spread over the counties (a plain stride would share a
        # factor with the number of counties and leave most of them without cases).
        case_enterprises = [
            CASE_EVERY * j + (j * 7) % CASE_EVERY for j in range(n_enterprises // CASE_EVERY)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT l.enterprise_id, l.id FROM {table["ProductionLine"]} l
                WHERE l.code = 'L01' AND l.enterprise_id = ANY(%s)""",
                [[index + 1 for index in case_enterprises]],
            )
            first_line = dict(cursor.fetchall())
        case_loader = screening_bench.Loader(
            Case,
            tuple(
                "id number dimension enterprise_id line_id subject_key region_id department_id"
                " facts state order_kind served_on period_months due_on due_kind overdue_since"
                " serious exit_kind exited_on opened_by_id opened_at updated_at closed_at version"
                " chain_head event_count".split()
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
        span = (LAST_MOVED - FIRST_OPENED).days - 60
        case_rows, event_rows = [], []
        case_pk = event_pk = 0
        for index in case_enterprises:
            enterprise_pk = index + 1
            _code, county_name, region_pk = counties[index % len(counties)]
            picked = [_weighted(rng, DIMENSION_WEIGHTS)]
            if rng.random() < SECOND_CASE_SHARE:
                picked.append(
                    _weighted(rng, tuple((d, w) for d, w in DIMENSION_WEIGHTS if d != picked[0]))
                )
            for dimension in picked:
                case_pk += 1
                group = dimension if dimension in STATES else "card"
                state = _weighted(rng, STATES[group])
                on_line = dimension == "TECHNOLOGY" or rng.random() < 0.3
                line_pk = first_line.get(enterprise_pk) if on_line else None
                opened_day = FIRST_OPENED + datetime.timedelta(days=rng.randint(0, span))
                opened = datetime.datetime.combine(
                    opened_day, datetime.time(9, rng.randint(0, 59)), tz
                )
                moved = min(
                    opened + datetime.timedelta(days=rng.randint(20, 60), hours=2),
                    datetime.datetime.combine(LAST_MOVED, datetime.time(15), tz),
                )
                moved_day = moved.date()
                department = dept_of[(region_pk, owner[dimension])]
                officer = officer_of[department.pk]
                served = moved_day if state != "withdrawn" else None
                due = served + datetime.timedelta(days=182) if served else None
                serious = (
                    dimension == "ENVIRONMENT"
                    and state not in ("exited", "compliant")
                    and rng.random() < SERIOUS_SHARE
                )
                exited_on = moved_day if state == "exited" else None
                number = f"{opened_day.year}-{DIMENSION_CODES[dimension]}-{case_pk:07d}"
                payload: dict = {"facts": FACTS[dimension]}
                if exited_on:
                    payload["accepted_on"] = exited_on.isoformat()
                    payload["lines"] = []
                if serious:
                    payload |= {"compliant": False, "serious": True}
                head = GENESIS
                events = [
                    (1, "opened", opened, "", "opened", f"立案：{FACTS[dimension]}", {}),
                    (2, "transition", moved, "opened", state, "程序推进", payload),
                ]
                for seq, kind, at, from_state, to_state, summary, data in events:
                    event_pk += 1
                    event = _Event(
                        case_id=case_pk,
                        seq=seq,
                        kind=kind,
                        at=at,
                        actor_id=officer,
                        actor_name=f"officer-{department.pk}",
                        from_state=from_state,
                        to_state=to_state,
                        summary=summary,
                        payload=data,
                        prev_hash=head,
                    )
                    head = event_hash(event)
                    event_rows.append(
                        (
                            event_pk,
                            case_pk,
                            seq,
                            kind,
                            at,
                            officer,
                            event.actor_name,
                            from_state,
                            to_state,
                            summary,
                            json.dumps(data, ensure_ascii=False),
                            event.prev_hash,
                            head,
                        )
                    )
                case_rows.append(
                    (
                        case_pk,
                        number,
                        dimension,
                        enterprise_pk,
                        line_pk,
                        f"l{line_pk}" if line_pk else f"e{enterprise_pk}",
                        region_pk,
                        department.pk,
                        FACTS[dimension],
                        state,
                        "dismantle" if dimension == "TECHNOLOGY" else "rectify",
                        served,
                        6,
                        due if state in ("rectifying", "extension_requested") else None,
                        "rectification" if state in ("rectifying", "extension_requested") else "",
                        due if state == "overdue" else None,
                        serious,
                        "shutdown" if state == "exited" and not line_pk else "",
                        exited_on,
                        officer,
                        opened,
                        moved,
                        moved if state in ("exited", "compliant", "withdrawn") else None,
                        1,
                        head,
                        2,
                    )
                )
        case_loader.write(case_rows)
        event_loader.write(event_rows)
        n_cases, n_events = len(case_rows), len(event_rows)
        del case_rows, event_rows
        t = lap(f"{n_cases:,} cases, {n_events:,} events (COPY)", t)

        with connection.cursor() as cursor:
            # Measures on the cases ordered to exit: power and water cut.
            for kind, days in (("power_cut", 10), ("water_cut", 12)):
                cursor.execute(
                    f"""
                    INSERT INTO {table["Measure"]} (enterprise_id, line_id, license_id, case_id,
                        kind, executed_on, executor_id, executor_name, recorded_by_id, recorded_at,
                        evidence_id, note, lifted_on, lifted_by_id, lift_reason)
                    SELECT c.enterprise_id, c.line_id, NULL, c.id, '{kind}',
                        (c.updated_at AT TIME ZONE 'Asia/Shanghai')::date + {days}, NULL,
                        '供电公司', c.opened_by_id, c.updated_at, NULL, '', NULL, NULL, ''
                    FROM {table["Case"]} c
                    WHERE c.state IN ('exit_ordered', 'sealed', 'exited')
                    """
                )
            # A production licence for every enterprise with a case.
            cursor.execute(
                f"""
                INSERT INTO {table["License"]} (enterprise_id, kind, number, issuer, valid_from,
                    valid_until, status, created_at, updated_at)
                SELECT DISTINCT c.enterprise_id, 'production', 'XK' || lpad(c.enterprise_id::text,
                    9, '0'), '基准省市场监督管理局', DATE '2022-01-01', DATE '2027-12-31', 'valid',
                    %s, %s
                FROM {table["Case"]} c
                """,
                [now, now],
            )
        t = lap("measures, licences (INSERT … SELECT)", t)

        # The published snapshots, their entries copied from the cases and the registry.
        equipment_values = ", ".join(
            f"('{value}', '{label}')" for value, label in equipment_label.items()
        )
        specs = [(province, kind, CUT_OFF, 1) for kind in MEMBERS]
        specs.insert(0, (province, "yellow", EARLIER_CUT_OFF, 1))
        for city in cities[:3]:
            specs += [(city, kind, CUT_OFF, 1) for kind in ("yellow", "red", "env_exceeding")]
        city_one = cities[0].code[:4]
        for _code, _name, region_pk in [c for c in counties if c[0].startswith(city_one)][:2]:
            specs.append((Region.objects.get(pk=region_pk), "yellow", CUT_OFF, 1))
        numbers: dict[tuple[str, str], int] = {}
        snapshots = []
        for region, kind, cut_off, _n in specs:
            publisher_kind = (
                DepartmentKind.ECOLOGY_ENVIRONMENT
                if kind.startswith("env")
                else DepartmentKind.INDUSTRY_IT
            )
            department = dept_of[(region.pk, publisher_kind)]
            published_at = datetime.datetime.combine(
                cut_off + datetime.timedelta(days=5), datetime.time(10), tz
            )
            year = cut_off.year if kind == "annual_exit" else None
            snapshot = ListSnapshot.objects.create(
                kind=kind,
                region=region,
                department=department,
                cut_off=cut_off,
                year=year,
                prepared_by=signers[0],
                prepared_at=published_at - datetime.timedelta(days=2),
            )
            member = MEMBERS[kind] % {
                "year_start": f"DATE '{cut_off.year}-01-01'",
                "cut_off": f"DATE '{cut_off.isoformat()}'",
            }
            since = (
                "c.exited_on"
                if kind == "annual_exit"
                else "(c.updated_at AT TIME ZONE 'Asia/Shanghai')::date"
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {table["SnapshotEntry"]} (snapshot_id, position, enterprise_id,
                        enterprise_name, credit_code, region_code, region_name, industry_code,
                        industry_name, dimension, case_id, case_number, line_code, equipment,
                        since, capacity, capacity_unit, reason)
                    SELECT %s, ROW_NUMBER() OVER (ORDER BY r.code, e.name, c.number,
                            COALESCE(l.code, '')),
                        e.id, e.name, e.credit_code, r.code, r.name, i.code, i.name, c.dimension,
                        c.id, c.number, COALESCE(l.code, ''), COALESCE(eq.label, '整个企业'),
                        {since}, l.capacity, COALESCE(l.capacity_unit, ''), c.facts
                    FROM {table["Case"]} c
                    JOIN {table["Enterprise"]} e ON e.id = c.enterprise_id
                    JOIN {table["Region"]} r ON r.id = c.region_id
                    JOIN {table["Industry"]} i ON i.id = e.industry_id
                    LEFT JOIN {table["ProductionLine"]} l ON l.id = c.line_id
                    LEFT JOIN (VALUES {equipment_values}) eq(value, label)
                      ON eq.value = l.equipment_type
                    WHERE r.code LIKE %s AND {member}
                      AND c.updated_at < %s
                    """,
                    [
                        snapshot.pk,
                        region.prefix + "%",
                        datetime.datetime.combine(
                            cut_off + datetime.timedelta(days=1), datetime.time(0), tz
                        ),
                    ],
                )
                count = cursor.rowcount
                numbers[(region.code, kind)] = numbers.get((region.code, kind), 0) + 1
                number = (
                    f"〔{published_at.year}〕{NUMBER_WORD[kind]}第{numbers[(region.code, kind)]}号"
                )
                cursor.execute(
                    f"""UPDATE {table["ListSnapshot"]} SET status = %s, number = %s,
                        entry_count = %s, reviewed_by_id = %s, reviewed_at = %s,
                        published_by_id = %s, published_at = %s WHERE id = %s""",
                    [
                        SnapshotStatus.PUBLISHED.value,
                        number,
                        count,
                        signers[1].pk,
                        published_at - datetime.timedelta(days=1),
                        signers[2].pk,
                        published_at,
                        snapshot.pk,
                    ],
                )
            snapshots.append(
                {"kind": kind, "region": region.code, "number": number, "entries": count}
            )
        t = lap(f"{len(snapshots)} published snapshots (INSERT … SELECT)", t)

        with connection.cursor() as cursor:
            for model in (Enterprise, Case, CaseEvent):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                    f"(SELECT MAX(id) FROM {model._meta.db_table}))"
                )
    screening_bench.vacuum_analyze()
    lap("VACUUM ANALYZE", t)
    return {"timings": timings, "snapshots": snapshots, "counts": counts()}


class _Event:
    """What chain.event_hash reads of an event."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def counts() -> dict:
    from django.db import connection

    from phaseout.disclosure.models import ListSnapshot, SnapshotEntry
    from phaseout.enforcement.models import Case, CaseEvent
    from phaseout.registry.models import Enterprise, ProductionLine

    result = {}
    with connection.cursor() as cursor:
        for name, model in (
            ("enterprises", Enterprise),
            ("lines", ProductionLine),
            ("cases", Case),
            ("events", CaseEvent),
            ("snapshots", ListSnapshot),
            ("entries", SnapshotEntry),
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")
            result[name] = cursor.fetchone()[0]
    return result


def step(name: str, options: dict) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phaseout.settings")
    django.setup()
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"  migrate: {time.perf_counter() - start:.1f} s", flush=True)
    if name == "build":
        return build(options)
    return {"counts": counts()}


# — the runner (the parent process) —


def database_name(small: bool) -> str:
    return DATABASE + ("_small" if small else "")


def database_url(name: str) -> str:
    return f"postgres://{ledger_bench.PG_USER}@{ledger_bench.PG_HOST}:{ledger_bench.PG_PORT}/{name}"


def manifest_path(name: str) -> Path:
    return OUT / f"{name}.json"


def run_step(name: str, options: dict, env: dict, log: Path) -> dict:
    result_file = OUT / f"portal-step-{os.getpid()}.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--step", name, json.dumps(options)]
    try:
        with log.open("w") as out:
            process = subprocess.Popen(
                [*argv, str(result_file)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for line in process.stdout:
                out.write(line)
                print(line, end="", flush=True)
            process.wait()
        if process.returncode != 0 or not result_file.exists():
            raise SystemExit(f"the {name} step failed (exit {process.returncode}); see {log}")
        return json.loads(result_file.read_text())
    finally:
        result_file.unlink(missing_ok=True)


def prepare_database(args, env: dict) -> dict:
    """Reuse the cached database when its counts match the manifest; otherwise build it."""
    name = env["PORTAL_DB"]
    manifest = manifest_path(name)
    wanted = {"generator": GENERATOR_VERSION, "enterprises": args.enterprises, "seed": SEED}
    exists = ledger_bench.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    if exists and manifest.exists() and not args.rebuild:
        recorded = json.loads(manifest.read_text())
        if {k: recorded.get(k) for k in wanted} == wanted:
            live = run_step("check", {}, env, LOGS / "portal-check.log")["counts"]
            if live == recorded["counts"]:
                print(f"database {name}: reused (row counts match {manifest.name})")
                return {**recorded, "reused": True}
            print(f"database {name}: counts differ from the manifest, rebuilding")
    ledger_bench.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    manifest.unlink(missing_ok=True)
    ledger_bench.psql(f'CREATE DATABASE "{name}"')
    print(f"database {name}: building {args.enterprises:,} enterprises")
    start = time.perf_counter()
    built = run_step(
        "build",
        {"enterprises": args.enterprises, "seed": SEED},
        env,
        LOGS / "portal-build.log",
    )
    built["build_seconds"] = time.perf_counter() - start
    record = {**wanted, **built}
    manifest.write_text(json.dumps(record, ensure_ascii=False, indent=2))
    return {**record, "reused": False}


def sample_urls(name: str, seed: int) -> dict[str, list[tuple[str, str]]]:
    """The requests of each scenario, drawn from what the database holds (seeded)."""
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(database_url(name).replace("postgres://", "postgresql://", 1)) as conn:

        def rows(sql: str, params=()):
            return conn.execute(sql, params).fetchall()

        snapshots = rows(
            """SELECT s.id, s.kind, r.code, r.level, s.entry_count, s.cut_off
            FROM disclosure_listsnapshot s JOIN regions_region r ON r.id = s.region_id
            WHERE s.status = 'published' ORDER BY s.id"""
        )
        top = {}  # kind → the province's latest snapshot
        for pk, kind, _code, level, count, cut_off in snapshots:
            if level == "province" and (kind not in top or cut_off >= top[kind][2]):
                top[kind] = (pk, count, cut_off)
        earlier = [
            pk
            for pk, kind, _c, level, _n, cut_off in snapshots
            if level == "province" and cut_off < top[kind][2]
        ]
        below = [
            (kind, code) for _pk, kind, code, level, _n, _c in snapshots if level != "province"
        ]
        yellow = top["yellow"][0]
        filters = {
            "region": [
                r[0]
                for r in rows(
                    "SELECT code FROM regions_region WHERE level IN ('city', 'county') ORDER BY code"
                )
            ],
            "industry": [
                r[0]
                for r in rows(
                    "SELECT DISTINCT industry_code FROM disclosure_snapshotentry WHERE snapshot_id = %s",
                    (yellow,),
                )
            ],
            "year": ["2025", "2026"],
            "dimension": list(DIMENSION_CODES),
        }
        named = rows(
            """SELECT enterprise_name, region_name, credit_code FROM disclosure_snapshotentry
            WHERE snapshot_id = %s ORDER BY md5(credit_code) LIMIT 2000""",
            (yellow,),
        )
        record_codes = [
            r[0]
            for r in rows(
                """SELECT DISTINCT e.credit_code FROM disclosure_snapshotentry e
                JOIN disclosure_listsnapshot s ON s.id = e.snapshot_id
                WHERE s.status = 'published' ORDER BY 1"""
            )
        ]
    kind_weights = (
        ("yellow", 40),
        ("red", 20),
        ("env_exceeding", 15),
        ("env_serious", 10),
        ("annual_exit", 15),
    )
    lists: list[tuple[str, str]] = []
    for _ in range(URLS_PER_SCENARIO):
        kind = _weighted(rng, kind_weights)
        base = f"/public/lists/{kind}/"
        pages = max(1, -(-top[kind][1] // 50))
        roll = rng.random()
        if roll < 0.35:
            lists.append(("list: latest, page 1", base))
        elif roll < 0.60:
            lists.append(("list: page n", f"{base}?page={rng.randint(1, pages)}"))
        elif roll < 0.85:
            field = rng.choice(list(filters))
            value = rng.choice(filters[field])
            page = "" if rng.random() < 0.7 else "&page=2"
            lists.append((f"list: filter {field}", f"{base}?{field}={value}{page}"))
        elif roll < 0.95 and below:
            kind, code = rng.choice(below)
            lists.append(("list: city/county (?at=)", f"/public/lists/{kind}/?at={code}"))
        else:
            pick = rng.choice(earlier) if earlier else top["yellow"][0]
            lists.append(("list: earlier snapshot", f"/public/lists/yellow/?snapshot={pick}"))
    searches: list[tuple] = []
    for _ in range(URLS_PER_SCENARIO):
        name_, region_name, code = rng.choice(named)
        start = len(region_name) + rng.randint(0, 2)
        fragment = name_[start : start + 2]
        kind = "yellow" if rng.random() < 0.8 else "red"
        roll = rng.random()
        if roll < 0.30:
            q, label = fragment, "search: list, name fragment"
        elif roll < 0.45:
            q, label = name_, "search: list, full name"
        elif roll < 0.60:
            q, label = code, "search: list, credit code"
        if roll < 0.60:
            searches.append((label, f"/public/lists/{kind}/?q={urllib.parse.quote(q)}"))
        elif roll < 0.85:
            q = fragment if rng.random() < 0.7 else name_
            searches.append(
                ("search: enterprises, name", f"{SEARCH_URL}?q={urllib.parse.quote(q)}")
            )
        else:  # a credit code goes straight to the record
            searches.append(("search: enterprises, credit code", f"{SEARCH_URL}?q={code}", 302))
    records = [
        ("record", RECORD_URL.format(code=rng.choice(record_codes)))
        for _ in range(URLS_PER_SCENARIO)
    ]
    return {
        "floor": [("floor: /healthz", "/healthz")],
        "lists": lists,
        "searches": searches,
        "records": records,
        "feed": [("feed", FEED_URL)],
    }


LOCUSTFILE = '''"""Generated by bench/portal.py: one scenario's requests, each one's time recorded."""

import itertools
import json
import os
import random
import time

from locust import FastHttpUser, between, constant, events, task

URLS = json.loads(open(os.environ["PORTAL_URLS"], encoding="utf-8").read())[
    os.environ["PORTAL_SCENARIO"]
]
THINK = float(os.environ.get("PORTAL_THINK", "0"))
RECORDS = []
ADDRESSES = itertools.count(1)


@events.request.add_listener
def _record(
    request_type, name, response_time, response_length, exception=None, response=None, **kwargs
):
    # X-Cache: "hit" when the page came from the page cache, "miss" when it was rendered and kept.
    kept = response.headers.get("X-Cache") if response is not None else None
    RECORDS.append((time.time(), name, response_time, exception is None, response_length, kept))


@events.quitting.add_listener
def _dump(environment, **kwargs):
    with open(os.environ["PORTAL_TIMES"], "w", encoding="utf-8") as out:
        json.dump(RECORDS, out)


class Client(FastHttpUser):
    # A pause drawn between half and one and a half times --think: clients that all waited
    # the same would arrive in waves of 50.
    wait_time = between(THINK / 2, THINK * 1.5) if THINK else constant(0)

    def on_start(self):
        # Each client its own address, as nginx passes it on (X-Forwarded-For): the per-address
        # rate limits see 50 visitors, not one.
        n = next(ADDRESSES)
        self.headers = {"X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}"}

    @task
    def get(self):
        name, url, *expected = random.choice(URLS)
        expected = expected[0] if expected else 200
        with self.client.get(
            url, name=name, headers=self.headers, catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != expected:
                r.failure(f"HTTP {r.status_code} (expected {expected})")
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def process_cpu(pid: int) -> float:
    """CPU seconds of a process and of its children, living and reaped (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(master: int) -> float:
    """The gunicorn master's CPU seconds and its live workers'."""
    total = process_cpu(master)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == master:
            total += process_cpu(int(entry.name))
    return total


class Server:
    def __init__(self, env: dict, port: int, workers: int):
        self.env, self.port, self.workers = env, port, workers
        self.url = f"http://127.0.0.1:{port}"
        self.log = LOGS / "portal-gunicorn.log"

    def __enter__(self) -> Server:
        argv = [
            str(VENV_BIN / "gunicorn"),
            "phaseout.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "300",
            "--access-logfile",
            str(LOGS / "portal-access.log"),
        ]
        self.command = " ".join(argv[:1] + [a for a in argv[1:]])
        self.process = subprocess.Popen(
            argv, env=self.env, cwd=ROOT, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        for _ in range(120):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                if get(self.url + "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer on {self.url}; see {self.log}")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer of its own here


OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str) -> tuple[int, bytes]:
    """The status and body of a GET, redirects not followed."""
    request = urllib.request.Request(url, headers={"X-Forwarded-For": "10.1.0.1"})
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def probe(server: Server, urls: dict) -> dict[str, dict]:
    """Which scenarios exist, and a warm-up: every worker renders each kind of page."""
    status = {}
    for scenario, requests in urls.items():
        picks = random.Random(1).sample(requests, min(len(requests), 12))
        codes = [(get(server.url + url)[0], (*want, 200)[0]) for _name, url, *want in picks]
        found = [c for c, _want in codes if c != 404]
        status[scenario] = {
            "codes": sorted({c for c, _want in codes}),
            "exists": bool(found),
            "ok": all(c == want for c, want in codes),
        }
        if found:
            for _name, url, *_want in random.Random(2).sample(requests, min(len(requests), 40)):
                get(server.url + url)
    return status


def run_locust(
    scenario: str, server: Server, args, urls_file: Path, locustfile: Path, env: dict
) -> dict:
    prefix = OUT / f"portal-{scenario}"
    times = OUT / f"portal-{scenario}-times.json"
    times.unlink(missing_ok=True)
    log = LOGS / f"portal-locust-{scenario}.log"
    argv = [
        str(VENV_BIN / "locust"),
        "-f",
        str(locustfile),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.users),
        "-t",
        f"{args.seconds}s",
        "--host",
        server.url,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "5",
    ]
    locust_env = {
        **env,
        "PORTAL_URLS": str(urls_file),
        "PORTAL_SCENARIO": scenario,
        "PORTAL_THINK": str(args.think),
        "PORTAL_TIMES": str(times),
    }
    backends = Backends(env["PORTAL_DB"])
    busy, server_before = ledger_bench.machine_busy_seconds(), server_cpu(server.process.pid)
    start = time.time()
    with log.open("w") as out:
        process = subprocess.Popen(argv, env=locust_env, cwd=OUT, stdout=out, stderr=out)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            backends.sample()
            time.sleep(1)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.time() - start
    locust_cpu = usage.ru_utime + usage.ru_stime
    server_used = server_cpu(server.process.pid) - server_before
    database_used = backends.used()
    other = max(
        0.0,
        ledger_bench.machine_busy_seconds() - busy - locust_cpu - server_used - database_used,
    )
    text = log.read_text(errors="replace")
    records = json.loads(times.read_text()) if times.exists() else []
    first = min((r[0] - r[2] / 1000 for r in records), default=start)
    window_start = first + WARMUP_SECONDS
    kept = [r for r in records if r[0] >= window_start]
    window_end = max((r[0] for r in kept), default=window_start)
    result = figures(kept, max(window_end - window_start, 1e-9))
    result.update(
        {
            "scenario": scenario,
            "exit_status": os.waitstatus_to_exitcode(status),
            "wall_seconds": wall,
            "window_seconds": window_end - window_start,
            "warmup_requests": len(records) - len(kept),
            "locust_cpu_seconds": locust_cpu,
            "server_cpu_seconds": server_used,
            "database_cpu_seconds": database_used,
            "other_cpu_seconds": other,
            "server_cpu_ms_per_request": 1000 * server_used / max(len(records), 1),
            "database_cpu_ms_per_request": 1000 * database_used / max(len(records), 1),
            "locust_cpu_warning": "CPU usage above" in text or "CPU usage was too high" in text,
            "by_name": {
                name: figures([r for r in kept if r[1] == name], window_end - window_start)
                for name in sorted({r[1] for r in kept})
            },
            "failures": failure_lines(prefix),
        }
    )
    return result


class Backends:
    """CPU seconds of the PostgreSQL backends serving the bench database (pg_stat_activity, then
    /proc): sampled every second, so a backend that ends with a recycled connection (CONN_MAX_AGE)
    keeps what it used up to its last sample."""

    def __init__(self, database: str):
        self.database = database
        self.start = {pid: process_cpu(pid) for pid in self.pids()}
        self.last = dict(self.start)

    def pids(self) -> list[int]:
        sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.database}'"
        return [int(p) for p in ledger_bench.psql(sql).split()]

    def sample(self) -> None:
        for pid in self.pids():
            cpu = process_cpu(pid)
            if cpu:
                self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    def used(self) -> float:
        self.sample()
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items())


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def figures(records: list, seconds: float) -> dict:
    times = [r[2] for r in records]
    hits = [r[2] for r in records if r[5:6] == ["hit"]]
    rendered = [r[2] for r in records if r[5:6] != ["hit"]]
    return {
        "page_cache_hits": len(hits),
        "page_cache_hit_share": len(hits) / len(records) if records else None,
        "p95_hit_ms": percentile(hits, 95),
        "p95_rendered_ms": percentile(rendered, 95),
        "requests": len(records),
        "errors": sum(1 for r in records if not r[3]),
        "requests_per_second": len(records) / seconds if seconds > 0 else None,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "max_ms": max(times, default=None),
        "mean_bytes": (sum(r[4] or 0 for r in records) / len(records)) if records else None,
    }


def failure_lines(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    return path.read_text(errors="replace").splitlines()[1:11]


def fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def print_table(results: dict[str, dict], floor_p95: float | None) -> None:
    header = (
        "scenario",
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "p95 × floor",
        "from cache",
        "p95 rendered ms",
        "gunicorn CPU ms/req",
        "PostgreSQL CPU ms/req",
        "locust CPU s",
        "other CPU s",
    )
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join("---" for _ in header) + " |")
    for scenario, r in results.items():
        if r.get("skipped"):
            print(f"| {scenario} | not measured: {r['skipped']} |" + " |" * (len(header) - 2))
            continue
        ratio = r["p95_ms"] / floor_p95 if floor_p95 and r["p95_ms"] is not None else None
        print(
            "| "
            + " | ".join(
                (
                    scenario,
                    f"{r['requests']:,}",
                    f"{r['errors']:,}",
                    fmt(r["requests_per_second"], ",.0f"),
                    fmt(r["p50_ms"], ".0f"),
                    fmt(r["p95_ms"], ".0f"),
                    fmt(r["p99_ms"], ".0f"),
                    fmt(ratio, ".1f"),
                    fmt(r.get("page_cache_hit_share"), ".0%"),
                    fmt(r.get("p95_rendered_ms"), ".0f"),
                    f"{r['server_cpu_ms_per_request']:.1f}",
                    f"{r['database_cpu_ms_per_request']:.1f}",
                    f"{r['locust_cpu_seconds']:.0f}",
                    f"{r['other_cpu_seconds']:.0f}",
                )
            )
            + " |"
        )
    print()
    print("by request (p50 / p95 / p99 ms, req/s):")
    for scenario, r in results.items():
        for name, f in r.get("by_name", {}).items():
            print(
                f"  {scenario:9} {name:32} {fmt(f['p50_ms'], '6.0f')} {fmt(f['p95_ms'], '6.0f')}"
                f" {fmt(f['p99_ms'], '6.0f')}  {fmt(f['requests_per_second'], '7.1f')}/s"
                f"  errors {f['errors']}  ~{fmt(f['mean_bytes'], ',.0f')} B"
                f"  from cache {fmt(f['page_cache_hit_share'], '.0%')}"
            )


def verdicts(results: dict[str, dict], floor_p95: float | None) -> list[tuple[str, bool]]:
    lines = []
    for scenario, r in results.items():
        if r.get("skipped"):
            lines.append((f"{scenario}: not measured ({r['skipped']}): NOT MET", False))
            continue
        ok = r["p95_ms"] is not None and r["p95_ms"] < GOAL_P95_MS
        lines.append(
            (
                f"{scenario}: p95 {fmt(r['p95_ms'], '.0f')} ms < {GOAL_P95_MS:.0f} ms: "
                + ("met" if ok else "MISSED"),
                ok,
            )
        )
        ok = r["errors"] == 0 and r["requests"] > 0 and r["exit_status"] in (0, 1)
        lines.append(
            (
                f"{scenario}: {r['errors']:,} errors of {r['requests']:,} requests: "
                + ("met" if ok else "MISSED"),
                ok,
            )
        )
        if r["locust_cpu_warning"]:
            lines.append((f"{scenario}: locust warned that its CPU was saturated", True))
    record = results.get("records")
    if record is None or record.get("skipped") or not floor_p95:
        lines.append(("records: p95 within 3× the floor's: NOT MEASURED", False))
    else:
        ratio = record["p95_ms"] / floor_p95
        ok = ratio <= GOAL_RECORD_RATIO
        lines.append(
            (
                f"records: p95 {record['p95_ms']:.0f} ms = {ratio:.1f}× the floor's "
                f"{floor_p95:.0f} ms (goal ≤ {GOAL_RECORD_RATIO:.0f}×): "
                + ("met" if ok else "MISSED"),
                ok,
            )
        )
    return lines


def collectstatic(env: dict) -> None:
    log = LOGS / "portal-collectstatic.log"
    with log.open("w") as out:
        completed = subprocess.run(
            [sys.executable, "-m", "phaseout", "collectstatic", "--noinput", "-v", "0"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if completed.returncode != 0:
        raise SystemExit(f"collectstatic failed; see {log}")


BENCH_REDIS_URL = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/9")


def choose_page_cache(wanted: str) -> str:
    """redis or memory; with redis, its database emptied so the run starts with no page kept."""
    if wanted == "memory":
        return "memory"
    import redis

    try:
        redis.Redis.from_url(BENCH_REDIS_URL, socket_timeout=2).flushdb()
    except redis.RedisError as error:
        if wanted == "redis":
            raise SystemExit(f"no Redis at {BENCH_REDIS_URL}: {error}") from error
        return "memory"
    return "redis"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load the public portal with 50 clients and compare it with a trivial view."
    )
    parser.add_argument("--small", action="store_true", help="20,000 enterprises, 15 s each")
    parser.add_argument("--enterprises", type=int, help="default 1,000,000 (20,000 with --small)")
    parser.add_argument("--seconds", type=int, help="per scenario; default 60 (15 with --small)")
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds each client waits between requests (drawn from ½–1½ times it)",
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    parser.add_argument(
        "--page-cache",
        choices=["auto", "redis", "memory"],
        default="auto",
        help=f"redis: {BENCH_REDIS_URL} shared by the workers; memory: each worker's own; "
        "auto (default): redis when it answers",
    )
    args = parser.parse_args(argv)
    args.enterprises = args.enterprises or (SMALL_ENTERPRISES if args.small else FULL_ENTERPRISES)
    args.seconds = args.seconds or (SMALL_SECONDS if args.small else FULL_SECONDS)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    if unknown := set(args.scenarios) - set(SCENARIOS):
        parser.error(f"unknown scenarios: {sorted(unknown)}")
    if "floor" not in args.scenarios:
        args.scenarios.insert(0, "floor")
    if args.enterprises < 2_000 or args.seconds <= WARMUP_SECONDS:
        parser.error(f"at least 2,000 enterprises and more than {WARMUP_SECONDS} s per scenario")
    return args


def main(argv: list[str]) -> int:
    if argv[:1] == ["--step"]:
        name, options, result_file = argv[1], json.loads(argv[2]), Path(argv[3])
        result_file.write_text(json.dumps(step(name, options), ensure_ascii=False, default=str))
        return 0
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    ledger_bench.ensure_postgres()
    info = ledger_bench.machine_info(["postgres"])
    info += [
        (
            "gunicorn",
            subprocess.run(
                [VENV_BIN / "gunicorn", "--version"], capture_output=True, text=True
            ).stdout.strip(),
        ),
        (
            "locust",
            subprocess.run([VENV_BIN / "locust", "--version"], capture_output=True, text=True)
            .stdout.split(" from ")[0]
            .strip(),
        ),
    ]
    print("machine:")
    for key, value in info:
        print(f"  {key}: {value}")
    name = database_name(args.small)
    url = database_url(name)
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "phaseout.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PHASEOUT_DATA_KEYS": fernet_key(),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Behind nginx the client's address comes in X-Forwarded-For (docs/install.md); each
        # locust client sends its own, so the per-address rate limits count each on its own.
        "PHASEOUT_RATELIMIT_IP_META_KEY": "HTTP_X_FORWARDED_FOR",
        "PHASEOUT_DATA_DIR": str(OUT / "portal-data"),
        "STATIC_ROOT": str(OUT / "portal-static"),
        "PORTAL_DB": name,
    }
    base_env.pop("PHASEOUT_ALLOW_INSECURE_KEY", None)
    database = prepare_database(args, base_env)
    print(
        "data: "
        + ", ".join(f"{v:,} {k}" for k, v in database["counts"].items())
        + ("; reused" if database["reused"] else f"; built in {database['build_seconds']:.0f} s")
    )
    for s in database.get("snapshots", []):
        print(f"  {s['number']} {s['kind']} at {s['region']}: {s['entries']:,} entries")
    urls = sample_urls(name, SEED)
    urls_file = OUT / "portal-urls.json"
    urls_file.write_text(json.dumps(urls, ensure_ascii=False))
    locustfile = OUT / "portal_locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    collectstatic(base_env)
    server_env = {k: v for k, v in base_env.items() if k != "PORTAL_DB"}
    page_cache = choose_page_cache(args.page_cache)
    if page_cache == "redis":
        server_env["PHASEOUT_REDIS_URL"] = BENCH_REDIS_URL
    results: dict[str, dict] = {}
    with Server(server_env, free_port(), args.workers) as server:
        print(
            f"server: gunicorn phaseout.wsgi:application, {args.workers} workers, {server.url}; "
            f"{args.users} locust users, {args.seconds} s per scenario (first {WARMUP_SECONDS} s "
            f"not counted), think time {args.think:g} s; page cache: "
            + (f"Redis {BENCH_REDIS_URL}" if page_cache == "redis" else "each worker's memory")
        )
        probes = probe(server, {s: urls[s] for s in args.scenarios})
        for scenario in args.scenarios:
            found = probes[scenario]
            if not found["exists"]:
                why = (
                    f"every probe answered 404 (the page is not there yet: {urls[scenario][0][1]})"
                )
                results[scenario] = {"skipped": why, "probe": found}
                print(f"{scenario}: {why}")
                continue
            if not found["ok"]:
                print(f"{scenario}: probes answered {found['codes']} (not all 200)")
            print(f"{scenario}: running {args.seconds} s …", flush=True)
            results[scenario] = run_locust(scenario, server, args, urls_file, locustfile, base_env)
            r = results[scenario]
            print(
                f"  {r['requests']:,} requests, {r['errors']:,} errors, "
                f"{fmt(r['requests_per_second'], ',.0f')}/s, p50 {fmt(r['p50_ms'], '.0f')} / "
                f"p95 {fmt(r['p95_ms'], '.0f')} / p99 {fmt(r['p99_ms'], '.0f')} ms; CPU s: "
                f"gunicorn {r['server_cpu_seconds']:.0f}, PostgreSQL {r['database_cpu_seconds']:.0f}, "
                f"locust {r['locust_cpu_seconds']:.0f}, "
                f"other {r['other_cpu_seconds']:.0f}; "
                f"from the page cache {fmt(r['page_cache_hit_share'], '.0%')}"
                + ("; LOCUST CPU WARNING" if r["locust_cpu_warning"] else ""),
                flush=True,
            )
            for line in r["failures"][:3]:
                print(f"  failure: {line}")
    floor_p95 = (results.get("floor") or {}).get("p95_ms")
    print()
    print_table(results, floor_p95)
    lines = verdicts(results, floor_p95)
    print()
    for line, _ok in lines:
        print(line)
    met = all(ok for _line, ok in lines)
    print("all goals met" if met else "goals NOT all met")
    out = OUT / f"portal-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "machine": dict(info),
                "options": {**vars(args), "page_cache": page_cache},
                "database": database,
                "results": results,
                "goals": [{"line": line, "met": ok} for line, ok in lines],
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(f"results: {out.relative_to(ROOT)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
