"""Ledger (台账) import benchmark: `phaseout import-ledger` against a bulk insert with no validation.

    .venv/bin/python bench/import_ledger.py [--enterprises 100000 --lines 250000]
        [--db sqlite|postgres|both] [--formats csv,xlsx[,xlsx-openpyxl]] [--small] [--profile]

1. Generates a deterministic (seeded) ledger in a synthetic jurisdiction, 基准市 990100, and
   writes it under bench/out/ as CSV (two files, UTF-8 with BOM) and as one XLSX workbook,
   twice: as Excel saves it (shared strings; what offices send) and as openpyxl's write-only
   mode writes it (inline strings; what `export-ledger` produces).
2. For each database, on a fresh database: `phaseout migrate`, seeds the jurisdiction and an
   officer who keeps its registry, then times, each in its own subprocess,
   - the floor: the same rows read from the CSV files and bulk_create()d in batches of 2,000
     inside one transaction, with no validation;
   - `phaseout import-ledger` on the CSV pair, and on the XLSX workbook (--formats),
   wiping the registry between steps and checking that every row arrived.
3. Prints each step's rows per second, its ratio to the floor's rate and its peak RSS, and
   whether the goals hold: an import at least a third of the floor's rate, under 1 GiB.

What it measures and the recorded figures: docs/performance.md. Exit status 0 when every step
ran and every goal holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from phaseout.registry.choices import (
    EQUIPMENT_CAPACITY_UNITS,
    CapacityUnit,
    EnterpriseSize,
    EnterpriseStatus,
    EquipmentType,
    LegalStanding,
    LineStatus,
)
from phaseout.registry.creditcode import CHARSET, with_check_character

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

FULL_SIZE = (100_000, 250_000)
SMALL_SIZE = (2_000, 5_000)
FLOOR_BATCH = 2_000
# The goals: an import keeps at least a third of the floor's rate, in less than 1 GiB.
GOAL_RATIO = 1 / 3
GOAL_RSS_MIB = 1024
# Other processes' CPU time, as a share of a step's wall time, above which its figures are
# suspect (on SQLite; on PostgreSQL the server's own work counts as other).
CONTENTION = 0.2
# Bump when the generated rows change, so stale files under bench/out/ are regenerated.
GENERATOR_VERSION = 3

FORMATS = ("csv", "xlsx", "xlsx-openpyxl")
IMPORT_USER = "bench"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", "5432", "postgres"

ENTERPRISE_SHEET, LINE_SHEET = "企业", "生产线"
ENTERPRISE_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "行政区划代码",
    "行业代码",
    "企业规模",
    "合法手续",
    "地址",
    "法定代表人",
    "从业人数",
    "企业状态",
    "备注",
)
LINE_HEADERS = (
    "统一社会信用代码",
    "生产线编号",
    "生产线名称",
    "设备类型",
    "产能",
    "产能单位",
    "投产年份",
    "状态",
    "备注",
)

# (code, name, level): a province, a city and four county-level units. Province code 99 is not
# used by GB/T 2260, so the benchmark can never collide with a real jurisdiction.
JURISDICTION = (
    ("990000", "基准省", "province"),
    ("990100", "基准市", "city"),
    ("990102", "东城区", "county"),
    ("990103", "西城区", "county"),
    ("990121", "南山县", "county"),
    ("990181", "北河市", "county"),  # a county-level city (81 series)
)
COUNTIES = tuple((code, name) for code, name, level in JURISDICTION if level == "county")

# GB/T 4754-2017 classes (registry/data/industries.csv) and the equipment each one runs.
INDUSTRY_EQUIPMENT = {
    "0610": ("coal_mine",),
    "0620": ("coal_mine",),
    "0690": ("coal_mine",),
    "2211": ("pulp_line",),
    "2212": ("pulp_line",),
    "2221": ("paper_machine",),
    "2222": ("paper_machine",),
    "2223": ("paper_machine",),
    "2521": ("coke_oven",),
    "2613": ("calcium_carbide_furnace",),
    "2672": ("fireworks_line",),
    "3011": ("cement_kiln", "shaft_kiln", "cement_mill"),
    "3041": ("glass_furnace",),
    "3110": ("blast_furnace", "sintering_machine", "pelletizing"),
    "3120": ("converter", "electric_arc_furnace", "induction_furnace"),
    "3130": ("rolling_mill",),
    "3140": ("ferroalloy_furnace",),
    "3212": ("lead_zinc_smelter",),
    "3216": ("aluminium_cell",),
    "4411": ("power_unit",),
    "4412": ("power_unit",),
}
INDUSTRY_WORD = {
    "06": "煤业",
    "22": "纸业",
    "25": "焦化",
    "26": "化工",
    "30": "建材",
    "31": "钢铁",
    "32": "有色金属",
    "44": "热电",
}
# Plausible capacities by unit: (low, high, decimal places).
CAPACITY_RANGES = {
    "t/a": (10_000, 2_000_000, 0),
    "10kt/a": (1, 500, 1),
    "t/d": (100, 6_000, 0),
    "wc/a": (1_000_000, 9_000_000, 0),
    "10kwc/a": (100, 900, 0),
    "10kcase/a": (1, 60, 1),
    "m3": (100, 5_000, 0),
    "m2": (18, 600, 0),
    "t": (5, 300, 0),
    "m": (2.5, 7.0, 2),
    "kA": (160, 600, 0),
    "kVA": (6_300, 50_000, 0),
    "MW": (6, 1_000, 0),
}
# Characters for trade names (字号), street names and people's names.
TRADE_CHARS = "宏达兴盛鑫源泰丰华瑞恒通永安金鼎富强利民新昌隆祥和嘉诚德信明远长江海天星辰凯旋伟业"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
STREETS = ("人民", "解放", "建设", "工业", "中山", "长江", "黄河", "新华", "团结", "胜利")
ENTERPRISE_NOTES = ("", "", "", "", "", "", "", "", "", "2016年列入产能置换清单")


# — the ledger —


@dataclass(frozen=True)
class Ledger:
    enterprises: int
    lines: int
    seed: int
    directory: Path

    @property
    def rows(self) -> int:
        return self.enterprises + self.lines

    @property
    def enterprise_csv(self) -> Path:
        return self.directory / f"{ENTERPRISE_SHEET}.csv"

    @property
    def line_csv(self) -> Path:
        return self.directory / f"{LINE_SHEET}.csv"

    @property
    def xlsx(self) -> Path:
        """The workbook as Excel or WPS saves it: what offices send."""
        return self.directory / "台账.xlsx"

    @property
    def xlsx_openpyxl(self) -> Path:
        """The same workbook as openpyxl's write-only mode (and `export-ledger`) writes it."""
        return self.directory / "台账-openpyxl.xlsx"

    @property
    def manifest(self) -> dict:
        return {
            "generator": GENERATOR_VERSION,
            "enterprises": self.enterprises,
            "lines": self.lines,
            "seed": self.seed,
        }


