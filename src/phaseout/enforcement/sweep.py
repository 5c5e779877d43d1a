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
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
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
    """Move the overdue cases on and send the reminders due ``today``. The events and reminders
    it writes are in Chinese, the language of the record, whoever runs it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _sweep(today=today or timezone.localdate(), remind=remind)


def _sweep(*, today: datetime.date, remind: bool) -> SweepResult:
    result = SweepResult(today=today)
    # The candidates' ids in one read by the due index; then each batch re-read by its id range
    # (a keyset walk ordered by id made PostgreSQL scan the whole table in id order instead).
    ids = list(_candidates(today).order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        first, last = ids[start], ids[min(start + BATCH, len(ids)) - 1]
        with transaction.atomic():
            candidates = list(
                _candidates(today)
                .filter(id__gte=first, id__lte=last)
                .order_by("id")
                .values_list(
                    "id",
                    "version",
                    "state",
                    "chain_head",
                    "event_count",
                    "due_on",
                    "due_explanation",
                )
            )
            if not candidates:
                continue
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


def _candidates(today: datetime.date):
    return Case.objects.filter(due_on__lt=today).filter(_due_q())


def _due_q() -> Q:
    return Q(state=S.RECTIFYING) | Q(state__in=FLAGGED_STATES, overdue_since__isnull=True)


@dataclass(slots=True)
class _Event:
    """A DEADLINE event before it is written: the attributes ``chain.event_content`` reads, and
    the case version it was computed against. Lighter than a CaseEvent per case."""

    case_id: int
    version: int
    seq: int
    at: datetime.datetime
    actor_name: str
    from_state: str
    to_state: str
    summary: str
    payload: dict
    prev_hash: str
    kind: str = EventKind.DEADLINE.value
    actor_id: None = None
    hash: str = ""


def _apply(candidates: list[tuple], today: datetime.date) -> dict[int, str]:
    """One conditional UPDATE for the batch; events only for the rows it really changed."""
    now = timezone.now()
    system = _("系统")
    overdue_text = _("整改期限 %(due)s 届满，逾期未整改（%(how)s）")
    missed_text = _("退出（拆除）期限 %(due)s 届满，未按期完成")
    swept_on = today.isoformat()
    events = []
    for case_id, version, state, head, count, due_on, explanation in candidates:
        due = due_on.isoformat()
        if state == S.RECTIFYING:
            new_state = S.OVERDUE.value
            summary = overdue_text % {"due": due, "how": explanation}
        else:
            new_state = str(state)
            summary = missed_text % {"due": due}
        event = _Event(
            case_id=case_id,
            version=version,
            seq=count + 1,
            at=now,
            actor_name=system,
            from_state=str(state),
            to_state=new_state,
            summary=summary[:500],
            payload={"due_on": due, "swept_on": swept_on},
            prev_hash=head or GENESIS,
        )
        event.hash = event_hash(event)
        events.append(event)
    if connection.vendor == "postgresql":
        return _write_postgresql(events, today, now)
    return _write_values(events, today, now)


def _write_values(events: list[_Event], today, now) -> dict[int, str]:
    """Any database: the batch as a VALUES list joined to the table, then the events."""
    table = Case._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s)"] * len(events))
    params = [v for e in events for v in (e.case_id, e.version, e.to_state, e.hash)]
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
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_id=e.case_id,
                seq=e.seq,
                kind=e.kind,
                at=e.at,
                actor=None,
                actor_name=e.actor_name,
                from_state=e.from_state,
                to_state=e.to_state,
                summary=e.summary,
                payload=e.payload,
                prev_hash=e.prev_hash,
                hash=e.hash,
            )
            for e in events
            if e.case_id in changed
        ]
    )
    return changed


_BATCH_TABLE = "phaseout_sweep_batch"


def _write_postgresql(events: list[_Event], today, now) -> dict[int, str]:
    """PostgreSQL: the batch COPYed into a temporary table, then one statement that updates the
    cases whose version still matches and files the events of exactly those. Binding 20,000
    parameters per batch and Django's bulk INSERT cost more than the sweep's own work."""
    table = Case._meta.db_table
    event_table = CaseEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_BATCH_TABLE} (id bigint, old_version integer,"
            " new_state varchar(24), from_state varchar(24), seq integer, summary varchar(500),"
            " payload jsonb, prev_hash varchar(64), hash varchar(64)) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {_BATCH_TABLE}")
        with cursor.cursor.copy(f"COPY {_BATCH_TABLE} FROM STDIN") as copy:
            for e in events:
                copy.write_row(
                    (
                        e.case_id,
                        e.version,
                        e.to_state,
                        e.from_state,
                        e.seq,
                        e.summary,
                        json.dumps(e.payload, ensure_ascii=False),
                        e.prev_hash,
                        e.hash,
                    )
                )
        # Row counts for the planner: the join then probes the primary key per batch row.
        cursor.execute(f"ANALYZE {_BATCH_TABLE}")
        cursor.execute(
            f"WITH moved AS ("
            f" UPDATE {table} AS c SET state = b.new_state, overdue_since = %s,"
            f" version = c.version + 1, chain_head = b.hash, event_count = c.event_count + 1,"
            f" updated_at = %s"
            f" FROM {_BATCH_TABLE} AS b WHERE c.id = b.id AND c.version = b.old_version"
            # The batch's id range: without it the join walked the primary key from the first
            # case up to the batch's last, for every batch.
            f" AND c.id BETWEEN %s AND %s"
            f" RETURNING c.id, c.state"
            f"), filed AS ("
            f" INSERT INTO {event_table} (case_id, seq, kind, at, actor_id, actor_name,"
            f" from_state, to_state, summary, payload, prev_hash, hash)"
            f" SELECT b.id, b.seq, %s, %s, NULL, %s, b.from_state, b.new_state, b.summary,"
            f" b.payload, b.prev_hash, b.hash FROM {_BATCH_TABLE} AS b JOIN moved ON moved.id = b.id"
            f") SELECT id, state FROM moved",
            [
                today,
                now,
                min(e.case_id for e in events),
                max(e.case_id for e in events),
                EventKind.DEADLINE.value,
                now,
                events[0].actor_name,
            ],
        )
        return dict(cursor.fetchall())


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


def _awaiting_reminder(today: datetime.date):
    """Cases with a deadline in the next 30 days and at least one recipient who has not had the
    reminder of the threshold the deadline is at today. Asked in one query, so a day when every
    reminder is out already costs one query, not the loading of every case in the window."""
    horizon = today + datetime.timedelta(days=max(REMIND_DAYS))
    # The threshold a deadline is at today: 1 day or less, 7 days or less, else 30.
    threshold = models.Case(
        *(
            models.When(due_on__lte=today + datetime.timedelta(days=days), then=models.Value(days))
            for days in sorted(REMIND_DAYS)[:-1]
        ),
        default=models.Value(max(REMIND_DAYS)),
        output_field=models.PositiveSmallIntegerField(),
    )
    sent = Notification.objects.filter(
        user_id=OuterRef("user_id"),
        case_id=OuterRef(OuterRef("pk")),
        due_on=OuterRef(OuterRef("due_on")),
        days_before=OuterRef(OuterRef("threshold")),
    )
    people = Person.objects.filter(user__is_active=True).exclude(Exists(sent))
    officers = people.filter(role=Role.OFFICER, department_id=OuterRef("department_id"))
    enterprise = people.filter(role=Role.ENTERPRISE, enterprise_id=OuterRef("enterprise_id"))
    return (
        Case.objects.filter(due_on__gte=today, due_on__lte=horizon)
        .exclude(due_kind="")
        .annotate(threshold=threshold)
        .filter(Exists(officers) | Exists(enterprise))
    )


def send_reminders(*, today: datetime.date) -> tuple[int, int]:
    """In-app reminders (and e-mail when configured) 30, 7 and 1 days before a deadline; each
    (user, case, deadline, threshold) once."""
    ids = list(_awaiting_reminder(today).order_by("id").values_list("id", flat=True))
    qs = Case.objects.select_related("enterprise").order_by("id")
    created = emailed = 0
    email = getattr(settings, "PHASEOUT_REMINDER_EMAIL", False)
    for start in range(0, len(ids), BATCH):
        cases = list(qs.filter(id__in=ids[start : start + BATCH]))
        if not cases:
            continue
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
