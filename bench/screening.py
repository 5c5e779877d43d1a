"""Screening (排查) benchmark: a whole province screened set-based, against a naive per-line loop.

    .venv/bin/python bench/screening.py [--enterprises 200000 --lines 500000
        --measurements 2000000] [--backend sqlite|postgresql|both] [--keep] [--sample 2000]
        [--explain]

1. Builds, on a fresh database (`phaseout migrate`, then bulk inserts: COPY on PostgreSQL,
   executemany on SQLite), a deterministic (seeded) province in the unused 99 range — 基准省
   990000 with its cities and counties — whose enterprises are spread over the key industries,
   with lines of the equipment each industry runs (size, process and product filled in), and
   measurements of every metric the shipped catalogue's rules read (the rule's metric and its
   corrections' parameters), in the metric's unit, and the licences its licence rules ask for.
   About 5 % of the lines and enterprises a rule covers are made to fail one rule (over a
   limit, in an eliminated or restricted category, a check failed, a licence expired); 2 % of
   the (subject, metric) pairs a rule needs get no measurement, so data gaps are found too.
2. Times, in the same process:
   - the evaluation alone: `screening.engine.screen` consumed without writing anything;
   - the full screening: `screening.services.run_campaign` of a campaign covering the province
     and every key industry, run by a superuser (findings, gaps and coverage written);
   - the naive loop, on a random sample of the lines in scope: per line, one ORM query for its
     enterprise and one for its measurements, the `evaluate.Subject` built in Python and
     `evaluate.evaluate` called for every line rule in force; per enterprise met, the same
     for its own measurements and licences against the enterprise rules.
   and prints lines per second, the ratio of the set-based rate to the naive one, and whether
   the naive verdicts on the sample agree with what the campaign wrote.
3. Prints the goals: the province screened in under 60 s on PostgreSQL, and at least 20× the
   naive loop's lines per second on each database.

The database is dropped after the run unless --keep is given; with --keep it is kept, and a
later run with --keep and the same sizes and seed reuses it without building (building is never
part of the timings). What it measures and the recorded figures: docs/performance.md. Exit
status 0 when every step ran and every goal holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The ledger benchmark beside this file: its synthetic credit codes, trade names, capacities,
# the machine report and the PostgreSQL helpers are shared rather than copied.
import import_ledger as ledger_bench

ROOT = ledger_bench.ROOT
OUT = ROOT / "bench" / "out"
CATALOG_DIR = ROOT / "src" / "phaseout" / "standards" / "catalog"

FULL_SIZE = (200_000, 500_000, 2_000_000)  # enterprises, lines, measurements
SEED = 20251122
SAMPLE = 2_000
# Bump when the generated data change, so a kept database is rebuilt.
GENERATOR_VERSION = 2

GOAL_SECONDS = 60.0  # the whole province on PostgreSQL
GOAL_RATIO = 20.0  # set-based lines/s ÷ naive lines/s, on each database
CONTENTION = ledger_bench.CONTENTION

BACKENDS = ("postgresql", "sqlite")
PG_DATABASE = "phaseout_bench_screening"
SQLITE_FILE = OUT / "screening.sqlite3"
BENCH_USER = "bench-screening"

# The screening: year 2025, judged as of its last day, on that year's measurements.
YEAR = 2025
AS_OF = datetime.date(YEAR, 12, 31)
# Measurements are dated from mid-2024: each (subject, metric) pair has one in the screening
# year, and its others fall anywhere, a third of them before the window (history it leaves out).
FIRST_DAY = datetime.date(YEAR - 1, 7, 1)
IN_WINDOW = (datetime.date(YEAR, 1, 1) - FIRST_DAY).days  # the index of the window's first day
DAYS = tuple(FIRST_DAY + datetime.timedelta(days=n) for n in range((AS_OF - FIRST_DAY).days + 1))

BAD_SHARE = 0.05  # subjects made to fail one rule that covers them
GAP_PER_MILLE = 20  # (subject, metric) pairs left without any measurement
UNSIZED_SHARE = 0.05  # lines whose equipment size was never recorded
EXITED_SHARE = 0.01  # enterprises already exited: out of scope
DISMANTLED_SHARE = 0.02  # lines already dismantled: out of scope
BATCH = 10_000  # enterprises generated and written at a time

# 基准省 990000: twelve cities (990100 … 991200), each with districts (01–…) and counties
# (21–…). Province code 99 is not used by GB/T 2260.
PROVINCE = ("990000", "基准省")
CITY_NAMES = tuple("东川 西岭 南湖 北原 中州 临江 青山 白水 金城 玉泉 红石 长林".split())
DISTRICT_WORDS = tuple("东城 西城 南城 北城 新城 高新".split())
COUNTY_WORDS = tuple("安平 永宁 丰乐 宁远 清河 平山 广福 长乐 东阳 凤台".split())

# What each kind of equipment is sized by, and the processes and products it runs, with weights.
SIZE_RANGES = {
    "m3": (300, 3_000, 0),
    "t": (1, 200, 0),
    "m2": (18, 500, 0),
    "kA": (160, 600, 0),
    "m": (2.2, 7.0, 2),
    "t/d": (300, 10_000, 0),
    "kVA": (6_300, 60_000, 0),
    "MW": (6, 1_000, 0),
}


@dataclass(frozen=True)
class Equipment:
    size_units: tuple[str, ...] = ()
    processes: tuple[tuple[str, int], ...] = ()
    products: tuple[tuple[str, int], ...] = ()


EQUIPMENT = {
    "blast_furnace": Equipment(("m3",), (), (("pig_iron", 85), ("foundry_iron", 15))),
    "converter": Equipment(("t",), (), (("carbon_steel", 80), ("alloy_steel", 20))),
    "electric_arc_furnace": Equipment(
        ("t",), (), (("carbon_steel", 60), ("alloy_steel", 25), ("stainless_steel", 15))
    ),
    "induction_furnace": Equipment(
        ("t",),
        (("medium_frequency", 80), ("power_frequency", 20)),
        (("castings", 70), ("alloy_steel", 30)),
    ),
    "sintering_machine": Equipment(("m2",), (), (("sinter", 1),)),
    "pelletizing": Equipment(("m2",), (), (("pellet", 1),)),
    "rolling_mill": Equipment((), (), (("carbon_steel", 70), ("alloy_steel", 30))),
    "ferroalloy_furnace": Equipment(
        ("kVA",),
        (),
        (
            ("ferrosilicon", 40),
            ("silicomanganese", 30),
            ("ferrochrome", 15),
            ("ferromanganese", 15),
        ),
    ),
    "calcium_carbide_furnace": Equipment(("kVA",), (), (("calcium_carbide", 1),)),
    "coke_oven": Equipment(("m",), (("top_charged", 60), ("stamp_charged", 40)), (("coke", 1),)),
    "cement_kiln": Equipment(
        ("t/d",),
        (("new_dry", 95), ("dry_hollow", 2), ("wet", 2), ("lepol", 1)),
        (("clinker", 1),),
    ),
    "shaft_kiln": Equipment(("m",), (("shaft", 1),), (("clinker", 1),)),
    "cement_mill": Equipment(("m",), (), (("cement", 95), ("special_cement", 5))),
    "glass_furnace": Equipment(
        ("t/d",),
        (("float", 88), ("rolled", 8), ("drawn_sheet", 3), ("grid", 1)),
        (("flat_glass", 85), ("pv_glass", 15)),
    ),
    "aluminium_cell": Equipment(
        ("kA",), (("prebaked", 98), ("self_baked", 2)), (("aluminium", 1),)
    ),
    "lead_zinc_smelter": Equipment(),
    "coal_mine": Equipment((), (("underground", 85), ("open_pit", 15)), (("coal", 1),)),
    "pulp_line": Equipment(),
    "paper_machine": Equipment(),
    "fireworks_line": Equipment(),
    "power_unit": Equipment(("MW",), (), (("electricity", 1),)),
    "other": Equipment(),
}
# Where an industry runs several kinds of equipment, how often each (others: evenly). A kind the
# catalogue eliminates outright (水泥立窑) is rare, as it is by now.
EQUIPMENT_WEIGHTS = {
    "3011": (("cement_kiln", 45), ("cement_mill", 52), ("shaft_kiln", 3)),
    "3110": (("blast_furnace", 40), ("sintering_machine", 35), ("pelletizing", 25)),
    "3120": (("converter", 50), ("electric_arc_furnace", 40), ("induction_furnace", 10)),
}
SIZE_RANGE_SPECIFIC = {("coke_oven", "m"): (4.3, 7.0, 1), ("shaft_kiln", "m"): (2.2, 3.6, 1)}

# Plausible ranges of the parameters a correction reads, where the metric gives none.
PARAMETER_RANGES = {
    "atmospheric_pressure": (86.0, 101.3, 2),
    "altitude": (5.0, 1_400.0, 0),
}


# — sizes —


@dataclass(frozen=True)
class Sizes:
    enterprises: int
    lines: int
    measurements: int
    seed: int

    @property
    def manifest(self) -> dict:
        return {
            "generator": GENERATOR_VERSION,
            "catalogue": catalogue_digest(),
            "enterprises": self.enterprises,
            "lines": self.lines,
            "measurements": self.measurements,
            "seed": self.seed,
        }


def catalogue_digest() -> str:
    """A digest of the catalogue files: the data follow the rules, so new rules mean a rebuild."""
    digest = hashlib.sha256()
    for path in sorted(CATALOG_DIR.rglob("*.yaml")):
        digest.update(str(path.relative_to(CATALOG_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def manifest_path(backend: str) -> Path:
    return OUT / f"screening-{backend}.manifest.json"


# — the synthetic province (inside the step, with Django set up) —


@dataclass(frozen=True)
class Need:
    """Readings one subject needs of one metric, and the range their values are drawn from."""

    metric: str
    unit: str
    low: float
    high: float
    places: int


class Planner:
    """Which rules cover a subject, and what data make it pass or fail them.

    Everything is read from the shipped catalogue, so the data follow the catalogue as it grows:
    a new rule family brings its metrics, thresholds and eliminated categories with it.
    """

    def __init__(self, rules, metrics):
        from phaseout.standards.evaluate import Subject, applies

        self.metrics = metrics
        self.rules = [rule for rule in rules if rule.in_force(AS_OF)]
        self.line_rules = [rule for rule in self.rules if rule.subject == "line"]
        self.enterprise_rules = [rule for rule in self.rules if rule.subject == "enterprise"]
        self.by_id = {rule.id: rule for rule in self.rules}
        self._Subject, self._applies = Subject, applies

    @functools.cache  # noqa: B019 — one planner per process, never freed
    def covering_line(self, industry, region, equipment, process, product) -> tuple:
        subject = self._Subject(
            kind="line",
            industry=industry,
            region=region,
            equipment_type=equipment,
            process=process,
            product=product,
        )
        return tuple(rule for rule in self.line_rules if self._applies(rule, subject))

    @functools.cache  # noqa: B019
    def covering_enterprise(self, industry, region) -> tuple:
        subject = self._Subject(kind="enterprise", industry=industry, region=region)
        return tuple(rule for rule in self.enterprise_rules if self._applies(rule, subject))

    @functools.cache  # noqa: B019
    def needs(
        self, rule_ids: tuple[str, ...], commissioning_year: int | None, bad: str | None
    ) -> tuple[Need, ...]:
        """The readings a subject needs: each rule's metric, passing unless it is the `bad`
        rule, and the parameters of its corrections, in ranges that leave the verdict as is."""
        from phaseout.standards import units
        from phaseout.standards.evaluate import judged_level

        chosen: dict[str, Need] = {}
        params: dict[str, Need] = {}
        for rule in (self.by_id[rule_id] for rule_id in rule_ids):
            if rule.kind == "check":
                value = 0.0 if rule.id == bad else 1.0
                chosen.setdefault(rule.metric, Need(rule.metric, "bool", value, value, 0))
            elif rule.kind == "limit":
                values = rule.period_on(AS_OF).values
                level = judged_level(rule, commissioning_year, values)
                threshold = values[level] * units.factor(rule.unit, rule.metric_unit)
                passing = (0.75, 0.92) if rule.direction == "max" else (1.08, 1.30)
                failing = (1.10, 1.30) if rule.direction == "max" else (0.70, 0.90)
                low, high = failing if rule.id == bad else passing
                need = Need(rule.metric, rule.metric_unit, threshold * low, threshold * high, 3)
                if rule.id == bad or rule.metric not in chosen:
                    chosen[rule.metric] = need
                elif chosen[rule.metric].low != chosen[rule.metric].high:
                    # Two rules read one metric: keep the values passing both.
                    old = chosen[rule.metric]
                    narrowed = Need(
                        old.metric, old.unit, max(old.low, need.low), min(old.high, need.high), 3
                    )
                    if narrowed.low <= narrowed.high:
                        chosen[rule.metric] = narrowed
                for correction in rule.corrections:
                    for metric, value_range in self.parameter_ranges(correction):
                        unit = self.metrics[metric].unit
                        params.setdefault(metric, Need(metric, unit, *value_range))
        return tuple(chosen.values()) + tuple(
            need for metric, need in params.items() if metric not in chosen
        )

    def parameter_ranges(self, correction) -> Iterator[tuple[str, tuple[float, float, int]]]:
        """Values of a correction's parameters that keep the verdict where the value put it:
        the oxygen reading within half a point of the reference, a linear parameter within 5 of
        its base, and a condition (海拔超过1500米) that does not hold."""
        if correction.kind == "oxygen":
            ref = correction.reference
            yield correction.param, (max(0.0, ref - 0.5), min(20.0, ref + 0.5), 2)
        elif correction.kind == "linear":
            yield correction.param, (correction.base - 5, correction.base + 5, 2)
        else:
            yield correction.param, self.metric_range(correction.param)
        if correction.when_param:
            bound = correction.when_value
            if correction.when_op in ("gt", "gte"):
                value_range = (0.0, bound * 0.95, 0)
            else:
                value_range = (bound * 1.05, bound * 1.5, 0)
            if correction.when_param in PARAMETER_RANGES:
                low, high, places = PARAMETER_RANGES[correction.when_param]
                if value_range[0] <= low and high <= value_range[1]:
                    value_range = (low, high, places)
            yield correction.when_param, value_range

    def metric_range(self, metric: str) -> tuple[float, float, int]:
        if metric in PARAMETER_RANGES:
            return PARAMETER_RANGES[metric]
        spec = self.metrics[metric]
        low = spec.min if spec.min is not None else 1.0
        high = spec.max if spec.max is not None else low * 10 + 10
        return (low + (high - low) * 0.4, low + (high - low) * 0.6, 2)


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    if not choices:
        return ""
    if len(choices) == 1:
        return choices[0][0]
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def _make_hold(criterion, line: dict, hold: bool, rng: random.Random) -> None:
    """Change the line's attributes so that the criterion holds (or does not)."""
    from phaseout.registry.choices import Process, Product
    from phaseout.standards import units

    below = criterion.op in ("lt", "lte")
    if criterion.field in ("process", "product"):
        listed = list(criterion.value)
        inside = hold == (criterion.op == "in")
        # Another of the equipment's own processes (a kiln is not made float glass), else any.
        spec = EQUIPMENT[line["equipment_type"]]
        own = [v for v, _w in (spec.processes if criterion.field == "process" else spec.products)]
        every = Process.values if criterion.field == "process" else Product.values
        for candidates in (own, every):
            fitting = [v for v in candidates if (v in listed) == inside]
            if fitting:
                line[criterion.field] = rng.choice(fitting)
                return
    elif criterion.field == "commissioning_year":
        bound = int(criterion.value)
        if hold == below:
            line["commissioning_year"] = bound - 1 - rng.randrange(10)
        else:
            line["commissioning_year"] = min(2024, bound + 1 + rng.randrange(5))
    else:
        value_key, unit_key = (
            ("size", "size_unit") if criterion.field == "size" else ("capacity", "capacity_unit")
        )
        unit = line[unit_key]
        if unit not in units.compatible(criterion.unit):
            unit = criterion.unit
        bound = criterion.value * units.factor(criterion.unit, unit)
        factor = rng.uniform(0.5, 0.95) if hold == below else rng.uniform(1.05, 1.5)
        line[unit_key] = unit
        line[value_key] = round(bound * factor, 3)