def _encode(number: int, charset: str, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, len(charset))
        digits.append(charset[digit])
    return "".join(reversed(digits))


def credit_code(index: int, region_code: str) -> str:
    """A valid 统一社会信用代码 (91 = an enterprise registered with market regulation).

    The nine-character body is a bijection of the index (multiplying by a number prime to 31,
    modulo 31⁹), so codes are unique and scattered like real ones rather than sequential.
    """
    body = _encode((index * 16_180_339_887_499 + 2_718_281) % 31**9, CHARSET, 9)
    return with_check_character(f"91{region_code}{body}")


def _capacity(rng: random.Random, unit: str) -> Decimal:
    low, high, places = CAPACITY_RANGES[unit]
    return Decimal(f"{rng.uniform(low, high):.{places}f}")


def generate(ledger: Ledger) -> Iterator[tuple[tuple, list[tuple]]]:
    """Yield (enterprise row, its line rows), typed as a spreadsheet holds them."""

    def label(choice) -> str:
        return str(choice.label)

    rng = random.Random(ledger.seed)
    # Every enterprise has lines // enterprises lines; a seeded sample has one more.
    base, extra = divmod(ledger.lines, ledger.enterprises)
    one_more = set(rng.sample(range(ledger.enterprises), extra))
    industries = sorted(INDUSTRY_EQUIPMENT)
    operating, running = label(EnterpriseStatus.OPERATING), label(LineStatus.OPERATING)
    for index in range(ledger.enterprises):
        region_code, county = COUNTIES[index % len(COUNTIES)]
        industry = rng.choice(industries)
        trade = _encode((index * 7_919 + 12_345) % len(TRADE_CHARS) ** 4, TRADE_CHARS, 4)
        employees = rng.randint(8, 3_000)
        enterprise = (
            credit_code(index, region_code),
            f"{county}{trade}{INDUSTRY_WORD[industry[:2]]}有限公司",
            region_code,
            industry,
            label(EnterpriseSize.ABOVE if employees >= 300 else EnterpriseSize.BELOW),
            label(LegalStanding.LICENSED if rng.random() < 0.9 else LegalStanding.LACKING),
            f"{county}{rng.choice(STREETS)}路{rng.randint(1, 999)}号",
            rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARS, k=rng.randint(1, 2))),
            employees,
            operating,
            rng.choice(ENTERPRISE_NOTES),
        )
        lines = []
        for number in range(1, base + (index in one_more) + 1):
            equipment = EquipmentType(
                "other" if rng.random() < 0.03 else rng.choice(INDUSTRY_EQUIPMENT[industry])
            )
            unit = CapacityUnit(rng.choice(EQUIPMENT_CAPACITY_UNITS[equipment]))
            lines.append(
                (
                    enterprise[0],
                    f"L{number:02d}",
                    f"{number}号{label(equipment)}",
                    label(equipment),
                    _capacity(rng, unit),
                    label(unit),
                    rng.randint(1985, 2023),
                    running,
                    "",
                )
            )
        yield enterprise, lines


