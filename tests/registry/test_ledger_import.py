"""台账导入: good files import; every defect is named by row and column and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from phaseout.registry.choices import (
    CapacityUnit,
    EnterpriseSize,
    EnterpriseStatus,
    EquipmentType,
    LineStatus,
)
from phaseout.registry.creditcode import check_character
from phaseout.registry.ledger.importer import import_ledger
from phaseout.registry.models import Enterprise, LedgerImport, ProductionLine
from tests.conftest import make_credit_code
from tests.registry.ledger_files import LINE_HEADER, Ledger, line_row, write_csv


def snapshot() -> tuple[int, ...]:
    """Everything an import could write: rows, history rows, import records."""
    return (
        Enterprise.objects.count(),
        ProductionLine.objects.count(),
        Enterprise.history.count(),
        ProductionLine.history.count(),
        LedgerImport.objects.count(),
    )


def only_error(report):
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


@pytest.fixture
def ledger(jurisdiction):
    return Ledger(n=3)


# — good files —


def test_xlsx_imports_enterprises_and_lines(county_officer, ledger, tmp_path):
    report = import_ledger([ledger.xlsx(tmp_path / "台账.xlsx")], by=county_officer)

    assert report.ok and report.written
    assert (report.enterprises.created, report.lines.created) == (3, 6)
    enterprise = Enterprise.objects.get(credit_code=ledger.codes[0])
    assert enterprise.name == "测试水泥0有限公司"
    assert enterprise.region.code == "990102" and enterprise.industry.code == "3011"
    assert enterprise.size == EnterpriseSize.ABOVE
    assert enterprise.employees == 120 and enterprise.legal_representative == "张三"
    line = enterprise.lines.get(code="L1")
    assert line.equipment_type == EquipmentType.CEMENT_KILN
    assert line.capacity == Decimal("1200") and line.capacity_unit == CapacityUnit.T_PER_DAY
    assert line.commissioning_year == 2005 and line.status == LineStatus.OPERATING
    # The history says who imported it and why (django-simple-history).
    created = enterprise.history.get()
    assert created.history_type == "+" and created.history_user == county_officer
    assert "台账.xlsx" in created.history_change_reason
    record = LedgerImport.objects.get()
    assert record.user == county_officer and not record.dry_run
    assert record.files[0]["name"] == "台账.xlsx" and len(record.files[0]["sha256"]) == 64
    assert (record.enterprises_created, record.lines_created) == (3, 6)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_imports_in_every_office_encoding(county_officer, ledger, tmp_path, encoding):
    ledger.set("enterprises", 0, "地址", "示范市城东区龍門路（旧厂区）")
    enterprises, lines = ledger.csv(tmp_path, encoding=encoding)

    # The order of the two files does not matter: the headers say which is which.
    report = import_ledger([lines, enterprises], by=county_officer)

    assert report.ok, report.errors
    assert (report.enterprises.created, report.lines.created) == (3, 6)
    assert Enterprise.objects.get(credit_code=ledger.codes[0]).address == (
        "示范市城东区龍門路（旧厂区）"
    )


def test_lines_alone_for_enterprises_already_registered(county_officer, east_enterprise, tmp_path):
    path = write_csv(tmp_path / "lines.csv", LINE_HEADER, [line_row(east_enterprise.credit_code)])

    report = import_ledger([path], by=county_officer)

    assert report.ok and report.lines.created == 1
    assert east_enterprise.lines.get().code == "L1"


def test_reimport_changes_nothing(county_officer, ledger, tmp_path):
    path = ledger.xlsx(tmp_path / "台账.xlsx")
    import_ledger([path], by=county_officer)
    history = (Enterprise.history.count(), ProductionLine.history.count())

    report = import_ledger([path], by=county_officer)

    assert report.ok
    assert (report.enterprises.created, report.enterprises.updated) == (0, 0)
    assert (report.lines.created, report.lines.updated) == (0, 0)
    assert (report.enterprises.unchanged, report.lines.unchanged) == (3, 6)
    assert (Enterprise.history.count(), ProductionLine.history.count()) == history


def test_changed_rows_only_are_updated_with_history(county_officer, ledger, tmp_path):
    import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)
    ledger.set("enterprises", 1, "企业状态", "停产")
    ledger.set("lines", 0, "产能", 1500.5)

    report = import_ledger([ledger.xlsx(tmp_path / "b.xlsx")], by=county_officer)

    assert (report.enterprises.updated, report.enterprises.unchanged) == (1, 2)
    assert (report.lines.updated, report.lines.unchanged) == (1, 5)
    enterprise = Enterprise.objects.get(credit_code=ledger.codes[1])
    assert enterprise.status == EnterpriseStatus.SUSPENDED
    change = enterprise.history.latest("history_date")
    assert change.history_type == "~" and change.history_user == county_officer
    assert change.name == enterprise.name  # the history row is the whole record, not a diff
    line = ProductionLine.objects.get(enterprise__credit_code=ledger.codes[0], code="L1")
    assert line.capacity == Decimal("1500.5")


def test_empty_cells_keep_what_is_recorded(county_officer, ledger, tmp_path):
    import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)
    ledger.set("enterprises", 0, "地址", None)
    ledger.set("enterprises", 0, "企业状态", None)
    ledger.set("lines", 0, "投产年份", None)

    report = import_ledger([ledger.xlsx(tmp_path / "b.xlsx")], by=county_officer)

    assert report.enterprises.updated == 0 and report.lines.updated == 0
    assert Enterprise.objects.get(credit_code=ledger.codes[0]).address == "城东路1号"


def test_codes_and_labels_both_accepted(county_officer, ledger, tmp_path):
    ledger.set("enterprises", 0, "企业规模", "below")
    ledger.set("enterprises", 0, "企业状态", "RESTRICTED")
    ledger.set("lines", 0, "设备类型", "power_unit")
    ledger.set("lines", 0, "产能单位", "mw")
    ledger.set("lines", 1, "产能单位", "t/d")

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert report.ok, report.errors
    enterprise = Enterprise.objects.get(credit_code=ledger.codes[0])
    assert (enterprise.size, enterprise.status) == ("below", "restricted")
    assert enterprise.lines.get(code="L1").capacity_unit == "MW"


def test_excel_numbers_read_as_codes(county_officer, ledger, tmp_path):
    ledger.set("enterprises", 0, "行政区划代码", 990102)
    ledger.set("enterprises", 0, "行业代码", 3011)
    ledger.set("lines", 0, "生产线编号", 7.0)

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert report.ok, report.errors
    assert ProductionLine.objects.filter(code="7").exists()


def test_title_row_above_header_keeps_excel_row_numbers(county_officer, ledger, tmp_path):
    ledger.set("enterprises", 1, "企业规模", "特大型")

    report = import_ledger(
        [ledger.xlsx(tmp_path / "a.xlsx", title_row="城东区落后产能企业台账")], by=county_officer
    )

    error = only_error(report)
    # Title on row 1, header on row 2, the second enterprise on row 4.
    assert (error.row, error.column) == (4, "企业规模*")


def test_sheet_not_starting_at_a1_keeps_excel_rows_and_columns(county_officer, ledger, tmp_path):
    """Two empty rows and an empty column A before the table: errors still name Excel's row."""
    ledger.set("enterprises", 1, "企业规模", "特大型")
    path = tmp_path / "shifted.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    for r, row in enumerate([ledger.enterprise_header, *ledger.enterprises], start=3):
        for c, value in enumerate(row, start=2):
            sheet.cell(row=r, column=c, value=value)
    workbook.save(path)

    error = only_error(import_ledger([path], by=county_officer))

    # Header on row 3, the second enterprise on row 5.
    assert (error.row, error.column) == (5, "企业规模*")


