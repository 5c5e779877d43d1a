"""案卷导出: the ZIP holds the documents, the evidence, the events with their hashes, the chain's
verification, the case's fields and a README; the chain can be recomputed from events.json alone
by following the README, and no name in the archive can point outside its folder."""

from __future__ import annotations

import hashlib
import io
import json
import os
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from phaseout.enforcement import services
from phaseout.enforcement.archive import export_case
from phaseout.enforcement.filenames import MAX_NAME, safe_name
from phaseout.enforcement.models import CaseEvent, Evidence

from .conftest import PDF, PNG, pdf_upload


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def recompute(events: list[dict]) -> str:
    """The README's recipe, written again here from its words: drop "hash", canonical JSON (keys
    sorted, "," and ":" without spaces, non-ASCII as is), UTF-8, SHA-256; each prev the hash
    before it, the first 64 zeros, seq counting from 1. Returns the head."""
    prev = "0" * 64
    for n, event in enumerate(events, start=1):
        content = {key: value for key, value in event.items() if key != "hash"}
        text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert event["seq"] == n
        assert event["prev"] == prev
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == event["hash"]
        prev = event["hash"]
    return prev


@pytest.fixture
def case_file(rectifying, enterprise_user, county_officer):
    """The served energy case (its notice a PDF), with two pieces of evidence of the same name
    and one whose name tries to climb out of the folder, and a comment."""
    services.add_evidence(rectifying, by=enterprise_user, upload=pdf_upload("整改报告.pdf"))
    services.add_evidence(
        rectifying,
        by=enterprise_user,
        upload=pdf_upload("整改报告.pdf", PDF + b"% second\n"),
        description="补充材料",
    )
    photo = services.add_evidence(
        rectifying,
        by=county_officer,
        upload=SimpleUploadedFile("现场 照片.png", PNG, content_type="image/png"),
    )
    # A name as a Windows client might have sent it, had nothing reduced it on the way in
    # (Django's upload parser does; a row written some other way might not be).
    Evidence.objects.filter(pk=photo.pk).update(name="..\\..\\现场 照片.png")
    services.add_comment(rectifying, by=county_officer, text="现场核查：窑尾未改造，“待复查”")
    rectifying.refresh_from_db()
    return rectifying


def test_the_archive_holds_the_whole_case_file(case_file):
    files = unpack(export_case(case_file))
    notice = case_file.documents.get()

    assert sorted(files) == [
        "README.txt",
        "case.json",
        "chain.json",
        f"documents/{notice.number}.pdf",
        "events.json",
        "evidence/整改报告-2.pdf",
        "evidence/整改报告.pdf",
        "evidence/现场 照片.png",  # stored as ..\\..\\现场 照片.png
    ]
    assert files[f"documents/{notice.number}.pdf"] == notice.file.open("rb").read()
    assert files["evidence/整改报告.pdf"] == PDF
    assert files["evidence/整改报告-2.pdf"] == PDF + b"% second\n"

    events = json.loads(files["events.json"])
    assert [e["seq"] for e in events] == list(range(1, case_file.event_count + 1))
    stored = list(CaseEvent.objects.filter(case=case_file).order_by("seq"))
    assert [e["hash"] for e in events] == [e.hash for e in stored]
    assert events[-1]["summary"] == "现场核查：窑尾未改造，“待复查”"

    chain = json.loads(files["chain.json"])
    assert chain["verification"] == {
        "ok": True,
        "events": case_file.event_count,
        "broken_seq": None,
        "reason": "",
    }
    assert chain["head"] == case_file.chain_head == events[-1]["hash"]
    assert chain["event_count"] == len(events)
    assert chain["algorithm"]["hash"] == "SHA-256"

    case = json.loads(files["case.json"])
    assert case["fields"]["number"] == case_file.number
    assert case["fields"]["state"] == "rectifying" and case["fields"]["due_on"] == "2026-02-28"
    assert case["display"]["state"] == "限期整改中"
    assert case["display"]["enterprise"] == "城东水泥有限公司"

    readme = files["README.txt"].decode("utf-8")
    assert case_file.number in readme and "如何手工核验防篡改链" in readme
    assert f"完整（{case_file.event_count} 个事件）" in readme