def write_ledger(ledger: Ledger) -> None:
    """Write the CSV pair (UTF-8 with BOM, as Excel saves it) and the XLSX workbook."""
    from openpyxl import Workbook

    with (
        ledger.enterprise_csv.open("w", encoding="utf-8-sig", newline="") as enterprise_file,
        ledger.line_csv.open("w", encoding="utf-8-sig", newline="") as line_file,
    ):
        enterprise_csv, line_csv = csv.writer(enterprise_file), csv.writer(line_file)
        enterprise_csv.writerow(ENTERPRISE_HEADERS)
        line_csv.writerow(LINE_HEADERS)
        for enterprise, lines in generate(ledger):
            enterprise_csv.writerow(enterprise)
            line_csv.writerows(lines)

    workbook = Workbook(write_only=True)
    enterprise_sheet = workbook.create_sheet(ENTERPRISE_SHEET)
    line_sheet = workbook.create_sheet(LINE_SHEET)
    enterprise_sheet.append(ENTERPRISE_HEADERS)
    line_sheet.append(LINE_HEADERS)
    for enterprise, lines in generate(ledger):
        enterprise_sheet.append(enterprise)
        for line in lines:
            line_sheet.append(line)
    workbook.save(ledger.xlsx_openpyxl)
    save_as_excel(
        ledger.xlsx_openpyxl,
        ledger.xlsx,
        {
            # openpyxl's write-only mode numbers the sheets in the order they were created.
            "xl/worksheets/sheet1.xml": (len(ENTERPRISE_HEADERS), ledger.enterprises + 1),
            "xl/worksheets/sheet2.xml": (len(LINE_HEADERS), ledger.lines + 1),
        },
    )


INLINE_STRING = re.compile(
    rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is>(<t(?: xml:space="preserve")?>.*?</t>)</is></c>',
    re.DOTALL,
)
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHARED_STRINGS_RELATION = (
    b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
)


def save_as_excel(source: Path, target: Path, sizes: dict[str, tuple[int, int]]) -> None:
    """Rewrite openpyxl's write-only workbook in the form Excel and WPS save a workbook in.

    openpyxl's write-only mode writes every text cell as an inline string and leaves out each
    sheet's <dimension ref="A1:K100001"/>. Excel and WPS keep text in one shared-string table
    and always write the dimension. For openpyxl's read-only reader the difference is large:
    without the dimension it parses each sheet once more just to size it, and an inline string
    costs several times a shared one. The files offices send are Excel's or WPS's, so the
    benchmark times those; the openpyxl form (which is also what `export-ledger` writes) is
    kept beside it. The archive is rewritten entry by entry, a row boundary at a time.
    """
    from openpyxl.utils import get_column_letter

    strings: dict[bytes, int] = {}
    uses = 0

    def shared(match: re.Match) -> bytes:
        nonlocal uses
        uses += 1
        index = strings.setdefault(match[2], len(strings))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match[1], index)

    def entry(name: str, date_time=(1980, 1, 1, 0, 0, 0)) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            with (
                archive.open(info) as reader,
                out.open(entry(info.filename, info.date_time), "w") as writer,
            ):
                if info.filename in sizes:
                    columns, rows = sizes[info.filename]
                    dimension = f'<dimension ref="A1:{get_column_letter(columns)}{rows}"/>'
                    pending, first = b"", True
                    while chunk := reader.read(1 << 20):
                        pending += chunk
                        cut = pending.rfind(b"</row>") + len(b"</row>")
                        if cut < len(b"</row>"):
                            continue
                        part, pending = pending[:cut], pending[cut:]
                        if first:
                            # CT_Worksheet's order: sheetPr, dimension, sheetViews, …
                            marker = b"<sheetViews>" if b"<sheetViews>" in part else b"<sheetData>"
                            part = part.replace(marker, dimension.encode() + marker, 1)
                            first = False
                        writer.write(INLINE_STRING.sub(shared, part))
                    writer.write(INLINE_STRING.sub(shared, pending))
                elif info.filename == "[Content_Types].xml":
                    types = reader.read()
                    writer.write(types.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>"))
                elif info.filename == "xl/_rels/workbook.xml.rels":
                    relations = reader.read()
                    writer.write(
                        relations.replace(
                            b"</Relationships>", SHARED_STRINGS_RELATION + b"</Relationships>"
                        )
                    )
                else:
                    shutil.copyfileobj(reader, writer, 1 << 20)
        with out.open(entry("xl/sharedStrings.xml"), "w") as writer:
            writer.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
                b'http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
                b'uniqueCount="%d">' % (uses, len(strings))
            )
            for text in strings:
                writer.write(b"<si>" + text + b"</si>")
            writer.write(b"</sst>")


