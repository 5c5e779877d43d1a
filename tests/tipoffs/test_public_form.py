"""The public form's defences: the challenge, attachment checks, rate limits, size limit, and
escaping of whatever a sender types."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from phaseout.tipoffs import services
from phaseout.tipoffs.models import Tipoff, TipoffAttachment
from tests.conftest import login
from tests.tipoffs.conftest import (
    JPEG,
    accept_and_assign,
    challenge,
    pdf_upload,
    png_upload,
    public_form_data,
    receive,
    submit_public,
    tracking_code,
)

pytestmark = pytest.mark.django_db


def test_form_renders_in_chinese_without_login(client, jurisdiction):
    page = client.get("/public/tipoffs/new/").content.decode()
    assert "举报落后产能" in page and "验证码" in page and 'name="captcha_1"' in page
    assert "<script" not in page  # usable without JavaScript
    assert 'name="viewport"' in page
    key, _answer = challenge(page)
    image = client.get(f"/captcha/image/{key}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_wrong_challenge_answer_is_a_field_error(client, jurisdiction):
    r = submit_public(client, jurisdiction["east"], captcha_1="99999")
    assert r.status_code == 400
    assert "验证码答案不正确" in r.content.decode()
    assert not Tipoff.objects.exists()


def test_a_challenge_answers_once(client, jurisdiction):
    data = public_form_data(client, jurisdiction["east"])
    assert client.post("/public/tipoffs/new/", data).status_code == 200
    assert client.post("/public/tipoffs/new/", data).status_code == 400
    assert Tipoff.objects.count() == 1


def test_required_fields_are_named(client, jurisdiction):
    r = submit_public(client, jurisdiction["east"], enterprise_name="", description="")
    page = r.content.decode()
    assert r.status_code == 400 and page.count("该字段是必填项") >= 2


def test_named_report_needs_a_name_and_a_contact(client, jurisdiction):
    r = submit_public(client, jurisdiction["east"], anonymous="0")
    assert r.status_code == 400 and "实名举报请填写姓名" in r.content.decode()
    r = submit_public(client, jurisdiction["east"], anonymous="0", name="张三")
    assert "至少留下电话或电子邮箱" in r.content.decode()
    r = submit_public(client, jurisdiction["east"], anonymous="0", name="张三", email="not-mail")
    assert "电子邮箱格式不正确" in r.content.decode()
    assert not Tipoff.objects.exists()


def test_attachments_are_accepted_by_their_real_type(client, jurisdiction):
    files = [pdf_upload(), png_upload(), png_upload("a.jpg", JPEG)]
    r = submit_public(client, jurisdiction["east"], attachments=files)
    assert r.status_code == 200, r.content.decode()
    rows = TipoffAttachment.objects.order_by("id")
    assert [(a.name, a.content_type) for a in rows] == [
        ("附件1.pdf", "application/pdf"),
        ("附件2.png", "image/png"),
        ("附件3.jpg", "image/jpeg"),
    ]


def _media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_whatever_its_name(
    client, jurisdiction, settings
):
    fake = png_upload("photo.png", b"MZ\x90\x00 this is an executable")
    r = submit_public(client, jurisdiction["east"], attachments=[pdf_upload(), fake])
    assert r.status_code == 400
    assert "第 2 个附件不是照片（JPEG、PNG）或 PDF 文件" in r.content.decode()
    assert not Tipoff.objects.exists() and not TipoffAttachment.objects.exists()
    assert _media_files(settings) == []


def test_size_and_count_limits_are_settings(client, jurisdiction, settings):
    settings.PHASEOUT_TIPOFF_MAX_FILE_BYTES = 1024
    settings.PHASEOUT_TIPOFF_MAX_FILES = 2
    big = png_upload("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048)
    r = submit_public(client, jurisdiction["east"], attachments=[big])
    assert r.status_code == 400 and "第 1 个附件超过 0.0009765625 MB" not in r.content.decode()
    assert "第 1 个附件超过" in r.content.decode()
    r = submit_public(
        client,
        jurisdiction["east"],
        attachments=[png_upload(), png_upload("b.png"), png_upload("c.png")],
    )
    assert r.status_code == 400 and "最多上传 2 个附件" in r.content.decode()
    assert not Tipoff.objects.exists() and _media_files(settings) == []


def test_an_oversized_body_is_refused_before_it_is_read(client, jurisdiction, settings):
    settings.PHASEOUT_TIPOFF_MAX_FILES = 1
    settings.PHASEOUT_TIPOFF_MAX_FILE_BYTES = 1024
    data = public_form_data(client, jurisdiction["east"])
    big = png_upload("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024))
    r = client.post("/public/tipoffs/new/", {**data, "attachments": [big]})
    assert r.status_code == 413 and "提交的内容过大" in r.content.decode()
    assert not Tipoff.objects.exists()


def test_submissions_are_rate_limited_per_address_with_a_429_page(client, jurisdiction, settings):
    settings.PHASEOUT_TIPOFF_SUBMIT_RATE = "2/h"
    for _ in range(2):
        assert submit_public(client, jurisdiction["east"]).status_code == 200
    r = submit_public(client, jurisdiction["east"])
    assert r.status_code == 429
    assert "操作过于频繁" in r.content.decode() and r["Retry-After"] == "3600"
    assert Tipoff.objects.count() == 2
    # Another address is not held back.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert submit_public(other, jurisdiction["east"]).status_code == 200


def test_status_lookups_are_rate_limited_page_and_api_alike(client, jurisdiction, settings):
    settings.PHASEOUT_TIPOFF_STATUS_RATE = "3/h"
    for _ in range(3):
        assert client.post("/public/tipoffs/status/", {"code": "x"}).status_code == 400
    assert client.post("/public/tipoffs/status/", {"code": "x"}).status_code == 429
    assert client.post("/api/public/tipoff-status/", {"code": "x"}).status_code == 429


def test_wrong_code_says_so_and_reveals_nothing(client, jurisdiction):
    receive(jurisdiction["east"])
    r = client.post("/public/tipoffs/status/", {"code": "2345-6789-ABCD-EFGH"})
    assert r.status_code == 400 and "查询码不正确" in r.content.decode()
    assert "城东水泥" not in r.content.decode()


def test_codes_are_sixteen_unambiguous_characters():
    codes = {services.new_tracking_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 16 and not set(code) & set("01ILO")


def test_markup_is_escaped_on_every_public_page(
    client, jurisdiction, county_officer, handler, env_department
):
    script = "<script>alert(1)</script>"
    r = submit_public(
        client,
        jurisdiction["east"],
        enterprise_name=f"{script}厂",
        enterprise_address=script,
        description=script,
    )
    assert r.status_code == 200
    code = tracking_code(r.content.decode())
    tipoff = Tipoff.objects.get()
    accept_and_assign(tipoff, triager=county_officer, department=env_department, handlers=[handler])
    services.set_verification(tipoff, by=handler, task=script)
    services.record_finding(tipoff, by=handler, substantiated=False, text=script)
    services.publish_outcome(tipoff, by=handler, summary=script, outcome=script)
    pages = [
        client.post("/public/tipoffs/status/", {"code": code}),
        client.get("/public/tipoffs/"),
        login(Client(), handler).get(f"/tipoffs/{tipoff.pk}/"),
        login(Client(), handler).get("/tipoffs/"),
    ]
    for page in pages:
        text = page.content.decode()
        assert script not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_rate_limit_cache_is_a_shared_database_table(settings):
    from django.core.cache import caches

    assert settings.RATELIMIT_USE_CACHE == "ratelimit"
    cache = caches["ratelimit"]
    assert cache.__class__.__name__ == "DatabaseCache"
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def _photo_with_metadata(kind: str) -> bytes:
    image = Image.new("RGB", (6, 4), "blue")
    exif = Image.Exif()
    exif[0x013B] = "Reporter ZQX7731"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to stand upright
    out = io.BytesIO()
    if kind == "PNG":
        info = PngInfo()
        info.add_text("Author", "Reporter ZQX7731")
        image.save(out, "PNG", pnginfo=info, exif=exif)
    else:
        image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_photos_are_stored_without_their_metadata_and_upright(client, jurisdiction, kind):
    photo = _photo_with_metadata(kind)
    assert b"ZQX7731" in photo or "ZQX7731".encode("utf-16-le") in photo or kind == "JPEG"
    r = submit_public(client, jurisdiction["east"], attachments=[png_upload("p.img", photo)])
    assert r.status_code == 200, r.content.decode()
    stored = TipoffAttachment.objects.get().file.read()
    assert b"ZQX7731" not in stored and b"Exif" not in stored and b"tEXt" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (4, 6)  # the orientation was applied before it was dropped
        assert not image.getexif()


def test_a_photo_that_does_not_decode_is_a_field_error(client, jurisdiction, settings):
    broken = png_upload("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    r = submit_public(client, jurisdiction["east"], attachments=[pdf_upload(), broken])
    assert r.status_code == 400
    assert "第 2 个附件无法作为图片打开" in r.content.decode()
    assert not Tipoff.objects.exists() and _media_files(settings) == []