@dataclass
class Built:
    enterprises: int = 0
    lines: int = 0
    measurements: int = 0
    licenses: int = 0
    bad_lines: int = 0
    bad_enterprises: int = 0
    pairs: int = 0
    gap_pairs: int = 0


class Loader:
    """Rows into one table: COPY on PostgreSQL, executemany on SQLite.

    Columns the generator does not set get the field's default (the load time for auto_now
    fields), so a field another change adds later does not break the benchmark.
    """

    def __init__(self, model, columns: tuple[str, ...], now):
        from django.db import connection

        self.connection = connection
        self.table = connection.ops.quote_name(model._meta.db_table)
        given = set(columns)
        rest = []
        for f in model._meta.concrete_fields:
            if f.column in given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default() or (f.empty_strings_allowed and f.blank and not f.null):
                value = f.get_default()  # "" for a blank text field
            elif f.null:
                value = None
            else:
                raise SystemExit(f"{model._meta.label}.{f.name}: the benchmark sets no value")
            rest.append((f.column, value))
        self.columns = list(columns) + [column for column, _value in rest]
        self.defaults = tuple(value for _column, value in rest)

    def write(self, rows: Iterable[tuple]) -> int:
        columns = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        defaults, count = self.defaults, 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + defaults)
                        count += 1
            else:
                marks = ", ".join("%s" for _c in self.columns)
                batch = [row + defaults for row in rows]
                cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", batch)
                count = len(batch)
        return count


