"""Background tasks of the enforcement app (run by ``phaseout db_worker``).

The deadline sweep runs once a day at 01:00 local time: each run sweeps, then queues the next.
There is no separate scheduler; ``phaseout sweep --schedule`` queues the first run, and the
chain carries itself from there. A run queues its successor only when no sweep is already
waiting, so running the command again, or a second worker, never multiplies the schedule.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from phaseout.enforcement import sweep

RUN_AT = datetime.time(1, 0)  # 01:00 local time: after midnight, so "today" is the new day
# pg_advisory_xact_lock key: serialises "is a sweep queued? if not, queue one".
_SCHEDULE_LOCK = 0x5357_4545_5000  # "SWEEP"


@task
def sweep_task() -> dict:
    """期限巡检: move overdue cases on and send reminders, then queue tomorrow's run."""
    try:
        result = sweep.sweep()
    finally:
        # Queued even when the sweep failed: one bad night must not end the daily schedule.
        queued, _created = schedule()
    return {
        **result.as_dict(),
        "next_run": queued.run_after.isoformat() if queued and queued.run_after else None,
    }


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The first 01:00 local time after ``now``."""
    now = timezone.localtime(now)
    at = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    if at <= now:
        day = now.date() + datetime.timedelta(days=1)
        at = timezone.make_aware(datetime.datetime.combine(day, RUN_AT))
    return at


def queued_sweep():
    """The sweep task waiting to run (READY), if any: a DBTaskResult or None."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(task_path=sweep_task.module_path, status=TaskResultStatus.READY)
        .order_by("run_after")
        .first()
    )


def schedule(now: datetime.datetime | None = None):
    """Queue the next sweep at 01:00 unless one is already waiting. Returns the waiting task's
    result (``DBTaskResult``) and whether this call queued it; ``(None, False)`` when the task
    backend cannot defer (the immediate backend in tests would otherwise run it at once, and
    that run would schedule the next, without end)."""
    if not sweep_task.get_backend().supports_defer:
        return None, False
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCHEDULE_LOCK])
        waiting = queued_sweep()
        if waiting is not None:
            return waiting, False
        sweep_task.using(run_after=next_run(now)).enqueue()
        return queued_sweep(), True
