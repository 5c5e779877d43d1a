"""Publishing the lists (名单公布): prepare → review → publish, by named officers.

30号文（二十一）, seed 000 row 16 and seed 003 三(四) give publication to the departments
(主管部门 … 定期公布), not to the government: so every step is an act of the department that
prepares the list (choices.PUBLISHERS names the kinds).

* prepare: an officer (经办人员) of a publishing department whose region contains the list's;
* review: another officer of the same department — never the one who prepared it;
* publish: an officer or leader of the same department, again not the preparer (two people
  see every list before it goes out; the reviewer may publish). Publication numbers the list
  (〔2026〕黄牌第3号, gap-free per region, list and year of publication), stamps it, freezes it,
  and records the delisting check.

Delisting (移出名单): the platform tracks that an enterprise leaving a list — rectified, or the
punishment lifted — disappears from the next published snapshot within 3 working days of the
event that took it off (issue 5; working days on the legal calendar).
"""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.core.errors import ProcedureError
from phaseout.disclosure import derive
from phaseout.disclosure.choices import NUMBER_WORD, PUBLISHERS, ListKind, SnapshotStatus
from phaseout.disclosure.models import ListNumber, ListSnapshot, SnapshotEntry
from phaseout.disclosure.workdays import working_days_after
from phaseout.enforcement.calendars import current_calendar
from phaseout.regions.choices import Role
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope

DELISTING_WORKING_DAYS = 3


