"""The ledger pages: who may import, what the page says, and the scoped download."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from phaseout.registry.models import Enterprise, ProductionLine
from tests.conftest import login
from tests.registry.ledger_files import Ledger
from tests.registry.records import make_line

IMPORT = reverse("registry:ledger-import")
EXPORT = reverse("registry:ledger-export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(IMPORT).status_code == 302
    assert client.get(EXPORT).status_code == 302


@pytest.mark.parametrize("who", ["city_leader", "power_officer", "enterprise_user"])
def test_only_registry_keepers_may_import(db, client, request, who):
    login(client, request.getfixturevalue(who))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {}).status_code == 403


def test_import_page_shows_the_form(client, county_officer):
    response = login(client, county_officer).get(IMPORT)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert 'style="' not in response.content.decode()  # the CSP forbids inline styles


def test_upload_imports_and_shows_counts(client, county_officer, jurisdiction, tmp_path):
    ledger = Ledger(n=2)
    path = ledger.xlsx(tmp_path / "台账.xlsx")

    response = login(client, county_officer).post(IMPORT, {"ledger": upload(path)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成" in html
    assert response.context["report"].enterprises.created == 2
    assert Enterprise.objects.count() == 2 and ProductionLine.objects.count() == 4


def test_two_csv_files_and_dry_run(client, county_officer, jurisdiction, tmp_path):
    enterprises, lines = Ledger(n=2).csv(tmp_path, encoding="gbk")

    response = login(client, county_officer).post(
        IMPORT, {"ledger": upload(lines), "second": upload(enterprises), "dry_run": "on"}
    )

    assert "校验通过（仅校验，未写入）" in response.content.decode()
    assert response.context["report"].lines.created == 4
    assert not Enterprise.objects.exists()


def test_errors_are_listed_with_row_and_column(client, county_officer, jurisdiction, tmp_path):
    ledger = Ledger(n=2)
    ledger.set("lines", 2, "产能", -3)
    ledger.set("enterprises", 1, "行政区划代码", "990121")
    path = ledger.xlsx(tmp_path / "台账.xlsx")

    response = login(client, county_officer).post(IMPORT, {"ledger": upload(path)})

    html = response.content.decode()
    assert "发现2个问题，未写入任何数据" in html
    assert "<td>台账.xlsx［生产线］</td><td>4</td><td>产能*</td>" in html
    assert "北山县（990121）不在您的管辖范围内" in html
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "不是有效的XLSX工作簿"),
        ("notes.docx", b"whatever", "不是.xlsx或.csv文件"),
        ("empty.csv", b"", "空"),
    ],
)
def test_bad_uploads_are_form_errors(client, county_officer, name, content, words):
    response = login(client, county_officer).post(
        IMPORT, {"ledger": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert "report" not in response.context


def test_binary_file_named_csv_is_an_error_not_a_crash(client, county_officer):
    content = bytes(range(256)) * 40
    response = login(client, county_officer).post(
        IMPORT, {"ledger": SimpleUploadedFile("ledger.csv", content)}
    )
    assert response.status_code == 200
    assert "不是UTF-8或GBK" in response.content.decode()


def test_upload_over_the_limit_is_refused(client, county_officer, settings):
    settings.LEDGER_MAX_BYTES = 10
    response = login(client, county_officer).post(
        IMPORT, {"ledger": SimpleUploadedFile("a.csv", b"x" * 11)}
    )
    assert "超过上限" in response.content.decode()


def test_xlsx_download_is_scoped(client, county_officer, east_enterprise, north_enterprise):
    make_line(north_enterprise, "N1")

    response = login(client, county_officer).get(EXPORT, {"format": "xlsx"})

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    codes = [row[0] for row in workbook["企业"].iter_rows(min_row=2, values_only=True)]
    assert codes == [east_enterprise.credit_code]
    assert north_enterprise.credit_code not in codes


@pytest.mark.parametrize("fmt", ["csv-enterprises", "csv-lines"])
def test_csv_download_is_scoped(
    client, city_leader, county_officer, east_enterprise, north_enterprise, fmt
):
    make_line(east_enterprise, "E1")
    make_line(north_enterprise, "N1")

    def codes(user):
        response = login(client, user).get(EXPORT, {"format": fmt})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}

    assert codes(county_officer) == {east_enterprise.credit_code}
    assert codes(city_leader) == {east_enterprise.credit_code, north_enterprise.credit_code}


def test_download_of_a_region_outside_scope_is_forbidden(client, county_officer):
    response = login(client, county_officer).get(EXPORT, {"format": "xlsx", "region": "990121"})
    assert response.status_code == 403


def test_unknown_format_is_a_bad_request(client, county_officer):
    assert login(client, county_officer).get(EXPORT, {"format": "pdf"}).status_code == 400


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_large_uploads_spooled_to_disk_import_too(
    client, county_officer, jurisdiction, tmp_path, settings, kind
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload becomes a TemporaryUploadedFile
    ledger = Ledger(n=2)
    if kind == "xlsx":
        data = {"ledger": upload(ledger.xlsx(tmp_path / "a.xlsx"))}
    else:
        enterprises, lines = ledger.csv(tmp_path, encoding="gb18030")
        data = {"ledger": upload(enterprises), "second": upload(lines)}

    response = login(client, county_officer).post(IMPORT, data)

    assert response.context["report"].ok, response.context["report"].errors
    assert ProductionLine.objects.count() == 4