def test_unknown_column_is_a_warning_and_the_rest_imports(county_officer, ledger, tmp_path):
    ledger.enterprise_header.append("联系电话")
    for row in ledger.enterprises:
        row.append("0510-1234567")

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert report.ok and report.enterprises.created == 3
    [warning] = report.warnings
    assert (warning.row, warning.column) == (1, "联系电话")
    assert "无法识别的列" in warning.message


def test_dry_run_checks_and_counts_but_writes_nothing(county_officer, ledger, tmp_path):
    before = snapshot()

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer, dry_run=True)

    assert report.ok and not report.written
    assert (report.enterprises.created, report.lines.created) == (3, 6)
    assert snapshot() == before


def test_operator_without_user_imports_anywhere(ledger, tmp_path, jurisdiction):
    ledger.set("enterprises", 0, "行政区划代码", "990121")

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=None)

    assert report.ok
    assert Enterprise.history.filter(history_user__isnull=True).count() == 3


def test_people_who_do_not_keep_the_registry_are_refused(city_leader, ledger, tmp_path):
    with pytest.raises(PermissionDenied):
        import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=city_leader)


def test_formula_quote_of_an_export_is_removed(county_officer, ledger, tmp_path):
    ledger.set("enterprises", 0, "备注", "'=整改中")

    import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert Enterprise.objects.get(credit_code=ledger.codes[0]).notes == "=整改中"


