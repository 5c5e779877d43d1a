"""The enforcement pages in English (Accept-Language: en): the labels come from the English
catalogue, while the data (names, facts, the legal references) stays as it was entered."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import login

from .pages import detail

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_case_page_in_english(client, county_officer, rectifying):
    page = login(client, county_officer).get(detail(rectifying), **EN).text
    assert '<html lang="en"' in page
    for label in (
        "Rectification in progress",  # the state
        "Handling department",
        "Rectification deadline",
        "Enforcement documents",
        "Case file",
        "Take action",
        "Record re-inspection result",  # an act's form
        "Re-inspection date",
    ):
        assert label in page, label
    for label in ("限期整改中", "承办部门", "执法文书", "办理", "登记复查结果", "复查日期"):
        assert label not in page, label
    # Data stays as entered.
    assert "城东水泥有限公司" in page
    assert "工信部联产业〔2017〕30号（四）" in page


def test_the_work_queue_in_english(client, county_officer, rectifying):
    page = login(client, county_officer).get(reverse("enforcement:queue"), **EN).text
    assert '<html lang="en"' in page
    for label in (
        "Work queue",
        "Awaiting my action",
        "Case number",
        "Next step",
        "Unread reminders",
    ):
        assert label in page, label
    for label in ("工作台", "待我办理", "案件编号", "未读提醒"):
        assert label not in page, label
    assert rectifying.number in page


def test_the_default_language_is_still_chinese(client, county_officer, rectifying):
    page = login(client, county_officer).get(detail(rectifying)).text
    assert "限期整改中" in page and "执法文书" in page
    assert "Rectification in progress" not in page


def test_the_record_is_chinese_whatever_the_officer_s_language(energy_case, county_officer):
    """Documents and the case file are the administrative record: always in Chinese. A refusal
    is in the person's language."""
    import datetime

    from django.utils import translation

    from phaseout.core.errors import ProcedureError
    from phaseout.enforcement import services

    with translation.override("en"):
        try:
            services.decide_extension(energy_case, by=county_officer, grant=True, reason="x")
        except ProcedureError as exc:
            refusal = str(exc)
        case = services.serve_order(
            energy_case, by=county_officer, served_on=datetime.date(2026, 3, 1)
        )
        assert translation.get_language() == "en"
    assert "cannot" in refusal.lower() or "not" in refusal.lower()
    document = case.documents.get()
    assert document.title == "限期整改通知书"
    assert "限期整改" in document.context["order"]
    assert "下达限期整改通知书" in case.events.order_by("seq").last().summary