def build(sizes: Sizes) -> Built:
    """The province, its enterprises, lines, licenses and measurements, in one transaction."""
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from phaseout.regions.models import Region
    from phaseout.registry.choices import EquipmentType
    from phaseout.registry.models import Enterprise, Industry, License, ProductionLine
    from phaseout.screening.models import Measurement
    from phaseout.standards.catalog import national

    catalog = national()
    planner = Planner(catalog.rules.values(), catalog.metrics)
    rng = random.Random(sizes.seed)
    ops = connection.ops
    sqlite = connection.vendor == "sqlite"
    now = ops.adapt_datetimefield_value(timezone.now())
    day_value = {day: ops.adapt_datefield_value(day) for day in DAYS}
    equipment_label = {choice.value: str(choice.label) for choice in EquipmentType}
    built = Built()

    with transaction.atomic():
        counties = _regions(Region)
        industries = dict(
            Industry.objects.filter(is_key=True, code__regex=r"^\d{4}$").values_list("code", "pk")
        )
        missing = sorted(set(industries) - set(ledger_bench.INDUSTRY_EQUIPMENT))
        industry_codes = sorted(set(industries) & set(ledger_bench.INDUSTRY_EQUIPMENT))
        if missing:
            print(f"  key industries without equipment in the generator (skipped): {missing}")
        user_model = get_user_model()
        if not user_model.objects.filter(username=BENCH_USER).exists():
            user_model.objects.create_superuser(BENCH_USER, email="", password=None)

        def next_id(model) -> int:
            return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

        enterprise_id, line_id = next_id(Enterprise), next_id(ProductionLine)
        license_id, measurement_id = next_id(License), next_id(Measurement)
        enterprise_loader = Loader(
            Enterprise,
            tuple(
                "id credit_code name region_id industry_id size legal_standing address"
                " legal_representative employees status".split()
            ),
            now,
        )
        line_loader = Loader(
            ProductionLine,
            tuple(
                "id enterprise_id code name equipment_type capacity capacity_unit size size_unit"
                " process product commissioning_year status".split()
            ),
            now,
        )
        license_loader = Loader(
            License, tuple("id enterprise_id kind number valid_from valid_until".split()), now
        )
        measurement_loader = Loader(
            Measurement,
            tuple("id enterprise_id line_id metric value unit value_std date source".split()),
            now,
        )

        # Subjects that need readings: (enterprise id, line id or None, needs).
        subjects: list[tuple[int, int | None, tuple[Need, ...]]] = []
        base, extra = divmod(sizes.lines, sizes.enterprises)
        one_more = set(rng.sample(range(sizes.enterprises), extra))
        for start in range(0, sizes.enterprises, BATCH):
            enterprise_rows, line_rows, license_rows = [], [], []
            for index in range(start, min(start + BATCH, sizes.enterprises)):
                county_code, county_name, county_pk = rng.choice(counties)
                industry = rng.choice(industry_codes)
                employees = rng.randint(8, 3_000)
                exited = rng.random() < EXITED_SHARE
                trade = ledger_bench._encode(
                    (index * 7_919 + 12_345) % len(ledger_bench.TRADE_CHARS) ** 4,
                    ledger_bench.TRADE_CHARS,
                    4,
                )
                enterprise_rows.append(
                    (
                        enterprise_id,
                        ledger_bench.credit_code(index, county_code),
                        f"{county_name}{trade}{ledger_bench.INDUSTRY_WORD[industry[:2]]}有限公司",
                        county_pk,
                        industries[industry],
                        "above" if employees >= 300 else "below",
                        "licensed" if rng.random() < 0.9 else "lacking",
                        f"{county_name}{rng.choice(ledger_bench.STREETS)}路{rng.randint(1, 999)}号",
                        rng.choice(ledger_bench.SURNAMES)
                        + "".join(rng.choices(ledger_bench.GIVEN_CHARS, k=rng.randint(1, 2))),
                        employees,
                        "exited" if exited else "operating",
                    )
                )
                # Enterprise rules: a check or limit reads enterprise readings; a license rule
                # needs a valid license of its kind.
                covering = planner.covering_enterprise(industry, county_code)
                bad = None
                if covering and rng.random() < BAD_SHARE:
                    bad = rng.choice(covering)
                    built.bad_enterprises += 1
                for rule in covering:
                    if rule.kind != "license":
                        continue
                    if rule is bad:
                        valid_until = AS_OF - datetime.timedelta(days=rng.randint(1, 700))
                    else:
                        valid_until = AS_OF + datetime.timedelta(days=rng.randint(30, 1_800))
                    license_rows.append(
                        (
                            license_id,
                            enterprise_id,
                            rule.license_kind,
                            f"BENCH-{rule.license_kind}-{license_id}",
                            ops.adapt_datefield_value(valid_until - datetime.timedelta(days=1_825)),
                            ops.adapt_datefield_value(valid_until),
                        )
                    )
                    license_id += 1
                needs = planner.needs(
                    tuple(r.id for r in covering if r.kind in ("check", "limit")),
                    None,
                    bad and bad.id,
                )
                if needs:
                    subjects.append((enterprise_id, None, needs))

                for number in range(1, base + (index in one_more) + 1):
                    line = _line(rng, industry)
                    covering = planner.covering_line(
                        industry,
                        county_code,
                        line["equipment_type"],
                        line["process"],
                        line["product"],
                    )
                    covering = _in_size_class(line, covering)
                    judged = [r for r in covering if r.kind in ("check", "limit", "equipment")]
                    bad = None
                    if judged and rng.random() < BAD_SHARE:
                        bad = rng.choice(judged)
                        built.bad_lines += 1
                    _fit_categories(line, covering, bad, rng)
                    covering = _in_size_class(line, covering)
                    status = "dismantled" if rng.random() < DISMANTLED_SHARE else "operating"
                    line_rows.append(
                        (
                            line_id,
                            enterprise_id,
                            f"L{number:02d}",
                            f"{number}号{equipment_label[line['equipment_type']]}",
                            line["equipment_type"],
                            line["capacity"],
                            line["capacity_unit"],
                            line["size"],
                            line["size_unit"],
                            line["process"],
                            line["product"],
                            line["commissioning_year"],
                            status,
                        )
                    )
                    needs = planner.needs(
                        tuple(r.id for r in covering if r.kind in ("check", "limit")),
                        line["commissioning_year"],
                        bad and bad.id,
                    )
                    if needs and status == "operating" and not exited:
                        subjects.append((enterprise_id, line_id, needs))
                    line_id += 1
                enterprise_id += 1
            built.enterprises += enterprise_loader.write(enterprise_rows)
            built.lines += line_loader.write(line_rows)
            built.licenses += license_loader.write(license_rows)

        # Measurements: the budget spread evenly over the (subject, metric) pairs that have
        # data, each pair's readings at random days from mid-2024 to the as-of date.
        built.pairs = sum(len(needs) for _e, _l, needs in subjects)
        with_data = sum(1 for pair in range(built.pairs) if not _is_gap(pair))
        built.gap_pairs = built.pairs - with_data
        per_pair, spare = divmod(sizes.measurements, with_data) if with_data else (0, 0)
        one_more = set(rng.sample(range(with_data), spare))
        sources = ("inspection", "sampling", "online", "report")

        def measurement_rows() -> Iterator[tuple]:
            nonlocal measurement_id
            pair = ordinal = 0
            for ent, line, needs in subjects:
                for need in needs:
                    if _is_gap(pair):
                        pair += 1
                        continue
                    count = per_pair + (ordinal in one_more)
                    pair, ordinal = pair + 1, ordinal + 1
                    for n in range(count):
                        value = f"{rng.uniform(need.low, need.high):.{need.places}f}"
                        day = DAYS[rng.randrange(IN_WINDOW if n == 0 else 0, len(DAYS))]
                        yield (
                            measurement_id,
                            ent,
                            line,
                            need.metric,
                            value,
                            need.unit,
                            float(value),
                            day_value[day],
                            rng.choice(sources),
                        )
                        measurement_id += 1

        rows = measurement_rows()
        while chunk := [row for _n, row in zip(range(50_000), rows, strict=False)]:
            built.measurements += measurement_loader.write(chunk)

        if not sqlite:
            with connection.cursor() as cursor:
                for statement in ops.sequence_reset_sql(
                    no_style(), [Enterprise, ProductionLine, License, Measurement]
                ):
                    cursor.execute(statement)
    return built


