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
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.core.crypto import encrypt
from phaseout.core.errors import ProcedureError
from phaseout.disclosure import derive
from phaseout.disclosure.choices import (
    NUMBER_WORD,
    PUBLISHERS,
    REGISTRY_SECTIONS,
    DataErrorStatus,
    ListKind,
    RecordSection,
    SnapshotStatus,
)
from phaseout.disclosure.models import DataErrorReport, ListNumber, ListSnapshot, SnapshotEntry
from phaseout.disclosure.public import cache as page_cache
from phaseout.disclosure.workdays import working_days_after
from phaseout.enforcement.calendars import current_calendar
from phaseout.regions.choices import REGISTRY_KEEPERS, DepartmentKind, Role
from phaseout.regions.models import Department, Region
from phaseout.regions.scope import Scope
from phaseout.registry.models import Enterprise

DELISTING_WORKING_DAYS = 3


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


@transaction.atomic
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


@transaction.atomic
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


@transaction.atomic
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
    transaction.on_commit(page_cache.forget_generation)
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


# — 报告数据错误 (data-error reports on the public record) —

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
MESSAGE_MAX = 2000
RESPONSE_MAX = 2000


def new_reference() -> str:
    """A reference code nobody can guess (60 random bits): it is the sender's only key."""
    return "SJ" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(12))


def _registry_department(region: Region) -> Department | None:
    """The registry-keeping department of the region or, failing that, of the regions above it
    (工信/经信 first: the department that keeps the 台账)."""
    chain, seen = [], region
    while seen is not None and len(chain) < 6:
        chain.append(seen.pk)
        seen = seen.parent
    departments = list(
        Department.objects.filter(region_id__in=chain, kind__in=REGISTRY_KEEPERS).order_by("pk")
    )
    preference = [
        DepartmentKind.INDUSTRY_IT,
        *sorted(REGISTRY_KEEPERS - {DepartmentKind.INDUSTRY_IT}),
    ]
    departments.sort(key=lambda d: (chain.index(d.region_id), preference.index(d.kind), d.pk))
    return departments[0] if departments else None


def route_data_error(credit_code: str, section: str) -> tuple[Department, str]:
    """Who answers a report on this record, and the enterprise's name as the record shows it.

    Identity and lines come from the registry: the department keeping it in the enterprise's
    region. Everything else comes from the lists: the department that published the latest
    snapshot naming the enterprise."""
    latest = (
        SnapshotEntry.objects.filter(
            credit_code=credit_code, snapshot__status=SnapshotStatus.PUBLISHED
        )
        .select_related("snapshot__department")
        .order_by("-snapshot__published_at", "-snapshot_id")
        .first()
    )
    if latest is None:
        raise ValidationError({"credit_code": _("没有这家企业的已公布信息。")})
    name = latest.enterprise_name
    if section in REGISTRY_SECTIONS:
        enterprise = (
            Enterprise.objects.select_related("region").filter(credit_code=credit_code).first()
        )
        if enterprise is not None:
            name = enterprise.name
            department = _registry_department(enterprise.region)
            if department is not None:
                return department, name
    return latest.snapshot.department, name


@transaction.atomic
def report_data_error(
    *, credit_code: str, message: str, section: str = "", email: str = ""
) -> DataErrorReport:
    """报告数据错误：任何人，无须登录；按所涉部分转交承办部门，并向提交人确认。"""
    message = (message or "").strip()
    email = (email or "").strip()
    errors = {}
    if not message:
        errors["message"] = _("请说明哪里有误。")
    elif len(message) > MESSAGE_MAX:
        errors["message"] = _("错误说明不能超过 %(n)d 个字。") % {"n": MESSAGE_MAX}
    if section and section not in RecordSection.values:
        errors["section"] = _("请选择档案中的一个部分。")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("请填写有效的电子邮箱，或留空。")
    if errors:
        raise ValidationError(errors)
    department, name = route_data_error(credit_code, section)
    report = DataErrorReport.objects.create(
        reference=new_reference(),
        credit_code=credit_code,
        enterprise_name=name,
        section=section,
        message=message,
        email=encrypt(email),
        department=department,
    )
    if email:
        transaction.on_commit(lambda: _acknowledge(report.pk, email))
    return report


def _acknowledge(report_id: int, email: str) -> None:
    """The acknowledgement e-mail: the reference code and a fixed sentence, nothing else (not
    the sender's text: the form must not let anyone mail arbitrary words to any address)."""
    report = DataErrorReport.objects.get(pk=report_id)
    subject = _("数据错误报告已收到（%(ref)s）") % {"ref": report.reference}
    body = _(
        "您报告的数据错误已收到，我们将转交承办部门核实处理。\n查询码：%(ref)s\n"
        "请凭查询码在信息公开网站查看处理情况。"
    ) % {"ref": report.reference}
    send_mail(subject, body, None, [email], fail_silently=True)
    DataErrorReport.objects.filter(pk=report_id).update(acknowledged_at=timezone.now())


def handles_data_error(user, report: DataErrorReport) -> bool:
    """Officers and leaders of the department the report was routed to."""
    person = Scope.of(user).person if user is not None else None
    return (
        person is not None
        and person.role in (Role.OFFICER, Role.LEADER)
        and person.department_id == report.department_id
    )


@transaction.atomic
def respond_data_error(
    report: DataErrorReport, *, response: str, close: bool = False, by
) -> DataErrorReport:
    """答复（或答复并关闭）数据错误报告：承办部门的经办人员或领导。"""
    report = (
        DataErrorReport.objects.select_for_update().select_related("department").get(pk=report.pk)
    )
    if not handles_data_error(by, report):
        raise PermissionDenied(
            _("只有%(dept)s的人员可以答复这份报告。") % {"dept": report.department.name}
        )
    if report.status == DataErrorStatus.CLOSED:
        raise ProcedureError(_("这份报告已关闭。"))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("请填写答复。")})
    if len(response) > RESPONSE_MAX:
        raise ValidationError({"response": _("答复不能超过 %(n)d 个字。") % {"n": RESPONSE_MAX}})
    report.response = response
    report.status = DataErrorStatus.CLOSED if close else DataErrorStatus.ANSWERED
    report.responded_by = by
    report.responded_at = timezone.now()
    report.save(update_fields=["response", "status", "responded_by", "responded_at", "updated_at"])
    return report
