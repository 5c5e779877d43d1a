"""执法文书 PDFs: every kind renders in Chinese with the font embedded, never with boxes.

A PDF made with a font that is not embedded, or with a fallback that lacks the characters, would
still "render"; so each test reads the PDF back: the embedded font programs, their names, and the
text extracted through the fonts' ToUnicode maps (a character drawn as a box would not come back).
"""

from __future__ import annotations

import datetime
import io
import re
import socket
from functools import cache

import pytest
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

from phaseout.enforcement import pdf

ENTERPRISE = "示范市城东区金盛水泥有限公司"


def context(kind: str, title: str, number: str, **changes) -> dict:
    """A whole document context as the services build it (the contract in docs/documents.md)."""
    document = {
        "kind": kind,
        "title": title,
        "number": number,
        "authority": "示范市城东区工业和信息化局",
        "addressee": "",
        "issued_on": datetime.date(2026, 11, 22),
        "enterprise": {
            "name": ENTERPRISE,
            "credit_code": "91990102000000001X",
            "legal_representative": "张某",
            "address": "示范市城东区建材路8号",
        },
        "line": {
            "code": "L-0001",
            "name": "2号熟料生产线",
            "equipment": "Φ3.2m×50m 回转窑",
            "capacity": "1000吨/日",
        },
        "facts": [
            "2026年10月15日，我局委托的节能监察机构对你单位2号熟料生产线进行了能耗监测。",
            "监测结果显示，单位产品综合能耗为120 kgce/t，超过GB 16780-2021规定的限定值117 kgce/t。",
        ],
        "evidence": ["《节能监察现场检查笔录》1份", "《能耗监测报告》（示范节监〔2026〕18号）1份"],
        "basis": [
            "《中华人民共和国节约能源法》第十六条",
            "GB 16780-2021《水泥单位产品能源消耗限额》表1",
            "《关于利用综合标准依法依规推动落后产能退出的指导意见》（工信部联产业〔2017〕30号）",
        ],
        "order": "对2号熟料生产线实施节能改造，使单位产品综合能耗达到限定值。",
        # As phaseout.enforcement.deadlines.due_date explains a period (docs/deadlines.md).
        "deadline": {
            "due": datetime.date(2026, 10, 8),
            "explanation": "送达 2026-04-03，6个月，届满 2026-10-03；"
            "2026-10-03 为法定节假日，顺延至 2026-10-08",
            "provisional": False,
        },
        "decision": "",
        "reasons": "",
        "measures": [],
        "remedy": "你单位如对本通知不服，可在收到本通知之日起六十日内向示范市城东区人民政府申请行政复议，"
        "也可在六个月内向示范市城东区人民法院提起行政诉讼。",
        "consequence": "逾期未整改或经整改仍未达标的，我局将提请示范市城东区人民政府依法责令关停退出。",
        "contact": "李某 0999-12345678",
    }
    document.update(changes)
    return document


KINDS = {
    "rectification_notice": context(
        "rectification_notice", "限期整改通知书", "城东工信整改〔2026〕3号"
    ),
    "suspension_order": context("suspension_order", "责令停产整治决定书", "城东工信停〔2026〕1号"),
    "extension_decision": context(
        "extension_decision",
        "延期整改决定书",
        "城东工信延〔2026〕2号",
        decision="granted",
        reasons="你单位节能改造设备因供货原因延迟到货，已提供供货合同和延期说明。",
    ),
    "approval_request": context(
        "approval_request",
        "关于提请批准对示范市城东区金盛水泥有限公司2号熟料生产线实施关停退出的请示",
        "城东工信呈〔2026〕5号",
        addressee="示范市城东区人民政府",
        order="建议依法责令该生产线关停退出。",
    ),
    "closure_decision": context(
        "closure_decision",
        "关停退出决定书",
        "城东工信关〔2026〕4号",
        order="依法关停退出你单位2号熟料生产线。",
    ),
    "announcement": context(
        "announcement",
        "公告",
        "城东工信公告〔2026〕1号",
        measures=["断开2号熟料生产线供电线路", "对回转窑及配套设备加贴封条，予以封存"],
        order="该生产线自本公告发布之日起停止生产，企业已公开承诺不再恢复生产。",
        deadline=None,
        remedy="",
    ),
}


@cache
def rendered(kind: str) -> bytes:
    """Each kind's PDF, made once for the tests that read it."""
    return pdf.render_document(KINDS[kind])


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return "".join(page.extract_text() for page in reader.pages)


def embedded_fonts(document: bytes) -> dict[str, bytes]:
    """The name of every font the pages use → its embedded font program (FontFile, FontFile2
    or FontFile3); a font that is not embedded maps to b""."""
    reader = PdfReader(io.BytesIO(document))
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                program = next(
                    (
                        descriptor[key]
                        for key in ("/FontFile", "/FontFile2", "/FontFile3")
                        if key in descriptor
                    ),
                    None,
                )
                found[str(descriptor["/FontName"])] = (
                    program.get_object().get_data() if program is not None else b""
                )
    return found


def squeeze(text: str) -> str:
    """Extracted text without the line breaks and spaces the layout put in."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_chinese_with_the_font_embedded(kind):
    document = rendered(kind)

    assert document.startswith(b"%PDF-")
    fonts = embedded_fonts(document)
    # Subset names are “ABCDEF+<family>”: the two faces bound by pdf.py, and no system font.
    assert sorted(name.split("+")[1] for name in fonts) == ["PhaseoutSans", "PhaseoutSerif"]
    programs = {name.split("+")[1]: program for name, program in fonts.items()}
    # The programs are the Noto files cut down, not empty stubs.
    assert b"NotoSerifSC" in programs["PhaseoutSerif"]
    assert b"NotoSansSC" in programs["PhaseoutSans"]
    text = squeeze(text_of(document))
    assert squeeze(KINDS[kind]["title"]) in text
    assert KINDS[kind]["number"] in text
    assert ENTERPRISE in text
    assert "2026年11月22日" in text


def test_the_deadline_explanation_stands_next_to_the_due_date():
    document = pdf.render_document(KINDS["rectification_notice"])

    text = squeeze(text_of(document))
    assert (
        squeeze(
            "整改期限至2026年10月8日（送达 2026-04-03，6个月，届满 2026-10-03；"
            "2026-10-03 为法定节假日，顺延至 2026-10-08）。"
        )
        in text
    )


def test_a_provisional_deadline_says_so():
    notice = KINDS["rectification_notice"]
    deadline = {**notice["deadline"], "provisional": True}

    text = squeeze(text_of(pdf.render_document({**notice, "deadline": deadline})))
    assert "该期限为暂定期限" in text


def test_the_extension_decision_says_granted_or_refused_with_its_reasons():
    refused = context(
        "extension_decision",
        "延期整改决定书",
        "城东工信延〔2026〕3号",
        decision="refused",
        reasons="申请在整改期限届满后提出。",
    )

    text = squeeze(text_of(pdf.render_document(refused)))
    assert "不同意你单位延期整改" in text
    assert "理由：申请在整改期限届满后提出。" in text
    assert "原整改期限不变" in text
    granted = squeeze(text_of(rendered("extension_decision")))
    assert "同意你单位延期整改" in granted and "不同意" not in granted


def test_the_approval_request_is_addressed_to_the_government():
    text = squeeze(text_of(rendered("approval_request")))

    assert "示范市城东区人民政府：" in text
    assert "妥否，请批示。" in text


def test_missing_optional_keys_render_nothing():
    bare = {
        "kind": "rectification_notice",
        "title": "限期整改通知书",
        "number": "城东工信整改〔2026〕9号",
        "authority": "示范市城东区工业和信息化局",
        "issued_on": datetime.date(2026, 11, 22),
        "enterprise": {"name": ENTERPRISE, "credit_code": None},
        "line": None,
        "deadline": None,
        "reasons": None,
    }

    text = text_of(pdf.render_document(bare))
    assert "None" not in text
    assert "统一社会信用代码" not in text
    assert "整改期限至" not in text
    assert ENTERPRISE in squeeze(text)


def test_html_in_a_field_is_escaped():
    document = pdf.render_document(
        context(
            "rectification_notice",
            "限期整改通知书",
            "城东工信整改〔2026〕7号",
            facts=['<b>粗体</b><img src="http://example.com/x.png">'],
        )
    )

    text = squeeze(text_of(document))
    assert '<b>粗体</b><imgsrc="http://example.com/x.png">' in text


def test_a_missing_font_is_a_clear_error(settings, tmp_path):
    missing = tmp_path / "no-such-font.otf"
    settings.PHASEOUT_PDF_FONT = str(missing)

    with pytest.raises(ImproperlyConfigured) as raised:
        pdf.render_document(KINDS["rectification_notice"])
    message = str(raised.value)
    assert str(missing) in message
    assert "字体" in message and "PHASEOUT_PDF_FONT" in message


def test_a_missing_installed_font_names_the_install_command(settings, monkeypatch, tmp_path):
    settings.PHASEOUT_PDF_FONT = ""
    monkeypatch.setattr(pdf, "_package_dir", lambda: tmp_path / "pylopdf_fonts_zh_cn")

    with pytest.raises(ImproperlyConfigured) as raised:
        pdf.font_path()
    message = str(raised.value)
    assert str(tmp_path / "pylopdf_fonts_zh_cn" / "NotoSerifSC-Regular.otf") in message
    assert "make env" in message


def test_a_file_that_is_not_a_font_is_a_clear_error(settings, tmp_path):
    bogus = tmp_path / "bogus.otf"
    bogus.write_bytes(b"not a font")
    settings.PHASEOUT_PDF_HEADING_FONT = str(bogus)

    with pytest.raises(ImproperlyConfigured, match="字体文件无法读取"):
        pdf.render_document(KINDS["announcement"])


def test_a_character_the_fonts_lack_is_refused_not_drawn_as_a_box():
    with pytest.raises(pdf.DocumentError, match=r"U\+1F600"):
        pdf.render_document(
            context("announcement", "公告", "城东工信公告〔2026〕2号", order="停止生产😀")
        )


def test_an_http_url_in_a_template_is_refused(tmp_path, settings, monkeypatch):
    template = tmp_path / "external.html"
    template.write_text(
        '<html><body><p>示范</p><img src="http://example.com/seal.png"></body></html>',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(pdf.DocumentError) as raised:
        pdf.render_pdf("external.html", {})
    assert "http://example.com/seal.png" in str(raised.value)


def test_the_fetcher_serves_only_the_font_files():
    fetcher = pdf._fetcher({pdf.font_path(): b"OTTO subset"})

    assert fetcher(pdf.font_path().as_uri()).read() == b"OTTO subset"
    for url in ("https://example.com/font.otf", "file:///etc/passwd", "data:,x"):
        with pytest.raises(pdf.DocumentError):
            fetcher(url)
    assert len(fetcher.refused) == 3


def test_an_unknown_kind_is_refused():
    with pytest.raises(pdf.DocumentError, match="未知的文书种类"):
        pdf.render_document({"kind": "penalty"})