def act(function):
    """One act, one transaction."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return function(*args, **kwargs)

    return wrapper


def _person(user):
    person = Scope.of(user).person if user is not None else None
    if person is None:
        raise PermissionDenied(_("名单须由公布部门的人员署名办理。"))
    return person


def require_publisher(user, *, kind: str, region: Region):
    """An officer of a department kind that publishes ``kind``, whose region contains
    ``region``."""
    person = _person(user)
    if person.role != Role.OFFICER or person.department is None:
        raise PermissionDenied(_("只有公布部门的经办人员可以编制名单。"))
    if person.department.kind not in PUBLISHERS[kind]:
        raise PermissionDenied(
            _("%(dept)s 不负责公布%(list)s（工信部联产业〔2017〕30号 二十一）。")
            % {"dept": person.department.name, "list": ListKind(kind).label}
        )
    if not person.region.contains(region):
        raise PermissionDenied(_("%(region)s 不在您的管辖范围内。") % {"region": region.name})
    return person


def _require_department_member(user, snapshot: ListSnapshot, roles) -> None:
    person = _person(user)
    if person.role not in roles or person.department_id != snapshot.department_id:
        raise PermissionDenied(
            _("只有%(dept)s的人员可以办理这份名单。") % {"dept": snapshot.department.name}
        )


def _lock(snapshot: ListSnapshot) -> ListSnapshot:
    return ListSnapshot.objects.select_for_update().select_related("department").get(pk=snapshot.pk)


@act
def prepare_list(
    kind: str, *, region: Region, cut_off: datetime.date, year: int | None = None, by
) -> ListSnapshot:
    """编制名单：按截止日期的案件状态生成草稿。"""
    if kind not in ListKind.values:
        raise ValidationError({"kind": _("不认识的名单“%(k)s”。") % {"k": kind}})
    person = require_publisher(by, kind=kind, region=region)
    if not isinstance(cut_off, datetime.date) or isinstance(cut_off, datetime.datetime):
        raise ValidationError({"cut_off": _("请填写截止日期。")})
    if cut_off > timezone.localdate():
        raise ValidationError({"cut_off": _("截止日期不能晚于今天。")})
    if kind == ListKind.ANNUAL_EXIT:
        if not isinstance(year, int) or year > cut_off.year:
            raise ValidationError({"year": _("年度退出名单须填写不晚于截止日期的年度。")})
    elif year is not None:
        raise ValidationError({"year": _("只有年度退出名单按年度编制。")})
    rows = derive.entries(kind, region=region, cut_off=cut_off, year=year)
    snapshot = ListSnapshot.objects.create(
        kind=kind,
        region=region,
        department=person.department,
        cut_off=cut_off,
        year=year,
        entry_count=len(rows),
        prepared_by=by,
        prepared_at=timezone.now(),
    )
    SnapshotEntry.objects.bulk_create(
        SnapshotEntry(snapshot=snapshot, position=i, **row.as_dict())
        for i, row in enumerate(rows, start=1)
    )
    return snapshot


@act
def review_list(snapshot: ListSnapshot, *, by) -> ListSnapshot:
    """审核名单：同一部门的另一名经办人员。"""
    snapshot = _lock(snapshot)
    _require_department_member(by, snapshot, {Role.OFFICER})
    if snapshot.status != SnapshotStatus.DRAFT:
        raise ProcedureError(
            _("只有草稿可以审核；这份名单%(s)s。") % {"s": snapshot.get_status_display()}
        )
    if snapshot.prepared_by_id == by.pk:
        raise PermissionDenied(_("编制人不能审核自己编制的名单。"))
    snapshot.status = SnapshotStatus.REVIEWED
    snapshot.reviewed_by = by
    snapshot.reviewed_at = timezone.now()
    snapshot.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return snapshot


def _next_number(snapshot: ListSnapshot, year: int) -> str:
    seq, _created = ListNumber.objects.select_for_update().get_or_create(
        region=snapshot.region, kind=snapshot.kind, year=year
    )
    ListNumber.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return f"〔{year}〕{NUMBER_WORD[snapshot.kind]}第{seq.last}号"


@act
def publish_list(snapshot: ListSnapshot, *, by) -> ListSnapshot:
    """公布名单：本部门的经办人员或领导（非编制人），编号、时间，此后不可更改。"""
    snapshot = _lock(snapshot)
    _require_department_member(by, snapshot, {Role.OFFICER, Role.LEADER})
    if snapshot.status != SnapshotStatus.REVIEWED:
        raise ProcedureError(
            _("名单须经审核后公布；这份名单%(s)s。") % {"s": snapshot.get_status_display()}
        )
    if snapshot.prepared_by_id == by.pk:
        raise PermissionDenied(_("编制人不能公布自己编制的名单。"))
    now = timezone.now()
    snapshot.published_at = now
    snapshot.published_by = by
    snapshot.number = _next_number(snapshot, timezone.localdate(now).year)
    removals = delistings(snapshot)
    snapshot.delistings = [
        {**r, "left_on": _iso(r["left_on"]), "due_by": _iso(r["due_by"])} for r in removals
    ]
    snapshot.late_removals = sum(1 for r in removals if r["on_time"] is False)
    snapshot.status = SnapshotStatus.PUBLISHED
    snapshot.save()
    return snapshot


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def previous_published(snapshot: ListSnapshot) -> ListSnapshot | None:
    """The last snapshot of the same list, region (and year) published before this one."""
    qs = ListSnapshot.objects.published().filter(
        kind=snapshot.kind, region=snapshot.region, year=snapshot.year
    )
    if snapshot.pk is not None:
        qs = qs.exclude(pk=snapshot.pk)
    if snapshot.published_at is not None:
        qs = qs.filter(published_at__lte=snapshot.published_at)
    return qs.order_by("-published_at", "-id").first()


def delistings(snapshot: ListSnapshot) -> list[dict]:
    """移出名单: the entries of the previous published snapshot that this one no longer has,
    with the day the case's event took each off the list, the day its removal had to be
    published by (3 working days later on the legal calendar) and whether this snapshot's
    publication (or, unpublished, today) was in time. ``on_time`` is None when no event of the
    case took it off (the entry left for another reason, e.g. the case left the region)."""
    previous = previous_published(snapshot)
    if previous is None:
        return []
    current = {entry.key for entry in snapshot.entries.all()}
    published_on = (
        timezone.localdate(snapshot.published_at) if snapshot.published_at else timezone.localdate()
    )
    calendar = current_calendar()
    result, seen = [], set()
    for entry in previous.entries.all():
        if entry.key in current or entry.key in seen:
            continue
        seen.add(entry.key)
        left = derive.left_on(
            snapshot.kind, entry.case_id, after=previous.cut_off, cut_off=snapshot.cut_off
        )
        due_by = working_days_after(left, DELISTING_WORKING_DAYS, calendar) if left else None
        result.append(
            {
                "enterprise_id": entry.enterprise_id,
                "enterprise_name": entry.enterprise_name,
                "credit_code": entry.credit_code,
                "case_id": entry.case_id,
                "case_number": entry.case_number,
                "line_code": entry.line_code,
                "previous": previous.number,
                "left_on": left,
                "due_by": due_by,
                "on_time": (published_on <= due_by) if due_by else None,
            }
        )
    return result