SUBJECT_FIELDS = (
    "equipment_type",
    "process",
    "product",
    "size",
    "size_unit",
    "capacity",
    "capacity_unit",
    "commissioning_year",
)


def _holds(criterion, line: dict) -> bool | None:
    from phaseout.standards.evaluate import Subject, criterion_holds

    return criterion_holds(criterion, Subject(kind="line", **{k: line[k] for k in SUBJECT_FIELDS}))


def _in_size_class(line: dict, rules: Iterable) -> tuple:
    """The rules still covering the line once a limit's size class is read (平板玻璃 by t/d)."""
    return tuple(
        rule
        for rule in rules
        if rule.kind == "equipment" or not any(_holds(c, line) is False for c in rule.criteria)
    )


def _fit_categories(line: dict, rules: Iterable, bad, rng: random.Random) -> None:
    """Put the line inside the bad rule's category (淘汰类 or 限制类), and outside the others.

    A line leaves a category preferably by being larger than its bound, as most categories are
    of small equipment; leaving one may enter another (400 m³ → 400–1200 m³), hence the passes.
    """
    equipment = [rule for rule in rules if rule.kind == "equipment"]
    for _attempt in range(5):
        changed = False
        for rule in equipment:
            if rule is bad:
                for criterion in rule.criteria:
                    if _holds(criterion, line) is not True:
                        _make_hold(criterion, line, True, rng)
                        changed = True
                for exemption in rule.exemptions:
                    if _holds(exemption, line):
                        _make_hold(exemption, line, False, rng)
                        changed = True
            elif (
                rule.criteria
                and all(_holds(c, line) for c in rule.criteria)
                and not any(_holds(e, line) for e in rule.exemptions)
            ):
                criterion = min(
                    rule.criteria,
                    key=lambda c: (c.op not in ("lt", "lte"), c.field in ("process", "product")),
                )
                _make_hold(criterion, line, False, rng)
                changed = True
        if not changed:
            return