def test_the_chain_is_recomputed_from_events_json_alone(case_file):
    files = unpack(export_case(case_file))
    events = json.loads(files["events.json"])
    assert recompute(events) == json.loads(files["chain.json"])["head"]
    # Every attached file is in the archive under the hash its event records.
    chain = json.loads(files["chain.json"])
    by_hash = {f["sha256"]: f for f in chain["files"]}
    attached = [a for e in events for a in e["payload"].get("files", [])]
    assert len(attached) == len(chain["files"]) == 4
    for item in attached:
        entry = by_hash[item["sha256"]]
        assert hashlib.sha256(files[entry["path"]]).hexdigest() == item["sha256"]
        assert events[entry["event_seq"] - 1]["payload"]["files"] == [item]


def test_a_changed_event_fails_the_recomputation_and_the_export_says_so(case_file):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CaseEvent._meta.db_table} SET summary = %s WHERE case_id = %s AND seq = 2",
            ["已整改完毕", case_file.pk],
        )
    files = unpack(export_case(case_file))
    chain = json.loads(files["chain.json"])
    assert chain["verification"]["ok"] is False and chain["verification"]["broken_seq"] == 2
    with pytest.raises(AssertionError):
        recompute(json.loads(files["events.json"]))
    assert "未通过：第 2 号事件" in files["README.txt"].decode()


def test_a_file_missing_from_storage_is_listed_as_absent(case_file):
    evidence = Evidence.objects.filter(case=case_file).order_by("id").first()
    os.remove(evidence.file.path)
    chain = json.loads(unpack(export_case(case_file))["chain.json"])
    (gone,) = [f for f in chain["files"] if not f["present"]]
    assert gone["sha256"] == evidence.sha256 and gone["path"] is None
    assert "文件已丢失" in chain["verification"]["reason"]


def test_unpacking_writes_nothing_outside_its_folder(case_file, tmp_path):
    Evidence.objects.filter(case=case_file, name__startswith="..").update(
        name="../../../etc/cron.d/x"
    )
    target = tmp_path / "out"
    with zipfile.ZipFile(io.BytesIO(export_case(case_file))) as archive:
        names = archive.namelist()
        archive.extractall(target)
    assert "evidence/x" in names
    for name in names:
        assert not name.startswith("/") and ".." not in name.split("/")
        assert (target / name).resolve().is_relative_to(target.resolve())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", "out"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("整改报告.pdf", "整改报告.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("..", "file"),
        ("", "file"),
        (" . ", "file"),
        ("/abs/path/图.png", "图.png"),
        ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("report\u202egpj.pdf", "reportgpj.pdf"),  # no right-to-left override
        ("line\nbreak\x00.pdf", "linebreak.pdf"),
        ("城东区工信整改〔2025〕1号.pdf", "城东区工信整改〔2025〕1号.pdf"),
        ("长" * 300 + ".pdf", "长" * (MAX_NAME - 4) + ".pdf"),
    ],
)
def test_safe_names(name, expected):
    assert safe_name(name) == expected


@given(st.text(max_size=400))
def test_any_name_becomes_one_plain_file_name(name):
    safe = safe_name(name)
    assert safe and len(safe) <= MAX_NAME
    assert "/" not in safe and "\\" not in safe and safe not in (".", "..")
    assert not any(unicodedata.category(ch).startswith("C") for ch in safe)


def test_the_command_writes_the_archive(case_file, tmp_path):
    path = tmp_path / "案卷.zip"
    out = io.StringIO()
    call_command("export_case", case_file.number, "-o", str(path), stdout=out)
    assert out.getvalue().strip() == (
        f"已导出案卷 {case_file.number}（{case_file.event_count} 个事件，4 个文件）：{path}"
    )
    assert recompute(json.loads(unpack(path.read_bytes())["events.json"])) == case_file.chain_head


def test_the_command_refuses_an_unknown_case(db, tmp_path):
    with pytest.raises(CommandError, match="没有编号为“2026-NONE”的案件"):
        call_command("export_case", "2026-NONE", "-o", str(tmp_path / "x.zip"))