def prepare_ledger(enterprises: int, lines: int, seed: int) -> Ledger:
    """The ledger files, generated unless the same ones are already under bench/out/."""
    directory = OUT / f"ledger-{enterprises}e-{lines}l-seed{seed}"
    ledger = Ledger(enterprises, lines, seed, directory)
    manifest = directory / "manifest.json"
    if manifest.exists() and json.loads(manifest.read_text()) == ledger.manifest:
        print(f"ledger: reusing {directory.relative_to(ROOT)}")
        return ledger
    check_industries()
    staging = directory.with_name(directory.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    start = time.perf_counter()
    write_ledger(Ledger(enterprises, lines, seed, staging))
    (staging / "manifest.json").write_text(json.dumps(ledger.manifest))
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)
    sizes = ", ".join(
        f"{path.name} {path.stat().st_size / 2**20:.1f} MiB"
        for path in (ledger.enterprise_csv, ledger.line_csv, ledger.xlsx, ledger.xlsx_openpyxl)
    )
    print(
        f"ledger: generated {directory.relative_to(ROOT)} in "
        f"{time.perf_counter() - start:.1f} s ({sizes})"
    )
    return ledger


def check_industries() -> None:
    """Every industry the generator uses must be one migration registry.0002 loads."""
    import phaseout.registry

    data = Path(phaseout.registry.__file__).parent / "data" / "industries.csv"
    with data.open(encoding="utf-8") as fh:
        known = {row["code"] for row in csv.DictReader(fh)}
    missing = sorted(set(INDUSTRY_EQUIPMENT) - known)
    if missing:
        sys.exit(f"industry codes missing from {data}: {', '.join(missing)}")


# — steps run inside a subprocess, with Django set up (`import_ledger.py --step NAME …`) —


def step_seed() -> dict:
    """The jurisdiction, its 工信局, and an officer there who keeps the registry."""
    from django.contrib.auth import get_user_model

    from phaseout.regions.choices import DepartmentKind, Role
    from phaseout.regions.models import Department, Person, Region, parent_code

    regions: dict[str, Region] = {}
    for code, name, level in JURISDICTION:
        parent = regions.get(parent_code(code) or "")
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent=parent)
    city = regions["990100"]
    department = Department.objects.create(
        kind=DepartmentKind.INDUSTRY_IT, region=city, name="基准市工业和信息化局"
    )
    user = get_user_model().objects.create_user(username=IMPORT_USER)
    Person.objects.create(user=user, role=Role.OFFICER, department=department, region=city)
    return {"regions": len(regions), "user": IMPORT_USER}


