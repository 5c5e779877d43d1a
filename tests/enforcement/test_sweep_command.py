"""phaseout sweep [--date] [--no-remind] [--json] [--schedule]."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from phaseout.enforcement.choices import CaseState
from phaseout.enforcement.models import Case, Notification

from .test_sweep import days, make_cases


def run(*args) -> str:
    out = io.StringIO()
    call_command("sweep", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cases(county_officer, enterprise_user, east_enterprise):
    return make_cases(
        county_officer,
        east_enterprise,
        [
            (CaseState.RECTIFYING, days(-2), None),
            (CaseState.EXIT_ORDERED, days(-1), None),
            (CaseState.RECTIFYING, days(7), None),
        ],
    )


def test_the_command_sweeps_and_says_what_it_did_in_chinese(cases):
    assert run().splitlines() == [
        "期限巡检 2026-03-02：1 件案件转为逾期未整改，1 件退出（拆除）期限届满未完成。",
        "期限提醒：2 条站内提醒，0 封邮件。",
    ]
    assert run().splitlines()[0] == (
        "期限巡检 2026-03-02：0 件案件转为逾期未整改，0 件退出（拆除）期限届满未完成。"
    )


def test_the_command_in_english(cases):
    with translation.override("en"):
        lines = run("--no-remind").splitlines()
    assert lines == [
        "Deadline sweep 2026-03-02: 1 case(s) now overdue, 1 exit or dismantling deadline(s) "
        "missed.",
        "No reminders sent (--no-remind).",
    ]


def test_json_and_date(cases):
    data = json.loads(run("--date", "2026-02-27", "--json"))
    assert data == {
        "today": "2026-02-27",
        "overdue": 0,
        "flagged": 0,
        "reminders": 6,  # all three deadlines within 30 days, two people each
        "emails": 0,
    }
    data = json.loads(run("--date", "2026-03-05", "--no-remind", "--json"))
    assert (data["overdue"], data["flagged"], data["reminders"]) == (1, 1, 0)
    assert Case.objects.filter(state=CaseState.OVERDUE).count() == 1


def test_no_remind_sends_none(cases):
    run("--no-remind")
    assert not Notification.objects.exists()


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday"])
def test_a_bad_date_names_the_option(db, value):
    with pytest.raises(CommandError, match="--date 应为日期"):
        run("--date", value)


def test_schedule_queues_the_daily_run_once(db):
    assert (
        run("--schedule").strip()
        == "已安排每日期限巡检，首次运行 2026-03-03 01:00，由 db_worker 执行。"
    )
    assert run("--schedule").strip() == "已有待运行的期限巡检任务（2026-03-03 01:00），未重复安排。"
    data = json.loads(run("--schedule", "--json"))
    assert data["created"] is False and data["run_after"] == "2026-03-03T01:00:00+08:00"
    assert DBTaskResult.objects.count() == 1
    # Scheduling sweeps nothing by itself.
    assert not Case.objects.exists()


def test_schedule_needs_a_backend_that_can_wait(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(CommandError, match="db_worker"):
        run("--schedule")
