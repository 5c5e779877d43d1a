"""phaseout verify-case-files: a changed event row or a replaced stored file is found, and the case
and its first broken event are named; the exit status says whether all case files hold."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from phaseout.enforcement import services
from phaseout.enforcement.models import CaseEvent

from .conftest import open_case, png_upload


def run(*args) -> str:
    out = io.StringIO()
    call_command("verify_case_files", *args, stdout=out)
    return out.getvalue()


def run_failing(*args) -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as err:
        call_command("verify_case_files", *args, stdout=out)
    return out.getvalue(), err.value


@pytest.fixture
def served(rectifying, enterprise_user, county_officer):
    """The served energy case (its notice a PDF) with a photo as evidence and a comment."""
    evidence = services.add_evidence(rectifying, by=enterprise_user, upload=png_upload())
    services.add_comment(rectifying, by=county_officer, text="现场核查：窑尾未改造")
    return rectifying, evidence


@pytest.fixture
def second_case(county_officer, east_enterprise):
    """A case just opened, in another dimension."""
    return open_case(county_officer, east_enterprise, dimension="TECHNOLOGY")


def tamper_summary(case, seq: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CaseEvent._meta.db_table} SET summary = %s WHERE case_id = %s AND seq = %s",
            ["（已改）整改完成", case.pk, seq],
        )


def overwrite(field_file, content: bytes) -> None:
    with open(field_file.path, "wb") as fh:
        fh.write(content)


def test_intact_case_files_pass(served, second_case):
    assert run().splitlines() == ["已核验 2 件案卷：2 件完整，0 件未通过。"]


def test_a_changed_event_row_is_named_with_its_sequence_number(served, second_case):
    case = served[0]
    tamper_summary(case, 2)

    out, err = run_failing()

    assert out.splitlines() == [
        f"{case.number}：第 2 号事件未通过 — 事件内容已被改动。",
        "已核验 2 件案卷：1 件完整，1 件未通过。",
    ]
    assert err.returncode == 1 and case.number in str(err)


def test_a_replaced_document_file_is_named(served, second_case):
    case = served[0]
    notice = case.documents.get()
    overwrite(notice.file, b"%PDF-1.4\n% forged\n%%EOF\n")

    out, _err = run_failing()

    # The notice is filed with the order's event, the second in the case file.
    assert out.splitlines()[0] == (
        f"{case.number}：第 2 号事件未通过 — 附件 {notice.number} 的内容已被改动。"
    )


def test_a_replaced_evidence_file_is_named(served, second_case):
    case, evidence = served
    overwrite(evidence.file, b"\x89PNG\r\n\x1a\n" + b"\xff" * 64)
    seq = case.events.get(kind="evidence").seq

    out, _err = run_failing()

    assert out.splitlines()[0] == (
        f"{case.number}：第 {seq} 号事件未通过 — 附件 {evidence.name} 的内容已被改动。"
    )


def test_both_tamperings_in_served_are_each_reported(served, second_case):
    case, evidence = served
    overwrite(evidence.file, b"forged")
    tamper_summary(second_case, 1)

    out, err = run_failing("--json")

    data = json.loads(out)
    assert data["checked"] == 2 and data["ok"] is False
    assert [(b["case"], b["broken_seq"]) for b in data["broken"]] == [
        (case.number, case.events.get(kind="evidence").seq),
        (second_case.number, 1),
    ]
    assert "内容已被改动" in data["broken"][0]["reason"]
    assert "2 件案卷" in str(err)


def test_one_case_only(served, second_case):
    tamper_summary(served[0], 1)
    assert run("--case", second_case.number).splitlines() == [
        "已核验 1 件案卷：1 件完整，0 件未通过。"
    ]
    out, _err = run_failing("--case", served[0].number)
    assert "第 1 号事件未通过" in out


def test_an_unknown_case_number_is_an_error(db):
    with pytest.raises(CommandError, match="没有编号为“2026-X”的案件"):
        run("--case", "2026-X")


def test_the_report_in_english(served, second_case):
    tamper_summary(served[0], 2)
    with translation.override("en"):
        out, _err = run_failing()
    assert out.splitlines() == [
        f"{served[0].number}: event 2 does not verify — The event's content has been changed.",
        "Verified 2 case file(s): 1 intact, 1 broken.",
    ]