def _is_gap(pair: int) -> bool:
    """About 2 % of the (subject, metric) pairs get no measurement at all, spread evenly."""
    return (pair * 2_654_435_761) % 1_000 < GAP_PER_MILLE


def _regions(Region) -> list[tuple[str, str, int]]:
    """基准省, its twelve cities and their county-level units; (code, name, pk) per county."""
    from phaseout.regions.choices import RegionLevel

    province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level=RegionLevel.PROVINCE)
    counties = []
    for number, city_name in enumerate(CITY_NAMES, start=1):
        city = Region.objects.create(
            code=f"99{number:02d}00", name=f"{city_name}市", level=RegionLevel.CITY, parent=province
        )
        units = [
            (f"99{number:02d}{d + 1:02d}", f"{city_name}{word}区")
            for d, word in enumerate(DISTRICT_WORDS[: 2 + number % 4])
        ]
        units += [
            (f"99{number:02d}{21 + c:02d}", f"{word}县")
            for c, word in enumerate(COUNTY_WORDS[: 3 + number % 6])
        ]
        for code, name in units:
            county = Region.objects.create(
                code=code, name=name, level=RegionLevel.COUNTY, parent=city
            )
            counties.append((code, name, county.pk))
    return counties


def _line(rng: random.Random, industry: str) -> dict:
    """A line's attributes as the registry records them, typical of the industry's equipment."""
    from phaseout.registry.choices import EQUIPMENT_CAPACITY_UNITS

    if rng.random() < 0.03:
        equipment = "other"
    elif industry in EQUIPMENT_WEIGHTS:
        equipment = _weighted(rng, EQUIPMENT_WEIGHTS[industry])
    else:
        equipment = rng.choice(ledger_bench.INDUSTRY_EQUIPMENT[industry])
    spec = EQUIPMENT[equipment]
    capacity_unit = EQUIPMENT_CAPACITY_UNITS[equipment][0]
    size = size_unit = None
    if spec.size_units and rng.random() >= UNSIZED_SHARE:
        size_unit = spec.size_units[0]
        low, high, places = SIZE_RANGE_SPECIFIC.get((equipment, size_unit), SIZE_RANGES[size_unit])
        size = round(rng.uniform(low, high), places)
    return {
        "equipment_type": equipment,
        "capacity": float(ledger_bench._capacity(rng, capacity_unit)),
        "capacity_unit": capacity_unit,
        "size": size,
        "size_unit": size_unit or "",
        "process": _weighted(rng, spec.processes),
        "product": _weighted(rng, spec.products),
        "commissioning_year": rng.randint(1985, 2024),
    }


def vacuum_analyze() -> None:
    """On PostgreSQL, the statistics autovacuum would gather after a bulk load. SQLite gets
    none: Django never runs ANALYZE there, so a deployment plans its queries without them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# — timing (inside the step) —


class CpuClock:
    """Wall seconds, this process's CPU seconds, and the rest of the machine's CPU seconds."""

    def __enter__(self) -> CpuClock:
        self.busy = ledger_bench.machine_busy_seconds()
        self.cpu = _own_cpu()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu = _own_cpu() - self.cpu
        self.other = max(0.0, ledger_bench.machine_busy_seconds() - self.busy - self.cpu)

    def as_dict(self) -> dict:
        return {"seconds": self.seconds, "cpu_seconds": self.cpu, "other_cpu_seconds": self.other}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class QueryLog:
    """Each statement executed (through Django's cursor), with the rule it was run for."""

    def __init__(self):
        self.rule = None
        self.statements: list[tuple[str, str, list]] = []

    def __call__(self, execute, sql, params, many, context):
        if self.rule is not None:
            self.statements.append((self.rule.id, sql, list(params or ())))
        return execute(sql, params, many, context)


def lines_in_scope(scope):
    from phaseout.registry.models import ProductionLine
    from phaseout.screening import coverage
    from phaseout.standards import sql

    return ProductionLine.objects.filter(
        enterprise__in=coverage.enterprises_in_scope(scope)
    ).exclude(status__in=sql.EXCLUDED_LINE_STATUSES)


def naive_screening(line_ids: list[int], rules, scope) -> tuple[dict, set[int]]:
    """What a straightforward implementation does, line by line (and once per enterprise for
    the enterprise rules). Returns the failures and gaps, {(rule id, subject key): outcome},
    and the enterprises judged."""
    from phaseout.registry.models import Enterprise, License, ProductionLine
    from phaseout.screening.models import Measurement
    from phaseout.standards.evaluate import (
        FAIL,
        MISSING,
        HeldLicense,
        Reading,
        Subject,
        evaluate,
    )

    line_rules = [rule for rule in rules if rule.subject == "line"]
    enterprise_rules = [rule for rule in rules if rule.subject == "enterprise"]
    needs_licenses = any(rule.kind == "license" for rule in enterprise_rules)
    verdicts: dict[tuple[str, str], str] = {}
    judged_enterprises: set[int] = set()
    window = scope.window
    for line in ProductionLine.objects.filter(pk__in=line_ids):
        enterprise = Enterprise.objects.select_related("region", "industry").get(
            pk=line.enterprise_id
        )
        readings = defaultdict(list)
        for m in Measurement.objects.filter(line=line, date__gte=window[0], date__lte=window[1]):
            readings[m.metric].append(Reading(m.metric, m.value_std, m.date, m.id))
        subject = Subject(
            kind="line",
            industry=enterprise.industry.code,
            region=enterprise.region.code,
            equipment_type=line.equipment_type,
            process=line.process,
            product=line.product,
            size=None if line.size is None else float(line.size),
            size_unit=line.size_unit,
            capacity=float(line.capacity),
            capacity_unit=line.capacity_unit,
            commissioning_year=line.commissioning_year,
            readings=readings,
        )
        for rule in line_rules:
            verdict = evaluate(rule, subject, as_of=scope.as_of, window=window)
            if verdict.outcome in (FAIL, MISSING):
                verdicts[(rule.id, f"l{line.pk}")] = verdict.outcome
        if enterprise_rules and enterprise.pk not in judged_enterprises:
            judged_enterprises.add(enterprise.pk)
            readings = defaultdict(list)
            for m in Measurement.objects.filter(
                enterprise=enterprise,
                line__isnull=True,
                date__gte=window[0],
                date__lte=window[1],
            ):
                readings[m.metric].append(Reading(m.metric, m.value_std, m.date, m.id))
            licenses = ()
            if needs_licenses:
                licenses = [
                    HeldLicense(lic.kind, lic.status, lic.valid_from, lic.valid_until)
                    for lic in License.objects.filter(enterprise=enterprise)
                ]
            subject = Subject(
                kind="enterprise",
                industry=enterprise.industry.code,
                region=enterprise.region.code,
                licenses=licenses,
                readings=readings,
            )
            for rule in enterprise_rules:
                verdict = evaluate(rule, subject, as_of=scope.as_of, window=window)
                if verdict.outcome in (FAIL, MISSING):
                    verdicts[(rule.id, f"e{enterprise.pk}")] = verdict.outcome
    return verdicts, judged_enterprises


def step(backend: str, options: dict) -> dict:
    """Inside the subprocess: build unless reusing, then time the screenings."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phaseout.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    sizes = Sizes(**options["sizes"])
    result: dict = {"backend": backend, "reused": options["reuse"]}
    with CpuClock() as clock:
        call_command("migrate", interactive=False, verbosity=0)
    print(f"{backend}: migrate {clock.seconds:.1f} s", flush=True)
    if not options["reuse"]:
        with CpuClock() as clock:
            built = build(sizes)
        with CpuClock() as analyze:
            vacuum_analyze()
        result["build"] = {**clock.as_dict(), **built.__dict__}
        result["analyze_seconds"] = analyze.seconds
        print(
            f"{backend}: built {built.enterprises:,} enterprises, {built.lines:,} lines, "
            f"{built.measurements:,} measurements, {built.licenses:,} licenses in "
            f"{clock.seconds:.1f} s (+ {analyze.seconds:.1f} s VACUUM/ANALYZE); "
            f"{built.bad_lines:,} lines and {built.bad_enterprises:,} enterprises made to fail "
            f"a rule; {built.gap_pairs:,} of {built.pairs:,} (subject, metric) pairs left "
            "without data",
            flush=True,
        )
        if options["keep"]:
            manifest_path(backend).write_text(json.dumps(sizes.manifest))
    result.update(time_screenings(backend, options))
    if connection.vendor == "postgresql" and options["explain"]:
        result["explain"] = explain(result.pop("_slowest_statement"))
    else:
        result.pop("_slowest_statement", None)
    return result


def time_screenings(backend: str, options: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from phaseout.regions.models import Region
    from phaseout.registry.models import Enterprise, ProductionLine
    from phaseout.screening import coverage, services
    from phaseout.screening.engine import campaign_rules, campaign_scope, screen
    from phaseout.screening.models import DataGap, Finding, Measurement, ScreeningCampaign
    from phaseout.standards.evaluate import FAIL, MISSING

    user = get_user_model().objects.get(username=BENCH_USER)
    province = Region.objects.current().get(code=PROVINCE[0])
    # A kept database keeps the last run's campaign: start again from none (not timed).
    ScreeningCampaign.objects.filter(region=province).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Finding, DataGap):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    campaign = services.create_campaign(
        by=user,
        region=province,
        name=f"{PROVINCE[1]}{YEAR}年度排查（基准测试）",
        year=YEAR,
        as_of=AS_OF,
    )
    scope = campaign_scope(campaign)
    rules = campaign_rules(campaign)
    in_scope = lines_in_scope(scope)
    result: dict = {
        "enterprises": Enterprise.objects.filter(region__code__startswith="99").count(),
        "lines": ProductionLine.objects.filter(enterprise__region__code__startswith="99").count(),
        "lines_in_scope": in_scope.count(),
        "measurements": Measurement.objects.filter(
            enterprise__region__code__startswith="99"
        ).count(),
        "rules": len(rules),
        "rules_by_kind": dict(Counter(item.rule.kind for item in rules)),
    }
    lines = result["lines_in_scope"]
    print(
        f"{backend}: {result['rules']} rules in force on {AS_OF}; {lines:,} lines in scope "
        f"of {result['lines']:,}; {result['measurements']:,} measurements",
        flush=True,
    )

    # 1. The evaluation alone: every failure and gap computed, nothing written.
    log = QueryLog()
    per_rule: dict[str, float] = {}
    outcomes: Counter = Counter()
    marks: list[tuple[str, float]] = []

    def progress(rule) -> None:
        log.rule = rule
        marks.append((rule.id, time.perf_counter()))

    with connection.execute_wrapper(log), CpuClock() as evaluation:
        for outcome in screen(scope, rules, progress=progress):
            outcomes[outcome.verdict.outcome] += 1
        marks.append(("", time.perf_counter()))
    for (rule_id, began), (_next, ended) in zip(marks, marks[1:], strict=False):
        per_rule[rule_id] = ended - began
    slowest = sorted(per_rule.items(), key=lambda item: -item[1])
    result["evaluation"] = {
        **evaluation.as_dict(),
        "failures": outcomes[FAIL],
        "gaps": sum(n for o, n in outcomes.items() if o != FAIL),
        "lines_per_second": lines / evaluation.seconds,
        "slowest_rules": slowest[:5],
    }
    statements = {rule_id: (sql, params) for rule_id, sql, params in log.statements}
    result["_slowest_statement"] = (
        (slowest[0][0], *statements[slowest[0][0]])
        if slowest and slowest[0][0] in statements
        else None
    )
    print(
        f"{backend}: evaluation only {evaluation.seconds:.1f} s "
        f"({lines / evaluation.seconds:,.0f} lines/s, other CPU {evaluation.other:.0f} s): "
        f"{outcomes[FAIL]:,} failures, {result['evaluation']['gaps']:,} gaps; slowest rules: "
        + ", ".join(f"{rule_id} {seconds:.2f} s" for rule_id, seconds in slowest[:3]),
        flush=True,
    )

    # 2. The full screening: what an officer's 运行排查 does.
    with CpuClock() as run:
        summary = services.run_campaign(campaign, by=user)
    findings = Finding.objects.filter(campaign=campaign).count()
    gaps = DataGap.objects.filter(campaign=campaign).count()
    result["campaign"] = {
        **run.as_dict(),
        "findings": findings,
        "gaps": gaps,
        "coverage_rows": len(summary["coverage"]),
        "lines_per_second": lines / run.seconds,
    }
    print(
        f"{backend}: run_campaign {run.seconds:.1f} s ({lines / run.seconds:,.0f} lines/s, other "
        f"CPU {run.other:.0f} s): {findings:,} findings, {gaps:,} gaps written; writing cost "
        f"{run.seconds - evaluation.seconds:.1f} s over the evaluation",
        flush=True,
    )

    # 3. The naive loop on a sample of the lines in scope.
    ids = sorted(in_scope.values_list("pk", flat=True))
    sample = sorted(
        random.Random(options["sizes"]["seed"] + 1).sample(ids, min(options["sample"], len(ids)))
    )
    with CpuClock() as naive:
        verdicts, enterprises = naive_screening(sample, [item.rule for item in rules], scope)
    # What the campaign wrote for the same lines and enterprises, to compare verdicts.
    keys = {f"l{pk}" for pk in sample} | {f"e{pk}" for pk in enterprises}
    written = {
        (rule_id, key): FAIL
        for rule_id, key in Finding.objects.filter(campaign=campaign).values_list(
            "rule_id", "subject_key"
        )
        if key in keys
    }
    gaps = DataGap.objects.filter(campaign=campaign).exclude(rule_id=coverage.NO_LINES)
    for rule_id, line_id, enterprise_id in gaps.values_list("rule_id", "line_id", "enterprise_id"):
        key = f"l{line_id}" if line_id is not None else f"e{enterprise_id}"
        if key in keys:
            written.setdefault((rule_id, key), MISSING)
    disagreements = sorted(
        set(verdicts.items()) ^ set(written.items()), key=lambda item: (item[0][1], item[0][0])
    )
    naive_rate = len(sample) / naive.seconds
    result["naive"] = {
        **naive.as_dict(),
        "sample": len(sample),
        "lines_per_second": naive_rate,
        "enterprises": len(enterprises),
        "verdicts": len(verdicts),
        "disagreements": len(disagreements),
        "disagreement_examples": [list(map(str, d)) for d in disagreements[:10]],
    }
    result["ratio_campaign"] = result["campaign"]["lines_per_second"] / naive_rate
    result["ratio_evaluation"] = result["evaluation"]["lines_per_second"] / naive_rate
    print(
        f"{backend}: naive loop {naive.seconds:.1f} s for {len(sample):,} lines "
        f"({naive_rate:,.0f} lines/s, other CPU {naive.other:.0f} s); set-based run_campaign "
        f"{result['ratio_campaign']:.0f}× (evaluation alone {result['ratio_evaluation']:.0f}×); "
        f"naive and campaign verdicts on the sample: {len(verdicts):,} failures and gaps, "
        f"{len(disagreements)} disagreement(s)",
        flush=True,
    )
    return result


def explain(statement) -> dict | None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest rule's query, on PostgreSQL."""
    from django.db import connection

    if statement is None:
        return None
    rule_id, sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nplan of the slowest rule, {rule_id}:\n{plan}\n", flush=True)
    return {"rule": rule_id, "plan": plan}


# — the runner (the parent process) —


def database_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_FILE}"
    return f"postgres://{ledger_bench.PG_USER}@{ledger_bench.PG_HOST}:{ledger_bench.PG_PORT}/{PG_DATABASE}"


