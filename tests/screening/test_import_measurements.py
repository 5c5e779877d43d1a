"""检测值导入: all or nothing; every problem names its file, row and column; nothing is written
when anything is wrong; units are converted or the row is refused."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from phaseout.screening.importer import import_measurements, read_date
from phaseout.screening.models import Measurement

HEADER = [
    "统一社会信用代码*",
    "生产线编号",
    "指标*",
    "数值*",
    "单位",
    "检测日期*",
    "来源*",
    "检测方法",
    "备注",
]


def row(enterprise, **cells):
    values = {
        "code": enterprise.credit_code,
        "line": "YL-1",
        "metric": "clinker_comprehensive_energy",
        "value": "125",
        "unit": "kgce/t",
        "date": "2025-06-01",
        "source": "现场检查",
        "method": "GB/T 2589",
        "notes": "",
    }
    values.update(cells)
    return list(values.values())


def csv_file(rows, name="检测值.csv", encoding="utf-8-sig", header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return (name, io.BytesIO(buffer.getvalue().encode(encoding)))


def xlsx_file(rows, name="检测值.xlsx", title_row=False):
    book = Workbook()
    sheet = book.active
    sheet.title = "检测值"
    if title_row:
        sheet.append(["城东区2025年检测数据"])
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    target = io.BytesIO()
    book.save(target)
    target.seek(0)
    return (name, target)


def test_a_good_file_records_every_row(county_officer, kiln):
    enterprise = kiln.enterprise
    report = import_measurements(
        [
            csv_file(
                [
                    row(enterprise),
                    row(enterprise, metric="熟料单位产品综合电耗", value="58", unit="千瓦时/吨"),
                    row(enterprise, metric="clinker_ratio", value="78", unit="", source="企业自报"),
                ]
            )
        ],
        by=county_officer,
    )
    assert report.ok, report.errors
    assert report.created == 3
    energy = Measurement.objects.get(metric="clinker_comprehensive_energy")
    assert energy.line == kiln and energy.value_std == 125 and energy.source == "inspection"
    assert Measurement.objects.get(metric="clinker_ratio").unit == "%"
    assert Measurement.objects.get(metric="clinker_comprehensive_power").source == "inspection"
    assert energy.history.get().history_user == county_officer


def test_a_value_in_another_unit_is_converted(county_officer, kiln):
    report = import_measurements(
        [csv_file([row(kiln.enterprise, value="0.125", unit="tce/t")])], by=county_officer
    )
    assert report.ok
    assert Measurement.objects.get().value_std == pytest.approx(125)


def test_every_error_names_its_row_and_column_and_nothing_is_written(county_officer, kiln):
    enterprise = kiln.enterprise
    report = import_measurements(
        [
            csv_file(
                [
                    row(enterprise),  # good, but not written: the file has errors
                    row(enterprise, metric="噪声"),
                    row(enterprise, value="很高"),
                    row(enterprise, unit="kWh/t"),  # energy per tonne is not power per tonne
                    row(enterprise, date="2025-13-01"),
                    row(enterprise, source="听说"),
                    row(enterprise, line="YL-9"),
                    row(enterprise, code="91990102000000000X"),
                ]
            )
        ],
        by=county_officer,
    )
    assert not report.ok
    assert Measurement.objects.count() == 0
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "指标*"),
        (4, "数值*"),
        (5, "单位"),
        (6, "检测日期*"),
        (7, "来源*"),
        (8, "生产线编号"),
        (9, "统一社会信用代码*"),
    }
    assert all(e.file == "检测值.csv" for e in report.errors)
    unit_error = next(e for e in report.errors if e.row == 5)
    assert "千克标准煤/吨" in unit_error.message and "不能换算" in unit_error.message


def test_missing_columns_are_errors_of_the_header(county_officer, kiln):
    header = [h for h in HEADER if h != "来源*"]
    report = import_measurements(
        [csv_file([row(kiln.enterprise)[:6] + ["", ""]], header=header)], by=county_officer
    )
    assert [(e.row, e.column) for e in report.errors] == [(1, "来源")]
    assert Measurement.objects.count() == 0


def test_an_enterprise_outside_the_scope_reads_as_unknown(other_county_officer, kiln):
    report = import_measurements([csv_file([row(kiln.enterprise)])], by=other_county_officer)
    assert [(e.row, e.column) for e in report.errors] == [(2, "统一社会信用代码*")]
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize("who", ["city_leader", "city_auditor", "enterprise_user"])
def test_who_may_not_import(request, who, kiln):
    with pytest.raises(PermissionDenied):
        import_measurements([csv_file([row(kiln.enterprise)])], by=request.getfixturevalue(who))


def test_a_dry_run_writes_nothing(county_officer, kiln):
    report = import_measurements(
        [csv_file([row(kiln.enterprise)])], by=county_officer, dry_run=True
    )
    assert report.ok and report.created == 1
    assert Measurement.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing(county_officer, kiln):
    rows = [row(kiln.enterprise)]
    import_measurements([csv_file(rows)], by=county_officer)
    again = import_measurements([csv_file(rows)], by=county_officer)
    assert again.ok and again.created == 0 and again.unchanged == 1
    assert Measurement.objects.count() == 1


def test_gbk_csv_and_a_workbook_with_a_title_row_are_read(county_officer, kiln):
    enterprise = kiln.enterprise
    report = import_measurements(
        [
            csv_file([row(enterprise)], name="gbk.csv", encoding="gbk"),
            xlsx_file(
                [row(enterprise, date=datetime.datetime(2025, 7, 1), value=126)], title_row=True
            ),
        ],
        by=county_officer,
    )
    assert report.ok, report.errors
    assert sorted(Measurement.objects.values_list("date", flat=True)) == [
        datetime.date(2025, 6, 1),
        datetime.date(2025, 7, 1),
    ]


def test_workbook_errors_carry_the_sheet_and_the_excel_row(county_officer, kiln):
    report = import_measurements(
        [xlsx_file([row(kiln.enterprise, value="abc")], title_row=True)], by=county_officer
    )
    assert [(e.file, e.row, e.column) for e in report.errors] == [
        ("检测值.xlsx［检测值］", 3, "数值*")
    ]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-06-01", datetime.date(2025, 6, 1)),
        ("2025/6/1", datetime.date(2025, 6, 1)),
        ("2025年6月1日", datetime.date(2025, 6, 1)),
        ("20250601", datetime.date(2025, 6, 1)),
    ],
)
def test_dates_as_offices_write_them(text, day):
    assert read_date(text) == (day, None)


def test_the_command_imports_and_refuses_a_bad_file(county_officer, kiln, tmp_path):
    name, content = csv_file([row(kiln.enterprise, value="abc")])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content.getvalue())
    with pytest.raises(CommandError):
        call_command("import_measurements", str(bad), "--user", "east_officer")
    assert Measurement.objects.count() == 0
    name, content = csv_file([row(kiln.enterprise)])
    good = tmp_path / "good.csv"
    good.write_bytes(content.getvalue())
    out = io.StringIO()
    call_command("import_measurements", str(good), "--dry-run", stdout=out)
    assert Measurement.objects.count() == 0
    call_command("import_measurements", str(good), stdout=out)
    assert Measurement.objects.count() == 1