def _read_csv(path: str) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def step_floor(enterprise_csv: str, line_csv: str) -> dict:
    """The floor: the same rows, bulk_create()d with no validation, in one transaction."""
    from django.db import transaction

    from phaseout.regions.models import Region
    from phaseout.registry.models import Enterprise, Industry, ProductionLine

    def values(choices) -> dict[str, str]:
        return {str(choice.label): choice.value for choice in choices}

    size, standing, enterprise_status = (
        values(EnterpriseSize),
        values(LegalStanding),
        values(EnterpriseStatus),
    )
    equipment, unit, line_status = values(EquipmentType), values(CapacityUnit), values(LineStatus)
    regions = dict(Region.objects.current().values_list("code", "pk"))
    industries = dict(Industry.objects.values_list("code", "pk"))
    enterprise_ids: dict[str, int] = {}

    def flush_enterprises(batch: list[Enterprise]) -> None:
        Enterprise.objects.bulk_create(batch)
        if batch[0].pk is None:  # a database that does not return the new keys
            codes = [enterprise.credit_code for enterprise in batch]
            found = Enterprise.objects.filter(credit_code__in=codes)
            enterprise_ids.update(found.values_list("credit_code", "pk"))
        else:
            enterprise_ids.update((enterprise.credit_code, enterprise.pk) for enterprise in batch)
        batch.clear()

    with transaction.atomic():
        batch: list = []
        for row in _read_csv(enterprise_csv):
            batch.append(
                Enterprise(
                    credit_code=row["统一社会信用代码"],
                    name=row["企业名称"],
                    region_id=regions[row["行政区划代码"]],
                    industry_id=industries[row["行业代码"]],
                    size=size[row["企业规模"]],
                    legal_standing=standing[row["合法手续"]],
                    address=row["地址"],
                    legal_representative=row["法定代表人"],
                    employees=int(row["从业人数"]) if row["从业人数"] else None,
                    status=enterprise_status[row["企业状态"]],
                    notes=row["备注"],
                )
            )
            if len(batch) == FLOOR_BATCH:
                flush_enterprises(batch)
        if batch:
            flush_enterprises(batch)
        lines = 0
        for row in _read_csv(line_csv):
            batch.append(
                ProductionLine(
                    enterprise_id=enterprise_ids[row["统一社会信用代码"]],
                    code=row["生产线编号"],
                    name=row["生产线名称"],
                    equipment_type=equipment[row["设备类型"]],
                    capacity=Decimal(row["产能"]),
                    capacity_unit=unit[row["产能单位"]],
                    commissioning_year=int(row["投产年份"]) if row["投产年份"] else None,
                    status=line_status[row["状态"]],
                    notes=row["备注"],
                )
            )
            if len(batch) == FLOOR_BATCH:
                lines += len(ProductionLine.objects.bulk_create(batch))
                batch.clear()
        if batch:
            lines += len(ProductionLine.objects.bulk_create(batch))
    return {"enterprises": len(enterprise_ids), "lines": lines}


def step_wipe() -> dict:
    """Count what the step left in the registry, then delete it and compact the database."""
    from django.apps import apps
    from django.db import connection, transaction

    from phaseout.regions.models import Person
    from phaseout.registry.models import Enterprise, License, ProductionLine

    registry = [ProductionLine, License, Enterprise]
    history = [model.history.model for model in registry]
    counts = {
        "enterprises": Enterprise.objects.count(),
        "lines": ProductionLine.objects.count(),
        "licenses": License.objects.count(),
        "history": sum(model.objects.count() for model in history),
    }
    # Whatever else points at the registry (an import log the importer may add) goes first;
    # people stay: the benchmark's officer belongs to no enterprise.
    dependants = [
        model
        for model in apps.get_models()
        if model not in registry + history + [Person]
        and any(f.is_relation and f.related_model in registry for f in model._meta.concrete_fields)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in dependants + history + registry:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    with connection.cursor() as cursor:  # outside the transaction, as VACUUM requires
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in history + registry)
        cursor.execute("VACUUM" if connection.vendor == "sqlite" else f"VACUUM FULL {tables}")
    counts["other"] = {model._meta.label: "deleted" for model in dependants}
    return counts


STEPS = {"seed": step_seed, "floor": step_floor, "wipe": step_wipe}
RESULT_MARK = "BENCH-RESULT "
# A traceback's last line or a management command's error: "CommandError: …", "KeyError: …".
ERROR_LINE = re.compile(r"^[\w.]*(Error|Exception|Denied|DoesNotExist)\b.*:")