def database_exists(backend: str) -> bool:
    if backend == "sqlite":
        return SQLITE_FILE.exists()
    found = ledger_bench.psql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'")
    return found == "1"


def drop_database(backend: str) -> None:
    manifest_path(backend).unlink(missing_ok=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            SQLITE_FILE.with_name(SQLITE_FILE.name + suffix).unlink(missing_ok=True)
    else:
        ledger_bench.psql(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def create_database(backend: str) -> None:
    drop_database(backend)
    if backend == "postgresql":
        ledger_bench.psql(f'CREATE DATABASE "{PG_DATABASE}"')


def reusable(backend: str, sizes: Sizes) -> bool:
    path = manifest_path(backend)
    return (
        path.exists()
        and json.loads(path.read_text()) == sizes.manifest
        and database_exists(backend)
    )


def benchmark(backend: str, sizes: Sizes, args: argparse.Namespace) -> dict:
    if backend == "postgresql":
        ledger_bench.ensure_postgres()
    reuse = args.keep and reusable(backend, sizes)
    if reuse:
        print(f"{backend}: reusing the database built earlier with the same sizes and seed")
    else:
        create_database(backend)
    result_file = OUT / f"screening-{backend}-{os.getpid()}.json"
    options = {
        "sizes": {
            "enterprises": sizes.enterprises,
            "lines": sizes.lines,
            "measurements": sizes.measurements,
            "seed": sizes.seed,
        },
        "reuse": reuse,
        "keep": args.keep,
        "sample": args.sample,
        "explain": args.explain,
    }
    env = {
        **os.environ,
        "DATABASE_URL": database_url(backend),
        "DJANGO_SETTINGS_MODULE": "phaseout.settings",
        "DEBUG": "0",  # DEBUG would keep every query in memory
        "PHASEOUT_ALLOW_INSECURE_KEY": "1",
        "PHASEOUT_DATA_DIR": str(OUT / "data"),
    }
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--step",
        backend,
        json.dumps(options),
        str(result_file),
    ]
    try:
        completed = subprocess.run(argv, env=env, cwd=ROOT, check=False)
        if completed.returncode != 0 or not result_file.exists():
            return {"backend": backend, "problem": f"the step failed (exit {completed.returncode})"}
        return json.loads(result_file.read_text())
    finally:
        result_file.unlink(missing_ok=True)
        if not args.keep:
            drop_database(backend)


def verdicts(result: dict) -> list[str]:
    if "problem" in result:
        return [result["problem"]]
    found = []
    if result["backend"] == "postgresql":
        seconds = result["campaign"]["seconds"]
        found.append(
            f"province in {seconds:.1f} s: "
            + ("met" if seconds < GOAL_SECONDS else f"MISSED (goal < {GOAL_SECONDS:.0f} s)")
        )
    ratio = result["ratio_campaign"]
    found.append(
        f"{ratio:.0f}× naive: "
        + ("met" if ratio >= GOAL_RATIO else f"MISSED (goal ≥ {GOAL_RATIO:.0f}×)")
    )
    if result["naive"]["disagreements"]:
        found.append(f"{result['naive']['disagreements']} naive/set-based disagreement(s)")
    return found


def print_table(results: list[dict]) -> None:
    header = (
        "database",
        "build s",
        "evaluation s",
        "run_campaign s",
        "lines/s",
        "naive lines/s",
        "× naive",
        "findings",
        "gaps",
        "other CPU s",
        "goals",
    )
    rows = [header, tuple("---" for _ in header)]
    for r in results:
        if "problem" in r:
            rows.append((r["backend"], *("—" for _ in header[1:-1]), r["problem"]))
            continue
        build_ = r.get("build")
        rows.append(
            (
                r["backend"],
                f"{build_['seconds']:.0f}" if build_ else "reused",
                f"{r['evaluation']['seconds']:.1f}",
                f"{r['campaign']['seconds']:.1f}",
                f"{r['campaign']['lines_per_second']:,.0f}",
                f"{r['naive']['lines_per_second']:,.0f}",
                f"{r['ratio_campaign']:.0f}",
                f"{r['campaign']['findings']:,}",
                f"{r['campaign']['gaps']:,}",
                f"{r['campaign']['other_cpu_seconds']:.0f}",
                "; ".join(verdicts(r)),
            )
        )
    for row in rows:
        print("| " + " | ".join(row) + " |")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time a province's screening, set-based, against a naive per-line loop."
    )
    parser.add_argument("--enterprises", type=int, default=FULL_SIZE[0])
    parser.add_argument("--lines", type=int, default=FULL_SIZE[1])
    parser.add_argument("--measurements", type=int, default=FULL_SIZE[2])
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database after the run, and reuse one kept earlier with the same sizes",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=SAMPLE,
        help="lines timed in the naive loop (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the slowest rule's query (PostgreSQL)",
    )
    args = parser.parse_args(argv)
    if args.enterprises < 1 or args.lines < 0 or args.measurements < 0 or args.sample < 1:
        parser.error("sizes must be positive")
    return args