# — defects: each one named by row and column, nothing written —


def bad_check_character(ledger):
    code = ledger.codes[1]
    wrong = "0" if check_character(code[:17]) != "0" else "1"
    ledger.set("enterprises", 1, "统一社会信用代码", code[:17] + wrong)
    # (Its lines, under the right code, would each be reported as lines of an unknown enterprise.)
    ledger.lines = [row for row in ledger.lines if row[0] != code]
    return 3, "统一社会信用代码*", f"第18位应为“{check_character(code[:17])}”"


DEFECTS = {
    "bad check character": bad_check_character,
    "unknown region": lambda ledger: (
        ledger.set("enterprises", 0, "行政区划代码", "990199"),
        (2, "行政区划代码*", "未知的行政区划代码“990199”"),
    )[1],
    "unknown industry": lambda ledger: (
        ledger.set("enterprises", 2, "行业代码", "9999"),
        (4, "行业代码*", "未知的行业代码“9999”"),
    )[1],
    "zero capacity": lambda ledger: (
        ledger.set("lines", 1, "产能", 0),
        (3, "产能*", "产能应为正数"),
    )[1],
    "negative capacity": lambda ledger: (
        ledger.set("lines", 1, "产能", "-5"),
        (3, "产能*", "产能应为正数"),
    )[1],
    "capacity not a number": lambda ledger: (
        ledger.set("lines", 1, "产能", "约两千"),
        (3, "产能*", "产能应为正数"),
    )[1],
    "unit unfit for equipment": lambda ledger: (
        ledger.set("lines", 3, "产能单位", "兆瓦"),
        (5, "产能单位*", "产能单位“兆瓦”不适用于水泥熟料回转窑"),
    )[1],
    "unknown unit": lambda ledger: (
        ledger.set("lines", 3, "产能单位", "桶/天"),
        (5, "产能单位*", "无法识别“桶/天”"),
    )[1],
    "unknown equipment": lambda ledger: (
        ledger.set("lines", 0, "设备类型", "时光机"),
        (2, "设备类型*", "无法识别“时光机”"),
    )[1],
    "required cell empty": lambda ledger: (
        ledger.set("enterprises", 1, "企业名称", "  "),
        (3, "企业名称*", "必填"),
    )[1],
    "duplicate credit code": lambda ledger: (
        ledger.enterprises.append(list(ledger.enterprises[0])),
        (5, "统一社会信用代码*", "与第2行重复"),
    )[1],
    "duplicate line": lambda ledger: (
        ledger.lines.append(list(ledger.lines[0])),
        (8, "生产线编号*", "与第2行重复"),
    )[1],
    "line of an unknown enterprise": lambda ledger: (
        ledger.lines.append(line_row(make_credit_code("990102"))),
        (8, "统一社会信用代码*", "既不在本次导入的企业表中，也未在台账中登记"),
    )[1],
    "bad year": lambda ledger: (
        ledger.set("lines", 0, "投产年份", 1850),
        (2, "投产年份", "投产年份应为1900至2100之间"),
    )[1],
    "bad employees": lambda ledger: (
        ledger.set("enterprises", 0, "从业人数", "12.5"),
        (2, "从业人数", "从业人数应为不小于0的整数"),
    )[1],
    "name too long": lambda ledger: (
        ledger.set("enterprises", 0, "企业名称", "名" * 201),
        (2, "企业名称*", "超过最大长度200个字符"),
    )[1],
    "region outside the officer's county": lambda ledger: (
        ledger.set("enterprises", 1, "行政区划代码", "990121"),
        (3, "行政区划代码*", "北山县（990121）不在您的管辖范围内"),
    )[1],
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_defect_is_named_and_nothing_written(county_officer, ledger, tmp_path, defect):
    row, column, words = DEFECTS[defect](ledger)
    before = snapshot()

    report = import_ledger([ledger.xlsx(tmp_path / "台账.xlsx")], by=county_officer)

    error = only_error(report)
    assert (error.row, error.column) == (row, column)
    assert words in error.message
    assert error.file.startswith("台账.xlsx［")
    assert not report.written and report.record is None
    assert snapshot() == before


def test_every_error_is_listed_at_once(county_officer, ledger, tmp_path):
    ledger.set("enterprises", 0, "行业代码", "9999")
    ledger.set("enterprises", 2, "企业规模", "巨型")
    ledger.set("lines", 1, "产能", -1)
    ledger.set("lines", 5, "产能单位", "千安")

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    assert [(e.file[-4:], e.row, e.column) for e in report.errors] == [
        ("［企业］", 2, "行业代码*"),
        ("［企业］", 4, "企业规模*"),
        ("生产线］", 3, "产能*"),
        ("生产线］", 7, "产能单位*"),
    ]
    assert Enterprise.objects.count() == 0


def test_existing_enterprise_of_another_county_is_refused(
    county_officer, north_enterprise, ledger, tmp_path
):
    # An officer may not move another county's enterprise into their own by importing it.
    ledger.set("enterprises", 0, "统一社会信用代码", north_enterprise.credit_code)
    ledger.lines = ledger.lines[2:]
    before = snapshot()

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    error = only_error(report)
    assert (error.row, error.column) == (2, "统一社会信用代码*")
    assert "已在台账中登记于北山县" in error.message
    assert snapshot() == before
    north_enterprise.refresh_from_db()
    assert north_enterprise.region.code == "990121"


def test_lines_of_another_countys_enterprise_are_refused(
    county_officer, north_enterprise, tmp_path
):
    path = write_csv(tmp_path / "lines.csv", LINE_HEADER, [line_row(north_enterprise.credit_code)])

    report = import_ledger([path], by=county_officer)

    error = only_error(report)
    assert (error.file, error.row, error.column) == ("lines.csv", 2, "统一社会信用代码*")
    assert "北山县" in error.message
    assert not ProductionLine.objects.exists()


def test_missing_required_column_is_named(county_officer, ledger, tmp_path):
    at = ledger.line_header.index("产能单位*")
    ledger.line_header.pop(at)
    for row in ledger.lines:
        row.pop(at)

    report = import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)

    error = only_error(report)
    assert (error.file, error.row, error.column) == ("a.xlsx［生产线］", 1, "产能单位")
    assert "缺少必填列“产能单位”" in error.message
    assert Enterprise.objects.count() == 0