def run_step_here(name: str, args: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phaseout.settings")
    django.setup()
    print(RESULT_MARK + json.dumps(STEPS[name](*args), ensure_ascii=False), flush=True)


# — the runner —


@dataclass
class Run:
    """One subprocess: what it was, how long it took, and how much memory it held at most."""

    label: str
    returncode: int
    seconds: float
    cpu_seconds: float
    other_cpu_seconds: float
    peak_rss_mib: float
    log: Path
    result: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        """The line of the log that says why: Django's 'Unknown command', a traceback's end."""
        lines = [line.strip() for line in self.log.read_text(errors="replace").splitlines()]
        lines = [line for line in lines if line]
        for line in reversed(lines):
            if line.startswith("Unknown command") or ERROR_LINE.match(line):
                return line
        return lines[-1] if lines else f"exit status {self.returncode}"


def machine_busy_seconds() -> float:
    """CPU seconds all processors have spent busy since boot (/proc/stat; 0 elsewhere)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(value) for value in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def high_water_kib(pid: int) -> int:
    """VmHWM of a live process: the peak resident memory of its own address space, in KiB."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run(label: str, argv: list[str], env: dict[str, str], log: Path) -> Run:
    """Run argv, timing it with perf_counter, and measure its peak resident memory.

    The child's ru_maxrss from os.wait4 is exact only when it is larger than this process's
    own peak: Linux carries the parent's high-water mark into a child across fork and exec.
    Below that, the child's VmHWM, polled while it runs, is the measure.

    The machine's busy CPU time minus the child's tells how much else ran meanwhile: the
    PostgreSQL server, and anything else on the machine that would distort the figures.
    """
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    polled = 0
    with log.open("wb") as out:
        busy = machine_busy_seconds()
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            polled = max(polled, high_water_kib(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        busy = machine_busy_seconds() - busy
    process.returncode = os.waitstatus_to_exitcode(status)
    result = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
    peak_kib = usage.ru_maxrss if usage.ru_maxrss > own_peak else polled
    return Run(
        label=label,
        returncode=process.returncode,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        other_cpu_seconds=max(0.0, busy - usage.ru_utime - usage.ru_stime),
        peak_rss_mib=peak_kib / 1024,  # Linux reports KiB
        log=log,
        result=result,
    )


def phaseout(*args: str) -> list[str]:
    return [sys.executable, "-m", "phaseout", *args]


def bench_step(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--step", *args]


@contextlib.contextmanager
def sqlite_database(tag: str) -> Iterator[str]:
    path = OUT / f"{tag}.sqlite3"
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    for file in files:
        file.unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}"  # path is absolute: sqlite:////…
    finally:
        for file in files:
            file.unlink(missing_ok=True)


def psql(sql: str, database: str = "postgres") -> str:
    argv = ["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", database, "-XtAc", sql]
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()


def ensure_postgres() -> None:
    def ready() -> bool:
        argv = ["pg_isready", "-q", "-h", PG_HOST, "-p", PG_PORT]
        return subprocess.run(argv, check=False).returncode == 0

    if ready():
        return
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    print(f"postgres: starting cluster {version}/main")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True
    )
    for _ in range(60):
        if ready():
            return
        time.sleep(0.5)
    sys.exit(f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT}")


@contextlib.contextmanager
def postgres_database(tag: str) -> Iterator[str]:
    ensure_postgres()
    name = tag.replace("-", "_")
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


DATABASES = {"sqlite": sqlite_database, "postgres": postgres_database}


@dataclass
class Row:
    """A line of the results table."""

    database: str
    method: str
    rows: int
    run: Run | None = None
    problem: str = ""
    floor_rate: float | None = None

    @property
    def rate(self) -> float | None:
        if self.run is None or self.problem:
            return None
        return self.rows / self.run.seconds

    @property
    def ratio(self) -> float | None:
        if self.rate is None or not self.floor_rate:
            return None
        return self.rate / self.floor_rate

    @property
    def contended(self) -> bool:
        """More than a fifth of a core busy with something else while the step ran."""
        return self.run.other_cpu_seconds > CONTENTION * self.run.seconds

    @property
    def is_import(self) -> bool:
        return self.method.startswith("import-ledger")

    def goals(self) -> str:
        if not self.is_import:
            return ""
        if self.problem:
            return "not measured"
        verdicts = []
        if self.ratio is not None:
            if self.ratio >= GOAL_RATIO:
                verdicts.append("rate met")
            else:
                verdicts.append(f"rate MISSED (needs {GOAL_RATIO / self.ratio:.2f}× faster)")
        if self.run.peak_rss_mib < GOAL_RSS_MIB:
            verdicts.append("memory met")
        else:
            verdicts.append(f"memory MISSED ({self.run.peak_rss_mib / GOAL_RSS_MIB:.2f} GiB)")
        return ", ".join(verdicts)

    def met(self) -> bool:
        return not self.problem and "MISSED" not in self.goals()


def check_counts(wipe: Run, ledger: Ledger) -> str:
    """A problem, in words, unless the step left exactly the ledger's rows in the database."""
    if not wipe.ok:
        return f"wipe failed: {wipe.failure()} (see {wipe.log.relative_to(ROOT)})"
    found = (wipe.result.get("enterprises"), wipe.result.get("lines"))
    if found != (ledger.enterprises, ledger.lines):
        return (
            f"incomplete: {found[0]} of {ledger.enterprises} enterprises and "
            f"{found[1]} of {ledger.lines} lines in the database"
        )
    return ""


def benchmark(database: str, ledger: Ledger, formats: list[str], profile: bool) -> list[Row]:
    tag = f"bench-import-ledger-{os.getpid()}"
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    with DATABASES[database](tag) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "phaseout.settings",
            # DEBUG would keep every query in memory and spoil both time and peak RSS.
            "DEBUG": "0",
            "PHASEOUT_ALLOW_INSECURE_KEY": "1",
            "PHASEOUT_LEDGER_MAX_BYTES": str(2**40),
            "PHASEOUT_DATA_DIR": str(OUT / "data"),
        }

        def step(label: str, argv: list[str]) -> Run:
            log = logs / f"{database}-{label}.log"
            print(f"{database}: {label} …", end=" ", flush=True)
            result = run(label, argv, env, log)
            state = "ok" if result.ok else f"FAILED ({result.failure()})"
            print(
                f"{result.seconds:.1f} s, {result.peak_rss_mib:.0f} MiB, "
                f"other CPU {result.other_cpu_seconds:.0f} s, {state}"
            )
            return result

        for label, argv in (
            ("migrate", phaseout("migrate", "--noinput")),
            ("seed", bench_step("seed")),
        ):
            setup = step(label, argv)
            if not setup.ok:
                problem = f"{label} failed: {setup.failure()} (see {setup.log.relative_to(ROOT)})"
                return [Row(database, "floor (bulk_create)", ledger.rows, setup, problem)]

        csv_pair = [str(ledger.enterprise_csv), str(ledger.line_csv)]
        methods = [("floor (bulk_create)", "floor", bench_step("floor", *csv_pair))]
        sources = {
            "csv": csv_pair,
            "xlsx": [str(ledger.xlsx)],
            "xlsx-openpyxl": [str(ledger.xlsx_openpyxl)],
        }
        for fmt in formats:
            argv = phaseout("import-ledger", *sources[fmt], "--user", IMPORT_USER)
            if profile:
                prof = logs / f"{database}-import-{fmt}.prof"
                argv = [sys.executable, "-m", "cProfile", "-o", str(prof), *argv[1:]]
            methods.append((f"import-ledger {fmt}", f"import-{fmt}", argv))

        floor_rate = None
        for method, label, argv in methods:
            measured = step(label, argv)
            row = Row(database, method, ledger.rows, measured)
            if not measured.ok:
                reason = measured.failure()
                if reason.startswith("Unknown command"):
                    reason += " — the importer is not installed in this tree yet"
                row.problem = f"failed: {reason} (see {measured.log.relative_to(ROOT)})"
            wipe = step(f"wipe-after-{label}", bench_step("wipe"))
            row.problem = row.problem or check_counts(wipe, ledger)
            if label == "floor":
                floor_rate = row.rate
            row.floor_rate = floor_rate
            rows.append(row)
            if profile and row.is_import and measured.ok:
                print_profile(logs / f"{database}-{label}.prof")
    return rows


def print_profile(path: Path, limit: int = 30) -> None:
    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    report = path.with_suffix(".txt")
    report.write_text(buffer.getvalue())
    print(f"\nprofile of {path.name} (also in {report.relative_to(ROOT)}):")
    print(buffer.getvalue())


# — reporting —


def machine_info(databases: list[str]) -> list[tuple[str, str]]:
    import django

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    info = [
        ("CPU", f"{os.cpu_count()} × {cpu}"),
        ("memory", memory),
        ("system", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("code", code_version()),
    ]
    if "postgres" in databases:
        ensure_postgres()
        info.append(("PostgreSQL", psql("SHOW server_version")))
    return info


def code_version() -> str:
    """The commit measured, and whether the package differs from it (work in progress)."""

    def git(*args: str) -> str:
        argv = ["git", "-C", str(ROOT), *args]
        return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = len(git("status", "--porcelain", "--", "src").splitlines())
    return f"{commit} + {changed} uncommitted file(s) under src/" if changed else commit


def _number(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def print_table(rows: list[Row]) -> None:
    header = (
        "database",
        "method",
        "rows",
        "seconds",
        "rows/s",
        "× floor",
        "peak RSS MiB",
        "child CPU s",
        "other CPU s",
        "goals",
    )
    lines = [header, tuple("---" for _ in header)]
    for row in rows:
        run_ = row.run
        lines.append(
            (
                row.database,
                row.method,
                f"{row.rows:,}",
                _number(run_.seconds if run_ else None, ".1f"),
                _number(row.rate, ",.0f"),
                _number(row.ratio, ".2f"),
                _number(run_.peak_rss_mib if run_ else None, ",.0f"),
                _number(run_.cpu_seconds if run_ else None, ".1f"),
                _number(run_.other_cpu_seconds if run_ else None, ".1f"),
                row.problem or row.goals(),
            )
        )
    for line in lines:
        print("| " + " | ".join(line) + " |")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `phaseout import-ledger` against a bulk insert with no validation."
    )
    parser.add_argument("--enterprises", type=int, help=f"default {FULL_SIZE[0]:,}")
    parser.add_argument("--lines", type=int, help=f"default {FULL_SIZE[1]:,}")
    parser.add_argument(
        "--small",
        action="store_true",
        help=f"a quick smoke run: {SMALL_SIZE[0]:,} enterprises, {SMALL_SIZE[1]:,} lines",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--formats",
        default="csv,xlsx",
        help=f"comma-separated, of {', '.join(FORMATS)} (xlsx is the workbook as Excel saves "
        "it; xlsx-openpyxl as openpyxl's write-only mode and export-ledger write it)",
    )
    parser.add_argument("--seed", type=int, default=20251121, help="seed of the ledger generator")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run the imports under cProfile (slower) and print where their time goes",
    )
    args = parser.parse_args(argv)
    default = SMALL_SIZE if args.small else FULL_SIZE
    args.enterprises = args.enterprises or default[0]
    args.lines = args.lines or default[1]
    args.formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    if not args.formats or not set(args.formats) <= set(FORMATS):
        parser.error(f"--formats takes a comma-separated list of {', '.join(FORMATS)}")
    if args.enterprises < 1 or args.lines < 0:
        parser.error("--enterprises must be positive and --lines not negative")
    return args


def main(argv: list[str]) -> int:
    if argv[:1] == ["--step"]:  # inside a subprocess: one Django step
        run_step_here(argv[1], argv[2:])
        return 0
    args = parse_args(argv)
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]

    # The generator uses the registry's choices; their Chinese labels are the msgids.
    from django.conf import settings

    settings.configure(USE_I18N=False)

    OUT.mkdir(parents=True, exist_ok=True)
    print("machine:")
    info = machine_info(databases)
    for name, value in info:
        print(f"  {name}: {value}")
    ledger = prepare_ledger(args.enterprises, args.lines, args.seed)
    print(f"ledger: {ledger.enterprises:,} enterprises + {ledger.lines:,} lines = {ledger.rows:,}")

    rows: list[Row] = []
    for database in databases:
        rows += benchmark(database, ledger, args.formats, args.profile)

    print()
    print_table(rows)
    print()
    goal_rows = [row for row in rows if row.is_import]
    print(
        f"goals: an import at ≥ {GOAL_RATIO:.2f} of the floor's rows/s "
        f"in the same run, peak RSS < {GOAL_RSS_MIB} MiB"
    )
    if args.small or args.profile:
        print("note: not the benchmark's figures (smoke size or profiled run)")
    busy = [row for row in rows if row.run and row.database == "sqlite" and row.contended]
    if busy:
        print(
            "WARNING: other work used the CPU during "
            + ", ".join(f"sqlite {row.method} ({row.run.other_cpu_seconds:.0f} s)" for row in busy)
            + "; those figures are not reliable, run again on a quiet machine"
        )
    all_met = all(row.met() for row in rows) and bool(goal_rows)
    print("all goals met" if all_met else "goals NOT all met, or a step failed (see above)")

    results = OUT / f"import_ledger-{time.strftime('%Y%m%d-%H%M%S')}.json"
    results.write_text(
        json.dumps(
            {
                "machine": dict(info),
                "ledger": ledger.manifest,
                "profiled": args.profile,
                "rows": [
                    {
                        "database": row.database,
                        "method": row.method,
                        "rows": row.rows,
                        "seconds": row.run.seconds if row.run else None,
                        "cpu_seconds": row.run.cpu_seconds if row.run else None,
                        "other_cpu_seconds": row.run.other_cpu_seconds if row.run else None,
                        "peak_rss_mib": row.run.peak_rss_mib if row.run else None,
                        "rows_per_second": row.rate,
                        "ratio_to_floor": row.ratio,
                        "problem": row.problem,
                        "goals": row.goals(),
                    }
                    for row in rows
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"results: {results.relative_to(ROOT)}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
