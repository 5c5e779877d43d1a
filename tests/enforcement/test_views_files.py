"""Downloads of documents and evidence: only to the people who may see the case, as attachments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phaseout.enforcement import services
from phaseout.enforcement.views.files import safe_filename
from tests.conftest import login

from .conftest import PNG, png_upload


@pytest.fixture
def evidence(rectifying, enterprise_user):
    return services.add_evidence(
        rectifying, by=enterprise_user, upload=png_upload('现场 "1".png'), description="现场"
    )


def _document_url(case):
    return reverse("enforcement:document-download", args=[case.pk, case.documents.get().pk])


def _evidence_url(evidence):
    return reverse("enforcement:evidence-download", args=[evidence.case_id, evidence.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("county_officer", 200),
        ("enterprise_user", 200),
        ("city_auditor", 200),
        ("other_county_officer", 404),
    ],
)
def test_who_may_download(request, client, rectifying, evidence, who, status):
    login(client, request.getfixturevalue(who))
    assert client.get(_document_url(rectifying)).status_code == status
    assert client.get(_evidence_url(evidence)).status_code == status


def test_the_anonymous_visitor_is_sent_to_log_in(client, rectifying):
    assert client.get(_document_url(rectifying)).status_code == 302


def test_a_document_is_sent_as_a_pdf_attachment(client, county_officer, rectifying):
    response = login(client, county_officer).get(_document_url(rectifying))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert response["Cache-Control"] == "private, no-store"


def test_evidence_is_sent_with_its_checked_type_and_a_safe_name(client, county_officer, evidence):
    response = login(client, county_officer).get(_evidence_url(evidence))
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert '"' not in response["Content-Disposition"].split("filename*=", 1)[1]


def test_a_file_of_another_case_is_not_found_under_this_one(
    client, county_officer, rectifying, evidence, east_enterprise, environment_officer
):
    from .conftest import open_case

    other = open_case(environment_officer, east_enterprise, dimension="ENVIRONMENT")
    url = reverse("enforcement:evidence-download", args=[other.pk, evidence.pk])
    assert login(client, county_officer).get(url).status_code == 404


def test_a_file_missing_from_storage_is_not_found(client, county_officer, evidence):
    evidence.file.storage.delete(evidence.file.name)
    assert login(client, county_officer).get(_evidence_url(evidence)).status_code == 404


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("整改报告.pdf", "整改报告.pdf"),
        ('a"b.pdf', "a_b.pdf"),
        ("../../etc/passwd", "etc_passwd"),
        ("line\r\nbreak.png", "line_break.png"),
        ("", "file"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe
