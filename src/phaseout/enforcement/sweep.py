"""The deadline sweep (期限巡检): overdue cases moved on, reminders sent. Safe to run any number of
times, and by two workers at once.

Like Healthchecks' ``sendalerts``: the candidates are read from the indexed ``due_on`` column, and
each change is a conditional update (``… WHERE id = ? AND version = ?``) done for a whole batch in
one statement, so a case another worker (or an officer) changed meanwhile is left alone, and only
the cases this run really changed get their event appended to the chain.

* 整改中 with its period ended (``due_on`` < today): → 逾期未整改. The department then orders the exit
  or requests approval (30号文 四、六: 逾期未整改的，依法关停退出).
* 责令关停退出 / 封存待拆除 with the exit or dismantling period ended: flagged ``overdue_since``
  (未按期完成退出: feeds joint punishment, 30号文 十七), an event, no change of state.
* Reminders 30, 7 and 1 days before any deadline to the case's officers and the enterprise.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.enforcement.chain import GENESIS, event_hash
from phaseout.enforcement.choices import CaseState, DueKind, EventKind
from phaseout.enforcement.models import Case, CaseEvent, Notification
from phaseout.regions.choices import Role
from phaseout.regions.models import Person

BATCH = 5000
REMIND_DAYS = (1, 7, 30)
S = CaseState
FLAGGED_STATES = (S.EXIT_ORDERED, S.SEALED)


@dataclass
class SweepResult:
    today: datetime.date
    overdue: int = 0
    flagged: int = 0
    reminders: int = 0
    emails: int = 0
    cases: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "overdue": self.overdue,
            "flagged": self.flagged,
            "reminders": self.reminders,
            "emails": self.emails,
        }


def sweep(*, today: datetime.date | None = None, remind: bool = True) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult(today=today)
    last_id = 0
    while True:
        with transaction.atomic():
            candidates = list(
                Case.objects.filter(due_on__lt=today, id__gt=last_id)
                .filter(_due_q())
                .order_by("id")
                .values_list(
                    "id",
                    "version",
                    "state",
                    "chain_head",
                    "event_count",
                    "due_on",
                    "due_explanation",
                )[:BATCH]
            )
            if not candidates:
                break
            last_id = candidates[-1][0]
            changed = _apply(candidates, today)
            for state in changed.values():
                if state == S.OVERDUE:
                    result.overdue += 1
                else:
                    result.flagged += 1
            result.cases.extend(changed)
    if remind:
        result.reminders, result.emails = send_reminders(today=today)
    return result


def _due_q() -> Q:
    return Q(state=S.RECTIFYING) | Q(state__in=FLAGGED_STATES, overdue_since__isnull=True)


def _apply(candidates: list[tuple], today: datetime.date) -> dict[int, str]:
    """One conditional UPDATE for the batch; events only for the rows it really changed."""
    now = timezone.now()
    rows = []
    events = {}
    for case_id, version, state, head, count, due_on, explanation in candidates:
        new_state = S.OVERDUE if state == S.RECTIFYING else state
        if new_state == S.OVERDUE:
            summary = _("整改期限 %(due)s 届满，逾期未整改（%(how)s）") % {
                "due": due_on.isoformat(),
                "how": explanation,
            }
        else:
            summary = _("退出（拆除）期限 %(due)s 届满，未按期完成") % {"due": due_on.isoformat()}
        event = CaseEvent(
            case_id=case_id,
            seq=count + 1,
            kind=EventKind.DEADLINE,
            at=now,
            actor=None,
            actor_name=_("系统"),
            from_state=state,
            to_state=new_state,
            summary=summary[:500],
            payload={"due_on": due_on.isoformat(), "swept_on": today.isoformat()},
            prev_hash=head or GENESIS,
        )
        event.hash = event_hash(event)
        events[case_id] = event
        rows.append((case_id, version, new_state, event.hash))
    table = Case._meta.db_table
    row = "(%s, %s, %s, %s)"
    if connection.vendor == "postgresql":
        row = "(%s::bigint, %s::integer, %s::varchar, %s::varchar)"  # VALUES params are untyped
    placeholders = ", ".join([row] * len(rows))
    params = [value for row in rows for value in row]
    sql = (
        f"WITH v(id, old_version, new_state, head) AS (VALUES {placeholders}) "
        f"UPDATE {table} SET state = v.new_state, overdue_since = %s, "
        f"version = {table}.version + 1, chain_head = v.head, "
        f"event_count = {table}.event_count + 1, updated_at = %s "
        f"FROM v WHERE {table}.id = v.id AND {table}.version = v.old_version "
        f"RETURNING {table}.id, {table}.state"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, today, now])
        changed = dict(cursor.fetchall())
    CaseEvent.objects.bulk_create([events[i] for i in changed])
    return changed


def _recipients(cases: list[Case]) -> dict[int, list]:
    departments = {c.department_id for c in cases}
    enterprises = {c.enterprise_id for c in cases}
    people = Person.objects.filter(
        role=Role.OFFICER, department_id__in=departments
    ) | Person.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=enterprises)
    by_department, by_enterprise = {}, {}
    for person in people.select_related("user"):
        if not person.user.is_active:
            continue
        if person.role == Role.OFFICER:
            by_department.setdefault(person.department_id, []).append(person.user)
        else:
            by_enterprise.setdefault(person.enterprise_id, []).append(person.user)
    return {
        c.pk: by_department.get(c.department_id, []) + by_enterprise.get(c.enterprise_id, [])
        for c in cases
    }


def send_reminders(*, today: datetime.date) -> tuple[int, int]:
    """In-app reminders (and e-mail when configured) 30, 7 and 1 days before a deadline; each
    (user, case, deadline, threshold) once."""
    horizon = today + datetime.timedelta(days=max(REMIND_DAYS))
    qs = (
        Case.objects.filter(due_on__gte=today, due_on__lte=horizon)
        .exclude(due_kind="")
        .select_related("enterprise")
        .order_by("id")
    )
    created = emailed = 0
    last_id = 0
    email = getattr(settings, "PHASEOUT_REMINDER_EMAIL", False)
    while True:
        cases = list(qs.filter(id__gt=last_id)[:BATCH])
        if not cases:
            break
        last_id = cases[-1].pk
        recipients = _recipients(cases)
        wanted = []
        for case in cases:
            left = (case.due_on - today).days
            threshold = min(d for d in REMIND_DAYS if left <= d)
            message = _(
                "%(number)s %(enterprise)s：%(kind)s %(due)s 届满（还有%(left)d天）。%(how)s"
            ) % {
                "number": case.number,
                "enterprise": case.enterprise.name,
                "kind": DueKind(case.due_kind).label,
                "due": case.due_on.isoformat(),
                "left": left,
                "how": case.due_explanation,
            }
            for user in recipients[case.pk]:
                wanted.append(
                    Notification(
                        user=user,
                        case=case,
                        due_on=case.due_on,
                        days_before=threshold,
                        message=message[:500],
                    )
                )
        existing = set(
            Notification.objects.filter(case_id__in=[c.pk for c in cases]).values_list(
                "user_id", "case_id", "due_on", "days_before"
            )
        )
        new = [n for n in wanted if (n.user_id, n.case_id, n.due_on, n.days_before) not in existing]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
        if email:
            for n in new:
                if n.user.email:
                    send_mail(
                        _("[落后产能退出] 期限提醒"),
                        n.message,
                        None,
                        [n.user.email],
                        fail_silently=True,
                    )
                    emailed += 1
    return created, emailed
