"""台账 columns 设备规格、规格单位、工艺、产品/用途: read as codes, labels or common spellings,
checked against the equipment like the capacity unit (named by row and column, nothing
written), exported as labels, and an export re-imports as a no-op."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from phaseout.registry.ledger.exporter import ledger_querysets, write_xlsx
from phaseout.registry.ledger.importer import import_ledger
from phaseout.registry.models import Enterprise, LedgerImport, ProductionLine
from tests.registry.ledger_files import Ledger
from tests.registry.records import make_line

SIZE_COLUMNS = ["设备规格", "规格单位", "工艺", "产品/用途"]


def snapshot() -> tuple[int, ...]:
    return (
        Enterprise.objects.count(),
        ProductionLine.objects.count(),
        ProductionLine.history.count(),
        LedgerImport.objects.count(),
    )


@pytest.fixture
def ledger(jurisdiction):
    """Three cement works, two clinker kilns each (1 200 t/d), with the four new columns."""
    ledger = Ledger(n=3)
    ledger.line_header += SIZE_COLUMNS
    for row in ledger.lines:
        row += [1200, "吨/日", "新型干法", "水泥熟料"]
    return ledger


def stored(code: str, line_code: str = "L1") -> tuple:
    line = ProductionLine.objects.get(enterprise__credit_code=code, code=line_code)
    return line.size, line.size_unit, line.process, line.product


def test_the_columns_import(county_officer, ledger, tmp_path):
    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert report.ok, report.errors
    assert stored(ledger.codes[0]) == (Decimal("1200"), "t/d", "new_dry", "clinker")


@pytest.mark.parametrize(
    "equipment, capacity, unit, size, size_unit, process, product, expected",
    [
        ("高炉", 300, "立方米", 300, "m³", "", "炼钢生铁", ("300", "m3", "", "pig_iron")),
        ("blast_furnace", 300, "m3", "300", "立方米", "", "foundry_iron", ("300", "m3", "", "foundry_iron")),
        ("铝电解槽系列", 90, "千安", 90, "千安", "预焙槽", "", ("90", "kA", "prebaked", "")),
        ("铝电解槽系列", 90, "kA", 90, "KA", "prebaked", "电解铝", ("90", "kA", "prebaked", "aluminium")),
        ("水泥粉磨机", 8, "万吨/年", 2.2, "米", "", "水泥", ("2.2", "m", "", "cement")),
        ("平板玻璃生产线", 150, "吨/日", 150, "吨/天", "平拉", "平板玻璃", ("150", "t/d", "drawn_sheet", "flat_glass")),
        ("水泥熟料回转窑", 700, "t/d", None, None, "湿法窑", None, (None, "", "wet", "")),
    ],
)  # fmt: skip
def test_codes_labels_and_common_spellings_are_read(
    county_officer,
    ledger,
    tmp_path,
    equipment,
    capacity,
    unit,
    size,
    size_unit,
    process,
    product,
    expected,
):
    cells = [equipment, capacity, unit, size, size_unit, process, product]
    for column, value in zip(["设备类型", "产能", "产能单位", *SIZE_COLUMNS], cells, strict=True):
        ledger.set("lines", 0, column, value)

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert report.ok, report.errors
    size_value = None if expected[0] is None else Decimal(expected[0])
    assert stored(ledger.codes[0]) == (size_value, *expected[1:])


def test_import_export_import_changes_nothing(county_officer, ledger, tmp_path):
    ledger.set("lines", 1, "设备类型", "水泥立窑")
    ledger.set("lines", 1, "产能", 300)
    ledger.set("lines", 1, "设备规格", 2.5)
    ledger.set("lines", 1, "规格单位", "米")
    ledger.set("lines", 1, "工艺", "立窑")
    ledger.set("lines", 2, "设备规格", None)
    ledger.set("lines", 2, "规格单位", None)
    ledger.set("lines", 2, "工艺", None)
    ledger.set("lines", 2, "产品/用途", None)
    first = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)
    assert first.ok, first.errors
    values = sorted(
        ProductionLine.objects.values_list(
            "enterprise__credit_code", "code", "size", "size_unit", "process", "product"
        )
    )
    path = tmp_path / "export.xlsx"
    write_xlsx(path, *ledger_querysets(county_officer))
    sheet = load_workbook(path)["生产线"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    for column in SIZE_COLUMNS:
        assert column in header
    shaft = next(r for r in rows[1:] if r[header.index("设备类型*")] == "水泥立窑")
    assert shaft[header.index("设备规格")] == 2.5
    assert shaft[header.index("规格单位")] == "米"  # labels, like the other choice columns
    assert shaft[header.index("工艺")] == "立窑"
    assert shaft[header.index("产品/用途")] == "水泥熟料"
    history = ProductionLine.history.count()

    report = import_ledger([path], by=county_officer)

    assert report.ok, report.errors
    assert (report.lines.created, report.lines.updated, report.lines.unchanged) == (0, 0, 6)
    assert ProductionLine.history.count() == history
    assert (
        sorted(
            ProductionLine.objects.values_list(
                "enterprise__credit_code", "code", "size", "size_unit", "process", "product"
            )
        )
        == values
    )


def test_a_changed_size_is_updated(county_officer, ledger, tmp_path):
    import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)
    ledger.set("lines", 0, "设备规格", 2500)
    ledger.set("lines", 0, "工艺", "湿法窑")

    report = import_ledger([ledger.xlsx(tmp_path / "b.xlsx")], by=county_officer)

    assert (report.lines.updated, report.lines.unchanged) == (1, 5)
    assert stored(ledger.codes[0]) == (Decimal("2500"), "t/d", "wet", "clinker")


# — defects: row and column named, nothing written —

DEFECTS = {
    "size unit unfit for the equipment": (
        {"规格单位": "立方米"},
        "规格单位",
        "规格单位“立方米”不适用于水泥熟料回转窑，应为：吨/日、米。",
    ),
    "unknown size unit": ({"规格单位": "桶"}, "规格单位", "无法识别“桶”"),
    "capacity-only spelling as a size unit": ({"规格单位": "万吨/年"}, "规格单位", "无法识别"),
    "size without unit": ({"规格单位": None}, "规格单位", "填写了设备规格，还须填写规格单位"),
    "unit without size": ({"设备规格": " "}, "设备规格", "填写了规格单位，还须填写设备规格"),
    "size not positive": ({"设备规格": -3}, "设备规格", "设备规格应为正数"),
    "size with four decimals": ({"设备规格": "2.2005"}, "设备规格", "最多保留3位小数"),
    "equipment not judged by a size": (
        {"设备类型": "轧机", "产能单位": "万吨/年", "规格单位": "米"},
        "规格单位",
        "淘汰目录不按设备规格判定轧机",
    ),
    "unknown process": ({"工艺": "蒸汽法"}, "工艺", "无法识别“蒸汽法”"),
    "unknown product": ({"产品/用途": "地条钢"}, "产品/用途", "无法识别“地条钢”"),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_defect_is_named_and_nothing_written(county_officer, ledger, tmp_path, defect):
    cells, column, words = DEFECTS[defect]
    for name, value in cells.items():
        ledger.set("lines", 3, name, value)
    before = snapshot()

    report = import_ledger([ledger.xlsx(tmp_path / "台账.xlsx")], by=county_officer)

    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert (error.row, error.column) == (5, column)
    assert words in error.message
    assert not report.written
    assert snapshot() == before


def test_size_unit_error_in_a_csv_is_named_too(county_officer, ledger, tmp_path):
    ledger.set("lines", 4, "规格单位", "千安")
    enterprises, lines = ledger.csv(tmp_path)

    report = import_ledger([enterprises, lines], by=county_officer)

    assert [(e.file, e.row, e.column) for e in report.errors] == [("生产线.csv", 6, "规格单位")]
    assert "不适用于水泥熟料回转窑" in report.errors[0].message
    assert not Enterprise.objects.exists()


def test_changing_the_equipment_keeps_no_stale_size(county_officer, east_enterprise, tmp_path):
    """An empty size cell keeps the stored size, so a new equipment type must fit it."""
    make_line(
        east_enterprise,
        "GL-1",
        equipment_type="blast_furnace",
        capacity=300,
        capacity_unit="m3",
        size=Decimal("300"),
        size_unit="m3",
    )
    ledger = Ledger(n=0)
    ledger.lines = [
        [east_enterprise.credit_code, "GL-1", "", "转炉", 300, "吨/年", "", "", ""],
    ]
    before = snapshot()

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert (error.row, error.column) == (2, "设备类型*")
    assert "规格单位“立方米”不适用于转炉，应为：吨。" in error.message
    assert snapshot() == before

    # Giving a fitting size in the same row is the way to change it.
    ledger.line_header += ["设备规格", "规格单位"]
    ledger.lines[0] += [20, "吨"]
    report = import_ledger([ledger.xlsx(tmp_path / "b.xlsx")], by=county_officer)
    assert report.ok, report.errors
    assert stored(east_enterprise.credit_code, "GL-1")[:2] == (Decimal("20"), "t")
