"""The daily sweep as a background task: each run sweeps and queues the next at 01:00, and the
schedule never multiplies, however often it is started."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from phaseout.enforcement import tasks
from phaseout.enforcement.choices import CaseState
from phaseout.enforcement.models import Case

from .test_sweep import days, make_cases

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def local(day: str, time: str = "01:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}+08:00")


def waiting() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path="phaseout.enforcement.tasks.sweep_task", status=TaskResultStatus.READY
        )
    )


def run_like_the_worker(result: DBTaskResult):
    """What ``db_worker`` does with a task it takes: claim, call, record the return value."""
    result.claim("test-worker")
    value = result.task.call()
    result.set_successful(value)
    return value


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local("2026-03-02", "09:00"), local("2026-03-03")),
        (local("2026-03-02", "00:30"), local("2026-03-02")),  # a late run still sweeps today
        (local("2026-03-02", "01:00"), local("2026-03-03")),
        (local("2026-12-31", "23:59"), local("2027-01-01")),
    ],
)
def test_the_next_run_is_the_next_01_00_local_time(now, expected):
    assert tasks.next_run(now) == expected


def test_the_task_sweeps_and_queues_tomorrow_s_run(db, county_officer, east_enterprise):
    (case,) = make_cases(county_officer, east_enterprise, [(CaseState.RECTIFYING, days(-1), None)])

    value = tasks.sweep_task.call()  # the clock: 2026-03-02 17:00 in Shanghai

    assert value["overdue"] == 1 and value["today"] == "2026-03-02"
    assert Case.objects.get(pk=case.pk).state == CaseState.OVERDUE
    (queued,) = waiting()
    assert queued.run_after == local("2026-03-03")
    assert value["next_run"] == queued.run_after.isoformat()


def test_a_run_does_not_queue_another_when_one_is_waiting(db):
    tasks.sweep_task.call()
    tasks.sweep_task.call()
    first, created = tasks.schedule()
    assert not created and len(waiting()) == 1 and first.pk == waiting()[0].pk


def test_the_schedule_carries_itself_from_night_to_night(db, county_officer, east_enterprise):
    make_cases(
        county_officer,
        east_enterprise,
        [(CaseState.RECTIFYING, datetime.date(2026, 3, 3), None)],
    )
    queued, created = tasks.schedule()
    assert created
    for night in ("2026-03-03", "2026-03-04", "2026-03-05"):
        with time_machine.travel(local(night, "01:00:05"), tick=False):
            (ready,) = DBTaskResult.objects.ready()
            value = run_like_the_worker(ready)
        (queued,) = waiting()
        assert timezone.localtime(queued.run_after).date().isoformat() > night
        assert value["today"] == night
    # Due 2026-03-03: overdue from the sweep of 2026-03-04 on, moved once.
    assert Case.objects.get().state == CaseState.OVERDUE
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 3


def test_a_failed_sweep_still_queues_the_next(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks.sweep, "sweep", broken)
    with pytest.raises(RuntimeError):
        tasks.sweep_task.call()
    assert len(waiting()) == 1


def test_with_the_immediate_backend_the_task_runs_at_once_and_queues_nothing(
    settings, county_officer, east_enterprise
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    (case,) = make_cases(county_officer, east_enterprise, [(CaseState.RECTIFYING, days(-3), None)])

    result = tasks.sweep_task.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["overdue"] == 1 and result.return_value["next_run"] is None
    assert Case.objects.get(pk=case.pk).state == CaseState.OVERDUE
    assert tasks.schedule() == (None, False)