def file_problem(report):
    error = only_error(report)
    assert error.row is None
    return error.message


def test_empty_file(county_officer, tmp_path):
    path = tmp_path / "空.csv"
    path.write_bytes(b"")
    assert "文件为空" in file_problem(import_ledger([path], by=county_officer))


def test_header_only_file_is_nothing_to_import(county_officer, tmp_path):
    path = write_csv(tmp_path / "lines.csv", LINE_HEADER, [])
    report = import_ledger([path], by=county_officer)
    assert "没有可导入的数据" in file_problem(report)


def test_file_over_the_size_limit_is_refused_before_reading(
    county_officer, ledger, tmp_path, settings
):
    settings.LEDGER_MAX_BYTES = 100
    path = ledger.xlsx(tmp_path / "a.xlsx")
    assert "超过上限" in file_problem(import_ledger([path], by=county_officer))


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("ledger.txt", b"a,b\n1,2\n", "不支持的文件类型“.txt”"),
        ("ledger.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版Excel"),
        ("ledger.xlsx", b"this is not a workbook", "不是有效的XLSX工作簿"),
        ("ledger.xlsx", b"PK\x03\x04" + b"\x00broken zip" * 20, "无法读取该XLSX文件"),
        ("ledger.csv", bytes(range(256)) * 10, "不是UTF-8或GBK"),
        ("ledger.csv", b"PK\x03\x04 workbook renamed", "内容是Excel工作簿"),
    ],
)
def test_unreadable_files_are_errors_not_crashes(county_officer, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    assert words in file_problem(import_ledger([path], by=county_officer))


def test_csv_without_recognisable_headers(county_officer, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["甲", "乙"], [["1", "2"]])
    report = import_ledger([path], by=county_officer)
    error = only_error(report)
    assert (error.row, "无法识别这张表" in error.message) == (1, True)


def test_two_enterprise_tables_are_refused(county_officer, ledger, tmp_path):
    enterprises, _ = ledger.csv(tmp_path)
    workbook = ledger.xlsx(tmp_path / "a.xlsx")
    report = import_ledger([workbook, enterprises], by=county_officer)
    error = only_error(report)
    assert error.file == "企业.csv" and "同一种表只能有一张" in error.message


def test_extra_sheets_of_a_workbook_are_ignored_with_a_warning(county_officer, ledger, tmp_path):
    path = ledger.xlsx(tmp_path / "a.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.create_sheet("填表说明").append(["请按模板填写"])
    workbook.save(path)

    report = import_ledger([path], by=county_officer)

    assert report.ok and report.enterprises.created == 3
    assert any(w.file == "a.xlsx［填表说明］" for w in report.warnings)


def test_sheets_are_found_by_headers_when_not_named(county_officer, ledger, tmp_path):
    path = ledger.xlsx(tmp_path / "a.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook["企业"].title = "Sheet1"
    workbook["生产线"].title = "Sheet2"
    workbook.save(path)

    report = import_ledger([path], by=county_officer)

    assert report.ok and (report.enterprises.created, report.lines.created) == (3, 6)


def test_empty_workbook(county_officer, tmp_path):
    path = tmp_path / "a.xlsx"
    Workbook().save(path)
    assert "没有可导入的表" in file_problem(import_ledger([path], by=county_officer))


def test_queries_do_not_grow_with_rows(county_officer, jurisdiction, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n, name):
        path = Ledger(n=n).xlsx(tmp_path / name)
        with CaptureQueriesContext(connection) as ctx:
            assert import_ledger([path], by=county_officer).ok
        return len(ctx)

    # (Up to SQLite's 999 parameters per INSERT, which Django splits into batches.)
    from phaseout.regions.scope import Scope

    Scope.of(county_officer)  # cached on the user after its first lookup
    assert queries(12, "big.xlsx") == queries(2, "small.xlsx")


def test_progress_is_reported_to_a_tqdm_like_factory(county_officer, ledger, tmp_path):
    bars = []

    class Bar:
        def __init__(self, desc, total, unit):
            self.desc, self.total, self.done, self.closed = desc, total, 0, False
            bars.append(self)

        def update(self, n=1):
            self.done += n

        def close(self):
            self.closed = True

    import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer, progress=Bar)

    assert all(bar.closed for bar in bars)
    assert [bar.done for bar in bars] == [3, 6, 3, 6]  # read 企业, read 生产线, write, write


@pytest.mark.parametrize("set_based", [True, False], ids=["insert-select", "simple_history"])
def test_history_rows_are_whole_records_either_way(
    county_officer, ledger, tmp_path, monkeypatch, set_based
):
    """The set-based history copy (ledger/history.py) writes what simple_history's utilities do."""
    from phaseout.registry.ledger import importer

    if not set_based:
        monkeypatch.setattr(importer._Import, "_set_based", lambda self, model: False)
    import_ledger([ledger.xlsx(tmp_path / "a.xlsx")], by=county_officer)
    ledger.set("lines", 0, "状态", "封存")
    import_ledger([ledger.xlsx(tmp_path / "b.xlsx")], by=county_officer)

    line = ProductionLine.objects.get(enterprise__credit_code=ledger.codes[0], code="L1")
    created, changed = line.history.order_by("history_id")
    fields = [f.attname for f in ProductionLine._meta.concrete_fields if f.attname != "updated_at"]
    assert [getattr(changed, f) for f in fields] == [getattr(line, f) for f in fields]
    assert changed.updated_at == line.updated_at
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert created.status == LineStatus.OPERATING and changed.status == LineStatus.SEALED
    assert changed.history_user_id == county_officer.pk
    assert changed.history_change_reason == "台账导入：b.xlsx"
    assert created.history_date < changed.history_date
    enterprise = Enterprise.objects.get(credit_code=ledger.codes[0])
    assert enterprise.history.get().created_at == enterprise.created_at
