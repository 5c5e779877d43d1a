"""台账导出: scoped, neutralised against formulas, and an export re-imports as a no-op."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from phaseout.registry.ledger.columns import ENTERPRISES, LINES
from phaseout.registry.ledger.exporter import (
    csv_stream,
    headers,
    ledger_querysets,
    write_csv,
    write_xlsx,
)
from phaseout.registry.ledger.importer import import_ledger
from phaseout.registry.models import Enterprise, ProductionLine
from tests.registry.records import make_line


def history_counts():
    return Enterprise.history.count(), ProductionLine.history.count()


def test_xlsx_export_reimports_unchanged(county_officer, east_enterprise, tmp_path):
    east_enterprise.notes = "2019年已整改\n复查合格"
    east_enterprise.employees = 85
    east_enterprise.save()
    make_line(east_enterprise, "L1", capacity=Decimal("1200.500"), commissioning_year=2003)
    make_line(east_enterprise, "007", name="=危险名称", capacity=Decimal("4000"))
    enterprises, lines = ledger_querysets(county_officer)
    path = tmp_path / "export.xlsx"
    assert write_xlsx(path, enterprises, lines) == (1, 2)
    before = history_counts()

    report = import_ledger([path], by=county_officer)

    assert report.ok, report.errors
    assert (report.enterprises.created, report.enterprises.updated) == (0, 0)
    assert (report.lines.created, report.lines.updated, report.lines.unchanged) == (0, 0, 2)
    assert history_counts() == before
    assert not report.warnings


def test_csv_export_reimports_unchanged(county_officer, east_enterprise, tmp_path):
    make_line(east_enterprise, "L1")
    enterprises, lines = ledger_querysets(county_officer)
    write_csv(tmp_path / "e.csv", ENTERPRISES, enterprises)
    write_csv(tmp_path / "l.csv", LINES, lines)
    before = history_counts()

    report = import_ledger([tmp_path / "e.csv", tmp_path / "l.csv"], by=county_officer)

    assert report.ok, report.errors
    assert (report.enterprises.unchanged, report.lines.unchanged) == (1, 1)
    assert report.enterprises.updated == report.lines.updated == 0
    assert history_counts() == before


def test_formula_cells_are_neutralised_and_numbers_stay_numbers(
    county_officer, east_enterprise, tmp_path
):
    east_enterprise.name = '=HYPERLINK("http://evil","点击")'
    east_enterprise.address = "@SUM(1)"
    east_enterprise.save()
    make_line(east_enterprise, "-1", capacity=Decimal("1200"))
    path = tmp_path / "export.xlsx"
    write_xlsx(path, *ledger_querysets(county_officer))

    workbook = load_workbook(path)
    enterprise_row = [c.value for c in workbook["企业"][2]]
    line_row = [c.value for c in workbook["生产线"][2]]
    assert enterprise_row[1] == '\'=HYPERLINK("http://evil","点击")'
    assert "'@SUM(1)" in enterprise_row
    assert line_row[2] == "'-1"
    capacity = line_row[headers(LINES).index("产能*")]
    assert capacity == 1200 and isinstance(capacity, int)
    assert workbook["企业"].cell(1, 1).value == "统一社会信用代码*"

    text = b"".join(csv_stream(ENTERPRISES, Enterprise.objects.all())).decode("utf-8")
    assert text.startswith("\ufeff")
    row = next(
        r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if r[0] != "统一社会信用代码*"
    )
    assert row[1] == '\'=HYPERLINK("http://evil","点击")'

    # And the round trip holds: the name comes back as it was.
    report = import_ledger([path], by=county_officer)
    assert report.ok and report.enterprises.unchanged == 1
    east_enterprise.refresh_from_db()
    assert east_enterprise.name.startswith("=HYPERLINK")


def test_export_is_scoped(county_officer, east_enterprise, north_enterprise, tmp_path):
    make_line(north_enterprise, "N1")
    path = tmp_path / "export.xlsx"

    write_xlsx(path, *ledger_querysets(county_officer))

    workbook = load_workbook(path, read_only=True)
    codes = [row[0] for row in workbook["企业"].iter_rows(min_row=2, values_only=True)]
    assert codes == [east_enterprise.credit_code]
    assert list(workbook["生产线"].iter_rows(min_row=2, values_only=True)) == []