def main(argv: list[str]) -> int:
    if argv[:1] == ["--step"]:  # inside the subprocess
        backend, options, result_file = argv[1], json.loads(argv[2]), Path(argv[3])
        result = step(backend, options)
        result_file.write_text(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    args = parse_args(argv)
    backends = list(BACKENDS) if args.backend == "both" else [args.backend]
    sizes = Sizes(args.enterprises, args.lines, args.measurements, args.seed)
    OUT.mkdir(parents=True, exist_ok=True)
    print("machine:")
    info = ledger_bench.machine_info(["postgres" if b == "postgresql" else b for b in backends])
    for name, value in info:
        print(f"  {name}: {value}")
    print(
        f"province: {sizes.enterprises:,} enterprises, {sizes.lines:,} lines, "
        f"{sizes.measurements:,} measurements (seed {sizes.seed}); naive sample {args.sample:,}"
    )
    results = [benchmark(backend, sizes, args) for backend in backends]
    print()
    print_table(results)
    print()
    print(
        f"goals: the province in < {GOAL_SECONDS:.0f} s on PostgreSQL (run_campaign), "
        f"≥ {GOAL_RATIO:.0f}× the naive loop's lines/s on each database"
    )
    busy = [
        r["backend"]
        for r in results
        if "problem" not in r
        and r["backend"] == "sqlite"
        and r["campaign"]["other_cpu_seconds"] > CONTENTION * r["campaign"]["seconds"]
    ]
    if busy:
        print(
            "WARNING: other work used the CPU during the SQLite screening; run again on a quiet "
            "machine before recording the figures"
        )
    met = all(
        "problem" not in r and all("MISSED" not in v and "disagree" not in v for v in verdicts(r))
        for r in results
    )
    print("all goals met" if met else "goals NOT all met, or a step failed (see above)")
    path = OUT / f"screening-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {"machine": dict(info), "sizes": sizes.manifest, "results": results},
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(f"results: {path.relative_to(ROOT)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
