"""Enforcement operations (依法处置): the only code that writes cases and their files.

One function per act a person performs. Each runs in one transaction: the permission check
first, then the procedure's conditions (each refusal says why), the transition, the change written
with ``UPDATE … WHERE version = seen`` (two officers acting at once: one wins, the other gets
``CaseChanged``), the documents, and the event appended to the hash chain last.

The procedures (工信部联产业〔2017〕30号 四至九; DESIGN.md "The legal procedures"):

* ENERGY: 限期整改通知 → 6个月 → one extension ≤ 3 months applied for before the deadline →
  re-inspection: compliant (closed) / not, or overdue → 关停退出.
* ENVIRONMENT: 限制生产 / 停产整治 → re-inspection → compliant, or, 情节严重, 报经有批准权的人民政府
  批准 → 责令停业、关闭.
* QUALITY: 责令停产整改 → 6个月 → compliant, or 报经批准 → 关停退出, production licence cancelled.
* SAFETY: 立即停产停业整顿 → re-inspection → 恢复生产, or 关闭 with the licences revoked.
* TECHNOLOGY: 立即拆除, or 断水断电、拆除动力装置、封存、公开承诺、公告 and 限时拆除.
* EXIT: measures → 验收 → capacity counted in the year → 回头看.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import mimetypes
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from phaseout.core.errors import ProcedureError
from phaseout.enforcement import procedures
from phaseout.enforcement.calendars import current_calendar
from phaseout.enforcement.chain import GENESIS, event_hash
from phaseout.enforcement.choices import (
    OPEN_STATES,
    CaseState,
    DocumentKind,
    DueKind,
    EventKind,
    EvidenceKind,
    ExitKind,
    MeasureKind,
    OrderKind,
)
from phaseout.enforcement.deadlines import Deadline
from phaseout.enforcement.deadlines import due_date as _due_date
from phaseout.enforcement.filenames import safe_name
from phaseout.enforcement.models import (
    Case,
    CaseEvent,
    Document,
    Evidence,
    Measure,
    NumberSequence,
    ProcedureOverride,
)
from phaseout.regions.choices import DepartmentKind, Role
from phaseout.regions.models import Department, Region
from phaseout.regions.scope import Scope
from phaseout.registry.choices import EnterpriseStatus, LicenseKind, LicenseStatus, LineStatus
from phaseout.registry.models import Enterprise, License, ProductionLine
from phaseout.screening.choices import Dimension

S = CaseState


class CaseChanged(ProcedureError):
    """Someone else changed the case since it was read: reload and try again (HTTP 409)."""

    def __init__(self, case=None):
        super().__init__(_("案件已被他人更新，请刷新后重新操作；您填写的内容未丢失。"))
        self.case = case


DIMENSION_CODES = {
    Dimension.ENERGY: "NH",
    Dimension.ENVIRONMENT: "HB",
    Dimension.QUALITY: "ZL",
    Dimension.SAFETY: "AQ",
    Dimension.TECHNOLOGY: "JS",
}
DEPARTMENT_SHORT = {
    DepartmentKind.INDUSTRY_IT: "工信",
    DepartmentKind.DEVELOPMENT_REFORM: "发改",
    DepartmentKind.ECOLOGY_ENVIRONMENT: "环",
    DepartmentKind.MARKET_REGULATION: "市监",
    DepartmentKind.EMERGENCY_MANAGEMENT: "应急",
    DepartmentKind.ENERGY: "能源",
}
DOCUMENT_WORD = {
    DocumentKind.RECTIFICATION_NOTICE: "整改",
    DocumentKind.SUSPENSION_ORDER: "停改",
    DocumentKind.EXTENSION_DECISION: "延期",
    DocumentKind.APPROVAL_REQUEST: "请",
    DocumentKind.CLOSURE_DECISION: "关停",
    DocumentKind.ANNOUNCEMENT: "公告",
}
# Who executes a measure: the utility cuts power and water; the licensing department revokes or
# cancels its licence; the case's own department the rest. The enterprise signs its commitment.
MEASURE_EXECUTORS = {
    MeasureKind.POWER_CUT: {DepartmentKind.POWER_SUPPLIER},
    MeasureKind.WATER_CUT: {DepartmentKind.WATER_SUPPLIER},
}
LICENSE_ISSUERS = {
    LicenseKind.PRODUCTION: {DepartmentKind.MARKET_REGULATION},
    LicenseKind.SAFETY: {DepartmentKind.EMERGENCY_MANAGEMENT, DepartmentKind.ENERGY},
    LicenseKind.DISCHARGE: {DepartmentKind.ECOLOGY_ENVIRONMENT},
}
# What a measure in force does to the line it is on, and which statuses it forbids.
LINE_STATUS_OF = {
    MeasureKind.RESTRICTION: LineStatus.RESTRICTED,
    MeasureKind.SUSPENSION: LineStatus.SUSPENDED,
    MeasureKind.SEALED: LineStatus.SEALED,
    MeasureKind.DISMANTLED: LineStatus.DISMANTLED,
}
BLOCKS_OPERATING = frozenset(
    {
        MeasureKind.RESTRICTION,
        MeasureKind.SUSPENSION,
        MeasureKind.SEALED,
        MeasureKind.DISMANTLED,
        MeasureKind.POWER_CUT,
        MeasureKind.POWER_DEVICES_REMOVED,
    }
)
LICENSE_STATUS_OF = {
    MeasureKind.LICENSE_REVOKED: LicenseStatus.REVOKED,
    MeasureKind.LICENSE_CANCELLED: LicenseStatus.CANCELLED,
}
REMEDY = gettext_lazy(
    "如不服本决定，可在收到本文书之日起六十日内向%(gov)s申请行政复议，也可在六个月内依法向人民法院提起行政诉讼。"
)
ALLOWED_UPLOADS = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff_upload(upload) -> str | None:
    """The upload's real type by its first bytes (one of ALLOWED_UPLOADS), whatever its name or
    declared type says; None when it is none of them. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next(
        (t for t, magics in ALLOWED_UPLOADS.items() if any(head.startswith(m) for m in magics)),
        None,
    )


# — the language of the record —


def act(function):
    """One act: one transaction, and the person's language restored afterwards.

    What an act writes into the case file (event summaries, documents, deadline explanations) is
    the administrative record and is written in Chinese whatever language the person uses; the
    refusals before it (permission, inputs, procedure) are in the person's language. So the
    record helpers switch to Chinese once the checks have passed (``_record_language``), and
    this wrapper switches back."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        language = translation.get_language()
        try:
            with transaction.atomic():
                return function(*args, **kwargs)
        finally:
            if language:
                translation.activate(language)
            else:
                translation.deactivate()

    return wrapper


def _record_language() -> None:
    translation.activate(settings.LANGUAGE_CODE)


# — who may act —


def _person(user):
    scope = Scope.of(user)
    return scope, scope.person


def require_case_officer(user, *, dimension: str, region: Region) -> Scope:
    """An officer of a department kind that owns the dimension, whose region contains ``region``.
    ``user`` None is the system (the sweep) or an operator at the command line."""
    if user is None:
        return Scope(user=None, person=None, everything=True)
    scope, person = _person(user)
    if scope.everything:
        return scope
    owners = procedures.params(dimension)["responsible"]
    if person is None or person.role != Role.OFFICER or person.department is None:
        raise PermissionDenied(_("只有主管部门的经办人员可以办理案件。"))
    if person.department.kind not in owners:
        raise PermissionDenied(
            _("%(dept)s 不负责%(dim)s方面的处置（%(ref)s）。")
            % {
                "dept": person.department.name,
                "dim": Dimension(dimension).label,
                "ref": procedures.params(dimension)["reference"].split("：")[0],
            }
        )
    if not person.region.contains(region):
        raise PermissionDenied(_("%(region)s 不在您的管辖范围内。") % {"region": region.name})
    return scope


def require_enterprise_or_officer(user, case: Case) -> Scope:
    scope, person = _person(user)
    if person is not None and person.role == Role.ENTERPRISE:
        if person.enterprise_id != case.enterprise_id:
            raise PermissionDenied(_("这不是您企业的案件。"))
        return scope
    return require_case_officer(user, dimension=case.dimension, region=case.region)


def cases_visible_to(user):
    """Cases in the person's scope: officers, leaders and auditors their region subtree, an
    enterprise user their own enterprise's cases."""
    return Scope.of(user).filter(
        Case.objects.all(), region_field="region", enterprise_field="enterprise_id"
    )


# — the mechanics: numbers, events, conditional writes —


def next_number(scope: str, kind: str, year: int) -> int:
    """The next of a gap-free sequence (文号, case numbers, tip-off numbers), under FOR UPDATE."""
    seq, _created = NumberSequence.objects.select_for_update().get_or_create(
        scope=scope, kind=kind, year=year
    )
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return seq.last


def _actor_name(user) -> str:
    if user is None:
        return _("系统")
    return user.get_full_name() or user.get_username()


def _event(case: Case, *, kind, by, summary: str, payload=None, from_state="", to_state=""):
    """A new event appended to ``case``'s chain (in memory; saved by ``_write``)."""
    event = CaseEvent(
        case=case,
        seq=case.event_count + 1,
        kind=kind,
        at=timezone.now(),
        actor=by,
        actor_name=_actor_name(by),
        from_state=from_state,
        to_state=to_state,
        summary=summary[:500],
        payload=payload or {},
        prev_hash=case.chain_head or GENESIS,
    )
    event.hash = event_hash(event)
    case.chain_head = event.hash
    case.event_count = event.seq
    return event


CASE_FIELDS = [
    f.attname
    for f in Case._meta.concrete_fields
    if f.attname not in {"id", "version", "opened_at", "number", "opened_by_id"}
]


def _write(case: Case, seen_version: int, events: list[CaseEvent]) -> Case:
    """Store ``case`` if nobody changed it since ``seen_version``, then its new events."""
    case.updated_at = timezone.now()
    changed = Case.objects.filter(pk=case.pk, version=seen_version).update(
        version=seen_version + 1, **{f: getattr(case, f) for f in CASE_FIELDS}
    )
    if changed != 1:
        raise CaseChanged(case)
    case.version = seen_version + 1
    try:
        with transaction.atomic():
            CaseEvent.objects.bulk_create(events)
    except IntegrityError:
        raise CaseChanged(case) from None
    return case


def _load(case: Case | int, version: int | None) -> tuple[Case, int]:
    """The case as stored now, and the version the acting person saw (their form's or now)."""
    pk = case.pk if isinstance(case, Case) else case
    # The row lock makes a second act on the same case wait for the first to commit, so it is
    # refused before it renders or stores any file; the conditional UPDATE in _write stays the
    # guarantee.
    fresh = (
        Case.objects.select_for_update(of=("self",))
        .select_related("enterprise", "line", "region", "department")
        .get(pk=pk)
    )
    if version is not None and version != fresh.version:
        raise CaseChanged(fresh)
    return fresh, fresh.version


# The act each transition performs, as said in a refusal ("案件当前为“已立案”，不能决定延期。").
ACT_NAMES = {
    "serve_order": gettext_lazy("下达整改（停产）决定"),
    "request_extension": gettext_lazy("申请延期"),
    "decide_extension": gettext_lazy("决定延期"),
    "find_compliant": gettext_lazy("复查结案"),
    "find_noncompliant": gettext_lazy("登记复查结果"),
    "mark_overdue": gettext_lazy("认定逾期"),
    "request_approval": gettext_lazy("报请政府批准"),
    "approve": gettext_lazy("批准"),
    "refuse": gettext_lazy("不予批准"),
    "order_exit": gettext_lazy("责令关停退出"),
    "confirm_sealed": gettext_lazy("确认封存"),
    "accept_exit": gettext_lazy("验收"),
    "find_restarted": gettext_lazy("登记回头看"),
    "withdraw": gettext_lazy("撤销立案"),
}


def _move(case: Case, name: str) -> tuple[str, str]:
    """Apply transition ``name`` or say, in words, why the procedure does not allow it now."""
    before = case.state
    try:
        getattr(case, name)()
    except TransitionNotAllowed:
        raise ProcedureError(
            _("案件当前为“%(state)s”，不能%(act)s。")
            % {"state": CaseState(before).label, "act": ACT_NAMES[name]}
        ) from None
    _record_language()
    return before, case.state


def _set_deadline(case: Case, deadline: Deadline | None, kind: str) -> None:
    if deadline is None:
        case.due_on, case.due_kind, case.due_explanation, case.due_provisional = None, "", "", False
        return
    case.due_on = deadline.due
    case.due_kind = kind
    case.due_explanation = deadline.explanation[:300]
    case.due_provisional = deadline.provisional
    case.overdue_since = None


def _deadline_payload(deadline: Deadline | None) -> dict | None:
    return deadline.as_dict() if deadline else None


def due_date(served: datetime.date, months: int) -> Deadline:
    """The legal deadline on the official calendar, with any administrator-loaded year."""
    return _due_date(served, months, calendar=current_calendar())


def _today() -> datetime.date:
    return timezone.localdate()


def _require_reason(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("请填写%(what)s。") % {"what": what}})
    return value


# No act of this platform's procedures predates the 2017 guiding opinion by much; a date before
# this is a typing error (0001-01-01 would make every deadline long past).
EARLIEST_DATE = datetime.date(2010, 1, 1)


def _require_date(value, field: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("请填写日期。")})
    if value > _today():
        raise ValidationError({field: _("日期不能晚于今天。")})
    if value < EARLIEST_DATE:
        raise ValidationError(
            {field: _("日期不能早于 %(day)s。") % {"day": EARLIEST_DATE.isoformat()}}
        )
    return value


# — documents —


def _document_context(case: Case, kind: str, *, issued_on, order: str, deadline=None, **extra):
    _record_language()
    enterprise = case.enterprise
    line = case.line
    ctx = {
        "kind": kind,
        "title": DocumentKind(kind).label,
        "authority": case.department.name,
        "issued_on": issued_on,
        "enterprise": {
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "legal_representative": enterprise.legal_representative,
            "address": enterprise.address,
        },
        "line": (
            {
                "code": line.code,
                "name": line.name,
                "equipment": line.get_equipment_type_display(),
                "capacity": f"{line.capacity.normalize():f} {line.get_capacity_unit_display()}",
            }
            if line
            else None
        ),
        "facts": [f for f in case.facts.splitlines() if f.strip()],
        "evidence": [],
        "basis": [procedures.params(case.dimension, case.region)["reference"]],
        "order": order,
        "deadline": (
            {
                "due": deadline.due,
                "explanation": deadline.explanation,
                "provisional": deadline.provisional,
            }
            if deadline
            else None
        ),
        "remedy": REMEDY % {"gov": f"{case.region.name}人民政府"},
        "consequence": "",
        "contact": "",
    }
    ctx.update(extra)
    return ctx


def _jsonable(value):
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _issue_document(case: Case, kind: str, *, by, context: dict) -> Document:
    """Number, render and file a document; the caller puts it in the event's payload."""
    _record_language()
    from phaseout.enforcement import pdf

    year = context["issued_on"].year
    short = DEPARTMENT_SHORT.get(case.department.kind, case.department.name[:2])
    n = next_number(f"dept{case.department_id}", kind, year)
    number = f"{case.region.name}{short}{DOCUMENT_WORD[kind]}〔{year}〕{n}号"
    context = {**context, "number": number}
    try:
        content = pdf.render_pdf(f"enforcement/documents/{kind}.html", context)
    except pdf.DocumentError as exc:  # a character no embedded font has, say: never a blank box
        raise ValidationError({"document": str(exc)}) from None
    sha = hashlib.sha256(content).hexdigest()
    document = Document(
        case=case,
        kind=kind,
        number=number,
        title=context["title"],
        issued_on=context["issued_on"],
        sha256=sha,
        context=_jsonable(context),
        issued_by=by,
    )
    document.file.save(f"{number}.pdf", ContentFile(content), save=False)
    document.save()
    return document


def _file_ref(row) -> dict:
    return {"name": getattr(row, "number", None) or row.name, "sha256": row.sha256}


# — opening —


def _subject_key(enterprise: Enterprise, line: ProductionLine | None) -> str:
    return f"l{line.pk}" if line else f"e{enterprise.pk}"


def _responsible_department(user, dimension: str, region: Region) -> Department:
    scope = Scope.of(user) if user is not None else None
    if scope and scope.person and scope.person.department:
        return scope.person.department
    owners = procedures.params(dimension)["responsible"]
    code = region.code
    from phaseout.regions.models import parent_code

    while code:
        dept = Department.objects.filter(region__code=code, kind__in=owners).order_by("id").first()
        if dept:
            return dept
        code = parent_code(code)
    raise ValidationError(
        {"department": _("%(region)s 没有负责该维度的部门。") % {"region": region.name}}
    )


@act
def open_case(
    *,
    by,
    dimension: str,
    enterprise: Enterprise,
    line: ProductionLine | None = None,
    findings: Iterable = (),
    facts: str = "",
) -> Case:
    """立案: one case for an enterprise (or line) in one dimension, from findings or a tip-off."""
    if line is not None and line.enterprise_id != enterprise.pk:
        raise ValidationError({"line": _("生产线不属于该企业。")})
    if dimension not in Dimension.values:
        raise ValidationError({"dimension": _("不认识的维度“%(d)s”。") % {"d": dimension}})
    require_case_officer(by, dimension=dimension, region=enterprise.region)
    findings = list(findings)
    for finding in findings:
        if finding.enterprise_id != enterprise.pk or finding.dimension != dimension:
            raise ValidationError({"findings": _("所选发现与企业或维度不符。")})
    if not facts.strip():
        facts = "\n".join(
            f"{f.description}（{f.reference}）"
            + (f"：{f.value:g} {f.unit}" if f.value is not None else "")
            for f in findings
        )
    _require_reason(facts, "facts", _("不达标事实"))
    key = _subject_key(enterprise, line)
    if Case.objects.filter(subject_key=key, dimension=dimension, state__in=OPEN_STATES).exists():
        raise ProcedureError(_("该企业（生产线）在这一维度已有未结案件。"))
    department = _responsible_department(by, dimension, enterprise.region)
    year = _today().year
    n = next_number(enterprise.region.code, f"case-{dimension}", year)
    case = Case(
        number=f"{year}-{enterprise.region.code}-{DIMENSION_CODES[dimension]}-{n:04d}",
        dimension=dimension,
        enterprise=enterprise,
        line=line,
        subject_key=key,
        region=enterprise.region,
        department=department,
        facts=facts.strip(),
        opened_by=by,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ProcedureError(_("该企业（生产线）在这一维度已有未结案件。")) from None
    case.findings.set(findings)
    _record_language()
    event = _event(
        case,
        kind=EventKind.OPENED,
        by=by,
        summary=_("立案：%(subject)s，%(dim)s")
        % {"subject": case.subject_label, "dim": case.get_dimension_display()},
        payload={
            "findings": [f.pk for f in findings],
            "facts": case.facts,
            "rules": [f.rule_id for f in findings],
        },
        to_state=case.state,
    )
    return _write(case, case.version, [event])


# — the first order —

ORDER_DOCUMENT = {
    OrderKind.RECTIFY: DocumentKind.RECTIFICATION_NOTICE,
    OrderKind.RESTRICT: DocumentKind.SUSPENSION_ORDER,
    OrderKind.SUSPEND_REMEDY: DocumentKind.SUSPENSION_ORDER,
    OrderKind.SUSPEND_RECTIFY: DocumentKind.SUSPENSION_ORDER,
    OrderKind.SUSPEND_OPERATIONS: DocumentKind.SUSPENSION_ORDER,
}
ORDER_MEASURE = {
    OrderKind.RESTRICT: MeasureKind.RESTRICTION,
    OrderKind.SUSPEND_REMEDY: MeasureKind.SUSPENSION,
    OrderKind.SUSPEND_RECTIFY: MeasureKind.SUSPENSION,
    OrderKind.SUSPEND_OPERATIONS: MeasureKind.SUSPENSION,
}


@act
def serve_order(
    case: Case | int,
    *,
    by,
    served_on: datetime.date,
    order_kind: str | None = None,
    months: int | None = None,
    version: int | None = None,
) -> Case:
    """下达限期整改通知书（能耗）/ 限制生产、停产整治决定（环保）/ 停产整改（质量）/
    停产停业整顿（安全），送达之日起算期限。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    if case.dimension == Dimension.TECHNOLOGY:
        raise ProcedureError(_("淘汰类装备不下达整改通知，应责令拆除（30号文（八））。"))
    p = procedures.params(case.dimension, case.region)
    order_kind = order_kind or p["order"]
    if order_kind not in p["orders"]:
        raise ValidationError(
            {
                "order_kind": _("%(dim)s方面的处置措施应为：%(allowed)s。")
                % {
                    "dim": case.get_dimension_display(),
                    "allowed": "、".join(str(OrderKind(o).label) for o in p["orders"]),
                }
            }
        )
    served_on = _require_date(served_on, "served_on")
    if months is None:
        months = p["rectify_months"]
    elif (
        p["rectify_months"] is not None
        and case.dimension in (Dimension.ENERGY, Dimension.QUALITY)
        and months != p["rectify_months"]
    ):
        raise ValidationError(
            {
                "months": _("整改期限为%(m)d个月（%(ref)s）。")
                % {"m": p["rectify_months"], "ref": p.reference_for("rectify_months")}
            }
        )
    if months is not None and p["max_rectify_months"] and months > p["max_rectify_months"]:
        raise ValidationError(
            {"months": _("期限一般不超过%(m)d个月。") % {"m": p["max_rectify_months"]}}
        )
    before, after = _move(case, "serve_order")
    deadline = due_date(served_on, months) if months else None
    case.order_kind = order_kind
    case.served_on = served_on
    case.period_months = months or 0
    case.period_days = 0
    _set_deadline(case, deadline, DueKind.RECTIFICATION)
    kind = ORDER_DOCUMENT[order_kind]
    order_text = _("%(order)s。整改完成后向我单位申请复查。") % {
        "order": OrderKind(order_kind).label
    }
    if deadline is None:
        order_text = _("立即%(order)s，经复查具备安全生产条件后方可恢复生产。") % {
            "order": OrderKind(order_kind).label
        }
    document = _issue_document(
        case,
        kind,
        by=by,
        context=_document_context(
            case,
            kind,
            issued_on=served_on,
            order=order_text,
            deadline=deadline,
            consequence=_("逾期未整改或经整改仍未达标的，依法关停退出。"),
        ),
    )
    events = []
    measure_kind = ORDER_MEASURE.get(order_kind)
    if measure_kind:
        events.append(
            _measure_event(case, _place_measure(case, measure_kind, by=by, on=served_on), by)
        )
    events.insert(
        0,
        _event(
            case,
            kind=EventKind.TRANSITION,
            by=by,
            summary=_("下达%(doc)s %(number)s") % {"doc": document.title, "number": document.number}
            + (f"；{deadline.explanation}" if deadline else ""),
            payload={
                "order_kind": order_kind,
                "served_on": served_on.isoformat(),
                "months": months,
                "deadline": _deadline_payload(deadline),
                "document": document.number,
                "files": [_file_ref(document)],
            },
            from_state=before,
            to_state=after,
        ),
    )
    # Events were built in order of creation; re-chain them in the order they are filed.
    return _write(case, seen, _rechain(case, events))


def _rechain(case: Case, events: list[CaseEvent]) -> list[CaseEvent]:
    """Give ``events`` consecutive numbers and links in list order, after the stored head
    (an act builds its events in the order it creates them, and files them in another)."""
    if not events:
        return events
    first = min(events, key=lambda e: e.seq)
    prev, start = first.prev_hash, first.seq
    for offset, event in enumerate(events):
        event.seq = start + offset
        event.prev_hash = prev
        event.hash = event_hash(event)
        prev = event.hash
    case.chain_head = prev
    case.event_count = events[-1].seq
    return events


# — extension (能耗 only) —


@act
def request_extension(
    case: Case | int,
    *,
    by,
    months: int,
    reason: str,
    version: int | None = None,
) -> Case:
    """企业申请延期：一次，整改期限届满前，不超过3个月（30号文（四））。"""
    case, seen = _load(case, version)
    require_enterprise_or_officer(by, case)
    p = procedures.params(case.dimension, case.region)
    max_months = p["extension_max_months"] or 0
    if max_months == 0:
        raise ProcedureError(
            _("%(dim)s方面的处置不适用延期（%(ref)s）。")
            % {"dim": case.get_dimension_display(), "ref": p.reference_for("extension_max_months")}
        )
    if case.extension_requested_on is not None:
        raise ProcedureError(
            _("已于 %(day)s 申请过延期；延期只能申请一次（%(ref)s）。")
            % {
                "day": case.extension_requested_on.isoformat(),
                "ref": p.reference_for("extension_max_months"),
            }
        )
    today = _today()
    if case.state == S.RECTIFYING and case.due_on and today > case.due_on:
        raise ProcedureError(
            _("整改期限已于 %(day)s 届满，延期须在期限届满前申请。")
            % {"day": case.due_on.isoformat()}
        )
    if not isinstance(months, int) or not 1 <= months <= max_months:
        raise ValidationError(
            {
                "months": _("延期不超过%(m)d个月（%(ref)s）。")
                % {"m": max_months, "ref": p.reference_for("extension_max_months")}
            }
        )
    reason = _require_reason(reason, "reason", _("延期理由"))
    before, after = _move(case, "request_extension")
    case.extension_requested_on = today
    case.extension_months_requested = months
    case.extension_reason = reason
    case.due_kind = DueKind.EXTENSION_DECISION
    event = _event(
        case,
        kind=EventKind.TRANSITION,
        by=by,
        summary=_("申请延期%(m)d个月：%(reason)s") % {"m": months, "reason": reason},
        payload={"months": months, "reason": reason, "applied_on": today.isoformat()},
        from_state=before,
        to_state=after,
    )
    return _write(case, seen, [event])


@act
def decide_extension(
    case: Case | int,
    *,
    by,
    grant: bool,
    reason: str,
    months: int | None = None,
    decided_on: datetime.date | None = None,
    version: int | None = None,
) -> Case:
    """准予或不予延期，说明理由；准予的，新期限自原期限届满之日起算。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    reason = _require_reason(reason, "reason", _("决定理由"))
    decided_on = _require_date(decided_on or _today(), "decided_on")
    before, after = _move(case, "decide_extension")
    case.extension_decided = True
    deadline = None
    if grant:
        months = months or case.extension_months_requested
        if not isinstance(months, int) or not 1 <= months <= (case.extension_months_requested or 0):
            raise ValidationError(
                {
                    "months": _("准予延期不超过申请的%(m)d个月。")
                    % {"m": case.extension_months_requested}
                }
            )
        case.extension_granted_months = months
        # The extension continues the period: it runs from the day the original period ended.
        deadline = due_date(case.due_on, months)
        deadline = Deadline(
            **{
                **deadline.__dict__,
                "explanation": _("原期限 %(old)s 届满，延期%(m)d个月：%(how)s")
                % {"old": case.due_on.isoformat(), "m": months, "how": deadline.explanation},
            }
        )
        _set_deadline(case, deadline, DueKind.RECTIFICATION)
        case.period_months += months
    else:
        case.extension_granted_months = 0
        case.due_kind = DueKind.RECTIFICATION
    document = _issue_document(
        case,
        DocumentKind.EXTENSION_DECISION,
        by=by,
        context=_document_context(
            case,
            DocumentKind.EXTENSION_DECISION,
            issued_on=decided_on,
            order=(
                _("准予延期%(m)d个月。") % {"m": months}
                if grant
                else _("不予延期，仍按原期限 %(day)s 完成整改。") % {"day": case.due_on.isoformat()}
            ),
            deadline=deadline,
            decision="granted" if grant else "refused",
            reasons=reason,
        ),
    )
    event = _event(
        case,
        kind=EventKind.TRANSITION,
        by=by,
        summary=(
            _("准予延期%(m)d个月，%(how)s") % {"m": months, "how": deadline.explanation}
            if grant
            else _("不予延期：%(reason)s") % {"reason": reason}
        ),
        payload={
            "grant": grant,
            "months": months if grant else 0,
            "reason": reason,
            "deadline": _deadline_payload(deadline),
            "document": document.number,
            "files": [_file_ref(document)],
        },
        from_state=before,
        to_state=after,
    )
    return _write(case, seen, [event])


# — re-inspection —


@act
def record_reinspection(
    case: Case | int,
    *,
    by,
    inspected_on: datetime.date,
    compliant: bool,
    notes: str,
    serious: bool = False,
    version: int | None = None,
) -> Case:
    """复查：达标的结案（安全：恢复生产），不达标的记录在案，由主管部门依法关停退出或报请批准。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    inspected_on = _require_date(inspected_on, "inspected_on")
    notes = _require_reason(notes, "notes", _("复查情况"))
    events = []
    if compliant:
        before, after = _move(case, "find_compliant")
        _set_deadline(case, None, "")
        case.closed_at = timezone.now()
        case.outcome = notes
        for measure in case.measures.filter(
            lifted_on__isnull=True, kind__in=[MeasureKind.RESTRICTION, MeasureKind.SUSPENSION]
        ):
            events.append(_lift(measure, by=by, on=inspected_on, reason=_("复查达标，恢复生产。")))
        summary = _("复查达标，结案：%(notes)s") % {"notes": notes}
    else:
        before, after = _move(case, "find_noncompliant")
        case.reinspection_failed = True
        case.serious = case.serious or serious
        summary = _("复查仍不达标：%(notes)s") % {"notes": notes}
    events.insert(
        0,
        _event(
            case,
            kind=EventKind.TRANSITION,
            by=by,
            summary=summary,
            payload={
                "inspected_on": inspected_on.isoformat(),
                "compliant": compliant,
                "notes": notes,
                "serious": serious,
            },
            from_state=before,
            to_state=after,
        ),
    )
    return _write(case, seen, _rechain(case, events))


def _may_escalate(case: Case) -> None:
    """Exit or a request for approval needs a failed re-inspection or a passed deadline."""
    if case.state == S.OPENED:
        return
    if not (case.reinspection_failed or case.state == S.OVERDUE):
        raise ProcedureError(
            _("整改期限（%(due)s）未届满且未经复查不达标，不能关停退出。")
            % {"due": case.due_on.isoformat() if case.due_on else _("无")}
        )


@act
def request_approval(
    case: Case | int,
    *,
    by,
    government: Region | None = None,
    reason: str,
    serious: bool | None = None,
    version: int | None = None,
) -> Case:
    """报请有批准权的人民政府批准关停退出（环保：情节严重的，责令停业、关闭；质量）。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    p = procedures.params(case.dimension, case.region)
    if not p["approval"]:
        raise ProcedureError(
            _("%(dim)s方面的关停退出由主管部门依法决定，不需报请批准（%(ref)s）。")
            % {"dim": case.get_dimension_display(), "ref": p.reference_for("approval")}
        )
    if serious is not None:
        case.serious = serious
    if p.get("approval_only_if_serious") and not case.serious:
        raise ProcedureError(
            _("只有情节严重的，才报经有批准权的人民政府批准责令停业、关闭（%(ref)s）。")
            % {"ref": p["reference"]}
        )
    if case.state != S.OPENED:
        _may_escalate(case)
    reason = _require_reason(reason, "reason", _("报请理由"))
    government = government or case.region
    if not government.contains(case.region):
        raise ValidationError({"government": _("批准机关应为企业所在地或其上级人民政府。")})
    before, after = _move(case, "request_approval")
    case.approval_region = government
    # The rectification period is over or has failed: what is pending now is the government's
    # decision, which has no statutory period here.
    _set_deadline(case, None, "")
    document = _issue_document(
        case,
        DocumentKind.APPROVAL_REQUEST,
        by=by,
        context=_document_context(
            case,
            DocumentKind.APPROVAL_REQUEST,
            issued_on=_today(),
            order=_("提请批准对该企业依法关停退出（责令停业、关闭）。"),
            addressee=f"{government.name}人民政府",
            reasons=reason,
        ),
    )
    event = _event(
        case,
        kind=EventKind.TRANSITION,
        by=by,
        summary=_("报请%(gov)s人民政府批准：%(reason)s")
        % {"gov": government.name, "reason": reason},
        payload={
            "government": government.code,
            "reason": reason,
            "serious": case.serious,
            "document": document.number,
            "files": [_file_ref(document)],
        },
        from_state=before,
        to_state=after,
    )
    return _write(case, seen, [event])


def require_approver(user, case: Case) -> Scope:
    """A leader of the government with approval authority (its region or above)."""
    scope, person = _person(user)
    if scope.everything:
        return scope
    if person is None or person.role != Role.LEADER:
        raise PermissionDenied(_("只有有批准权的人民政府领导可以审批。"))
    if case.approval_region is None or not person.region.contains(case.approval_region):
        raise PermissionDenied(
            _("该请示报送%(gov)s人民政府，不在您的审批范围内。")
            % {"gov": case.approval_region.name if case.approval_region else "?"}
        )
    return scope


@act
def decide_approval(
    case: Case | int,
    *,
    by,
    approve: bool,
    reason: str,
    exit_kind: str = ExitKind.CLOSE,
    months: int | None = None,
    version: int | None = None,
) -> Case:
    """人民政府批准（主管部门随即责令关停退出）或不予批准（回到整改监管）。"""
    case, seen = _load(case, version)
    if case.state != S.APPROVAL_REQUESTED:
        raise ProcedureError(
            _("案件当前为“%(state)s”，没有待审批的请示。") % {"state": case.get_state_display()}
        )
    require_approver(by, case)
    reason = _require_reason(reason, "reason", _("审批意见"))
    if not approve:
        before, after = _move(case, "refuse")
        event = _event(
            case,
            kind=EventKind.TRANSITION,
            by=by,
            summary=_("不予批准：%(reason)s") % {"reason": reason},
            payload={"approve": False, "reason": reason},
            from_state=before,
            to_state=after,
        )
        return _write(case, seen, [event])
    before, after = _move(case, "approve")
    events = _exit_order(
        case, by=by, exit_kind=exit_kind, months=months, reason=reason, approved=True
    )
    events.insert(
        0,
        _event(
            case,
            kind=EventKind.TRANSITION,
            by=by,
            summary=_("批准关停退出：%(reason)s") % {"reason": reason},
            payload={"approve": True, "reason": reason, "exit_kind": exit_kind},
            from_state=before,
            to_state=after,
        ),
    )
    return _write(case, seen, _rechain(case, events))


def _exit_order(
    case: Case, *, by, exit_kind: str, months: int | None, reason: str, approved: bool
) -> list:
    """The closure decision, its deadline, and the licences the law withdraws."""
    _record_language()
    if exit_kind not in ExitKind.values:
        raise ValidationError({"exit_kind": _("不认识的退出方式。")})
    if exit_kind == ExitKind.LINES and case.line is None:
        raise ValidationError({"exit_kind": _("本案针对整个企业，不能只淘汰生产线。")})
    case.exit_kind = exit_kind
    p = procedures.params(case.dimension, case.region)
    today = _today()
    if months is not None and not (isinstance(months, int) and 1 <= months <= 24):
        raise ValidationError({"months": _("退出期限应为1至24个月。")})
    deadline = due_date(today, months) if months else None
    _set_deadline(case, deadline, DueKind.EXIT if deadline else "")
    case.served_on = today
    case.period_months = months or 0
    events = []
    licence_measures = []
    for kind, measure_kind in (
        ("revoke_licenses", MeasureKind.LICENSE_REVOKED),
        ("cancel_licenses", MeasureKind.LICENSE_CANCELLED),
    ):
        for licence in case.enterprise.licenses.filter(
            kind__in=p.get(kind) or [], status__in=[LicenseStatus.VALID, LicenseStatus.SUSPENDED]
        ):
            measure = _place_measure(
                case, measure_kind, by=by, on=today, license=licence, check_executor=False
            )
            licence_measures.append(measure)
            events.append(_measure_event(case, measure, by))
    document = _issue_document(
        case,
        DocumentKind.CLOSURE_DECISION,
        by=by,
        context=_document_context(
            case,
            DocumentKind.CLOSURE_DECISION,
            issued_on=today,
            order=_("依法%(kind)s。") % {"kind": ExitKind(exit_kind).label}
            + (
                _("经%(gov)s人民政府批准。") % {"gov": case.approval_region.name}
                if approved
                else ""
            ),
            deadline=deadline,
            reasons=reason,
            measures=[
                str(m) + (f" {m.license.number}" if m.license_id else "") for m in licence_measures
            ],
        ),
    )
    events.insert(
        0,
        _event(
            case,
            kind=EventKind.DOCUMENT,
            by=by,
            summary=_("制发%(doc)s %(number)s") % {"doc": document.title, "number": document.number}
            + (f"；{deadline.explanation}" if deadline else ""),
            payload={
                "document": document.number,
                "deadline": _deadline_payload(deadline),
                "files": [_file_ref(document)],
            },
        ),
    )
    return events


@act
def order_exit(
    case: Case | int,
    *,
    by,
    reason: str,
    exit_kind: str | None = None,
    months: int | None = None,
    immediate: bool = True,
    version: int | None = None,
) -> Case:
    """依法关停退出（能耗：逾期或经整改仍未达标）/ 予以关闭、吊销证照（安全）/ 责令拆除淘汰类装备
    （技术：具备拆除条件的立即拆除；暂不具备的断水断电、封存并限时拆除）。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    p = procedures.params(case.dimension, case.region)
    reason = _require_reason(reason, "reason", _("决定理由"))
    if p["approval"]:
        raise ProcedureError(
            _("%(dim)s方面的关停退出须报经有批准权的人民政府批准（%(ref)s）。")
            % {"dim": case.get_dimension_display(), "ref": p.reference_for("approval")}
        )
    if case.dimension == Dimension.TECHNOLOGY:
        if case.state != S.OPENED:
            raise ProcedureError(_("淘汰类装备案件已下达拆除决定。"))
        exit_kind = exit_kind or (ExitKind.LINES if case.line_id else ExitKind.SHUTDOWN)
        if months is None:
            months = p["dismantle_months"]
    else:
        if case.state == S.OPENED:
            raise ProcedureError(_("尚未下达整改（停产整顿）决定，不能直接关停退出。"))
        _may_escalate(case)
        exit_kind = exit_kind or (
            ExitKind.CLOSE if case.dimension == Dimension.SAFETY else ExitKind.SHUTDOWN
        )
    before, after = _move(case, "order_exit")
    events = _exit_order(
        case, by=by, exit_kind=exit_kind, months=months, reason=reason, approved=False
    )
    if case.dimension == Dimension.TECHNOLOGY and case.due_on:
        case.due_kind = DueKind.DISMANTLING
    events.insert(
        0,
        _event(
            case,
            kind=EventKind.TRANSITION,
            by=by,
            summary=_("责令%(kind)s：%(reason)s")
            % {"kind": ExitKind(exit_kind).label, "reason": reason},
            payload={"exit_kind": exit_kind, "reason": reason, "immediate": immediate},
            from_state=before,
            to_state=after,
        ),
    )
    return _write(case, seen, _rechain(case, events))


# — measures —


def _executor_for(user, case: Case | None, kind: str, license_: License | None):
    """The department that may execute ``kind``; PermissionDenied saying who may."""
    scope, person = _person(user) if user is not None else (None, None)
    if user is None or (scope and scope.everything):
        return None
    if person is None or person.department is None or person.role != Role.OFFICER:
        raise PermissionDenied(_("只有执行单位的经办人员可以登记措施。"))
    if kind in MEASURE_EXECUTORS:
        allowed = MEASURE_EXECUTORS[kind]
    elif kind in LICENSE_STATUS_OF:
        allowed = LICENSE_ISSUERS[license_.kind]
    else:
        allowed = set(procedures.params(case.dimension)["responsible"]) if case else set()
    if person.department.kind not in allowed:
        raise PermissionDenied(
            _("“%(kind)s”由%(who)s登记。")
            % {
                "kind": MeasureKind(kind).label,
                "who": "、".join(str(DepartmentKind(k).label) for k in sorted(allowed)),
            }
        )
    region = case.region if case else None
    if region is not None and not person.region.contains(region):
        raise PermissionDenied(_("%(region)s 不在您的管辖范围内。") % {"region": region.name})
    return person.department


def _place_measure(
    case, kind, *, by, on, license=None, evidence=None, note="", check_executor=False
):
    _record_language()
    executor = _executor_for(by, case, kind, license) if check_executor else None
    if executor is None and by is not None:
        executor = getattr(Scope.of(by).person, "department", None)
    measure = Measure.objects.create(
        enterprise=case.enterprise,
        line=case.line,
        license=license,
        case=case,
        kind=kind,
        executed_on=on,
        executor=executor,
        executor_name=executor.name
        if executor
        else (case.enterprise.name if kind == MeasureKind.COMMITMENT else _("系统")),
        recorded_by=by or case.opened_by,
        evidence=evidence,
        note=note,
    )
    _apply_status(measure)
    return measure


# How far a line is from producing: a measure only ever moves a line further along (a company-wide
# suspension leaves a sealed line sealed).
LINE_SEVERITY = {
    LineStatus.OPERATING: 0,
    LineStatus.RESTRICTED: 1,
    LineStatus.SUSPENDED: 2,
    LineStatus.SEALED: 3,
    LineStatus.DISMANTLED: 4,
    LineStatus.EXITED: 5,
}


def _apply_status(measure: Measure) -> None:
    """Lines and licences change status only through measures (and their lifting)."""
    status = LINE_STATUS_OF.get(measure.kind)
    if status:
        lines = [measure.line] if measure.line_id else list(measure.enterprise.lines.all())
        for line in lines:
            if LINE_SEVERITY.get(line.status, 0) < LINE_SEVERITY[status]:
                line.status = status
                line.save(update_fields=["status", "updated_at"])
        if not measure.line_id:
            enterprise_status = {
                LineStatus.RESTRICTED: EnterpriseStatus.RESTRICTED,
                LineStatus.SUSPENDED: EnterpriseStatus.SUSPENDED,
            }.get(status, EnterpriseStatus.CLOSED)
            Enterprise.objects.filter(pk=measure.enterprise_id).update(status=enterprise_status)
    licence_status = LICENSE_STATUS_OF.get(measure.kind)
    if licence_status and measure.license_id:
        measure.license.status = licence_status
        measure.license.save(update_fields=["status", "updated_at"])


def _measure_event(case: Case, measure: Measure, by) -> CaseEvent:
    _record_language()
    payload = {
        "measure": measure.pk,
        "kind": measure.kind,
        "executed_on": measure.executed_on.isoformat(),
        "executor": measure.executor_name,
        "line": measure.line_id,
        "license": measure.license.number if measure.license_id else None,
        "note": measure.note,
    }
    if measure.evidence_id:
        payload["files"] = [_file_ref(measure.evidence)]
    return _event(
        case,
        kind=EventKind.MEASURE,
        by=by,
        summary=_("%(kind)s（%(who)s，%(day)s）")
        % {
            "kind": measure.get_kind_display(),
            "who": measure.executor_name,
            "day": measure.executed_on.isoformat(),
        },
        payload=payload,
    )


def _lift(measure: Measure, *, by, on, reason) -> CaseEvent:
    _record_language()
    measure.lifted_on = on
    measure.lifted_by = by or measure.recorded_by
    measure.lift_reason = reason
    Measure.objects.filter(pk=measure.pk).update(
        lifted_on=on, lifted_by=measure.lifted_by, lift_reason=reason
    )
    if measure.kind in LINE_STATUS_OF:
        lines = [measure.line] if measure.line_id else list(measure.enterprise.lines.all())
        for line in lines:
            if line.status == LINE_STATUS_OF[measure.kind] and not blocking_measures(line).exists():
                line.status = LineStatus.OPERATING
                line.save(update_fields=["status", "updated_at"])
        if not measure.line_id:
            Enterprise.objects.filter(pk=measure.enterprise_id).update(
                status=EnterpriseStatus.OPERATING
            )
    return _event(
        measure.case,
        kind=EventKind.MEASURE_LIFTED,
        by=by,
        summary=_("解除%(kind)s：%(reason)s")
        % {"kind": measure.get_kind_display(), "reason": reason},
        payload={
            "measure": measure.pk,
            "kind": measure.kind,
            "lifted_on": on.isoformat(),
            "reason": reason,
        },
    )


def blocking_measures(line: ProductionLine):
    """Measures in force that forbid setting ``line`` back to operating."""
    return Measure.objects.filter(
        enterprise_id=line.enterprise_id, lifted_on__isnull=True, kind__in=BLOCKS_OPERATING
    ).filter(Q(line=line) | Q(line__isnull=True, license__isnull=True))


def check_line_status(line: ProductionLine, status: str) -> None:
    """Called by the registry before it changes a line's status: while a measure is in force on
    the line (封存, 拆除, 停产, 限产, 断电 …), its status changes only through the measures
    themselves and their lifting, never by editing the ledger."""
    old = ProductionLine.objects.filter(pk=line.pk).values_list("status", flat=True).first()
    if old is None or old == status:
        return
    blocking = list(blocking_measures(line).select_related("case"))
    if blocking:
        raise ValidationError(
            {
                "status": _("该生产线有未解除的措施（%(m)s），状态须通过依法解除措施才能改变。")
                % {
                    "m": "、".join(
                        f"{m.get_kind_display()} {m.case.number if m.case_id else ''}".strip()
                        for m in blocking
                    )
                }
            }
        )


def check_license_status(license_: License, status: str) -> None:
    """Called by the registry: a revoked or cancelled licence stays so until the act is lifted."""
    old = License.objects.filter(pk=license_.pk).values_list("status", flat=True).first()
    if old is None or old == status:
        return
    if Measure.objects.filter(
        license=license_, lifted_on__isnull=True, kind__in=list(LICENSE_STATUS_OF)
    ).exists():
        raise ValidationError({"status": _("该证照已被依法吊销或注销，须先依法解除该措施。")})


@act
def record_measure(
    case: Case | int,
    *,
    by,
    kind: str,
    executed_on: datetime.date,
    note: str = "",
    license: License | None = None,
    upload=None,
    version: int | None = None,
) -> Measure:
    """登记退出措施：断电（供电企业）、断水（供水企业）、拆除动力装置、封存主体设备、拆除、公告、
    吊销/注销证照（发证部门）。"""
    case, seen = _load(case, version)
    if kind not in MeasureKind.values or kind == MeasureKind.COMMITMENT:
        raise ValidationError({"kind": _("不认识的措施；企业的公开承诺由企业签署。")})
    if kind in LICENSE_STATUS_OF:
        if license is None or license.enterprise_id != case.enterprise_id:
            raise ValidationError({"license": _("请选择本企业的证照。")})
    elif license is not None:
        raise ValidationError({"license": _("只有吊销、注销证照的措施才选择证照。")})
    executed_on = _require_date(executed_on, "executed_on")
    if case.state not in (
        S.OPENED,
        S.EXIT_ORDERED,
        S.SEALED,
        S.RECTIFYING,
        S.OVERDUE,
        S.APPROVAL_REQUESTED,
    ):
        raise ProcedureError(
            _("案件当前为“%(state)s”，不能登记措施。") % {"state": case.get_state_display()}
        )
    if kind == MeasureKind.DISMANTLED and case.state not in (S.EXIT_ORDERED, S.SEALED):
        raise ProcedureError(_("拆除须在责令关停退出（拆除）之后登记。"))
    executor = _executor_for(by, case, kind, license)
    events = []
    evidence = None
    if upload is not None:
        evidence = _store_evidence(case, upload, by=by, kind=EvidenceKind.MEASURE, description=note)
    if kind == MeasureKind.DISMANTLED and evidence is None:
        raise ValidationError({"file": _("拆除须附现场拆除见证材料（照片或文件）。")})
    measure = Measure.objects.create(
        enterprise=case.enterprise,
        line=case.line,
        license=license,
        case=case,
        kind=kind,
        executed_on=executed_on,
        executor=executor,
        executor_name=executor.name if executor else _("系统管理员"),
        recorded_by=by,
        evidence=evidence,
        note=note,
    )
    _apply_status(measure)
    events.append(_measure_event(case, measure, by))
    _write(case, seen, events)
    return measure


@act
def lift_measure(
    measure: Measure,
    *,
    by,
    reason: str,
    lifted_on: datetime.date | None = None,
    version: int | None = None,
) -> Measure:
    """解除措施（须说明理由）：措施从不删除，只依法解除。"""
    measure = Measure.objects.select_related("case", "line", "license", "enterprise").get(
        pk=measure.pk
    )
    if measure.lifted_on is not None:
        raise ProcedureError(
            _("该措施已于 %(day)s 解除。") % {"day": measure.lifted_on.isoformat()}
        )
    case, seen = _load(measure.case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    reason = _require_reason(reason, "reason", _("解除理由"))
    if case.state == S.EXITED and measure.kind in (
        MeasureKind.SEALED,
        MeasureKind.DISMANTLED,
        MeasureKind.LICENSE_REVOKED,
    ):
        raise ProcedureError(_("产能已验收退出，不能解除该措施。"))
    measure.case = case
    event = _lift(
        measure, by=by, on=_require_date(lifted_on or _today(), "lifted_on"), reason=reason
    )
    _write(case, seen, [event])
    return measure


@act
def sign_commitment(case: Case | int, *, by, text: str, version: int | None = None) -> Measure:
    """企业向社会公开承诺不再恢复生产（30号文（八））。"""
    case, seen = _load(case, version)
    scope, person = _person(by)
    if (
        person is None
        or person.role != Role.ENTERPRISE
        or person.enterprise_id != case.enterprise_id
    ):
        raise PermissionDenied(_("公开承诺由本企业用户签署。"))
    if case.state not in (S.EXIT_ORDERED, S.SEALED):
        raise ProcedureError(_("责令关停退出（拆除）之后才签署公开承诺。"))
    text = _require_reason(text, "text", _("承诺内容"))
    measure = Measure.objects.create(
        enterprise=case.enterprise,
        line=case.line,
        case=case,
        kind=MeasureKind.COMMITMENT,
        executed_on=_today(),
        executor=None,
        executor_name=case.enterprise.name,
        recorded_by=by,
        note=text[:500],
    )
    _write(case, seen, [_measure_event(case, measure, by)])
    return measure


def _measures_in_force(case: Case) -> set[str]:
    return set(case.measures.filter(lifted_on__isnull=True).values_list("kind", flat=True))


@act
def confirm_sealed(
    case: Case | int, *, by, dismantle_months: int | None = None, version: int | None = None
) -> Case:
    """确认已断水断电、拆除动力装置、封存主体设备（技术：企业公开承诺并公告），限时拆除。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    exit_p = procedures.exit_params()
    needed = exit_p[
        "technology_sealing_measures"
        if case.dimension == Dimension.TECHNOLOGY
        else "sealing_measures"
    ]
    missing = [m for m in needed if m not in _measures_in_force(case)]
    if missing:
        raise ProcedureError(
            _("尚未落实：%(m)s（%(ref)s）。")
            % {
                "m": "、".join(str(MeasureKind(m).label) for m in missing),
                "ref": exit_p["reference"].split("：")[0],
            }
        )
    before, after = _move(case, "confirm_sealed")
    events = []
    deadline = None
    if case.dimension == Dimension.TECHNOLOGY:
        p = procedures.params(case.dimension, case.region)
        months = dismantle_months or p["dismantle_months"]
        deadline = due_date(_today(), months)
        _set_deadline(case, deadline, DueKind.DISMANTLING)
        case.served_on, case.period_months, case.period_days = _today(), months, 0
        document = _issue_document(
            case,
            DocumentKind.ANNOUNCEMENT,
            by=by,
            context=_document_context(
                case,
                DocumentKind.ANNOUNCEMENT,
                issued_on=_today(),
                order=_(
                    "该企业淘汰类装备已封存，企业已公开承诺不再恢复生产，限期拆除，接受社会监督。"
                ),
                deadline=deadline,
                measures=[str(MeasureKind(m).label) for m in needed],
            ),
        )
        events.append(
            _event(
                case,
                kind=EventKind.DOCUMENT,
                by=by,
                summary=_("制发公告 %(n)s") % {"n": document.number},
                payload={"document": document.number, "files": [_file_ref(document)]},
            )
        )
    events.insert(
        0,
        _event(
            case,
            kind=EventKind.TRANSITION,
            by=by,
            summary=_("确认封存") + (f"；{deadline.explanation}" if deadline else ""),
            payload={"measures": needed, "deadline": _deadline_payload(deadline)},
            from_state=before,
            to_state=after,
        ),
    )
    return _write(case, seen, _rechain(case, events))


@act
def accept_exit(
    case: Case | int,
    *,
    by,
    accepted_on: datetime.date,
    notes: str,
    upload=None,
    version: int | None = None,
) -> Case:
    """验收：产能不再投入生产，计入当年退出产能，安排回头看。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    accepted_on = _require_date(accepted_on, "accepted_on")
    notes = _require_reason(notes, "notes", _("验收意见"))
    in_force = _measures_in_force(case)
    exit_p = procedures.exit_params()
    if case.dimension == Dimension.TECHNOLOGY:
        if MeasureKind.DISMANTLED not in in_force:
            raise ProcedureError(_("淘汰类装备须拆除后验收（30号文（八））。"))
    elif MeasureKind.DISMANTLED not in in_force and not set(exit_p["sealing_measures"]) <= in_force:
        missing = [
            str(MeasureKind(m).label) for m in exit_p["sealing_measures"] if m not in in_force
        ]
        raise ProcedureError(
            _("验收须已拆除，或已落实%(m)s（%(ref)s）。")
            % {"m": "、".join(missing), "ref": exit_p["reference"].split("：")[0]}
        )
    if upload is None:
        raise ValidationError({"file": _("请上传验收材料。")})
    evidence = _store_evidence(case, upload, by=by, kind=EvidenceKind.ACCEPTANCE, description=notes)
    before, after = _move(case, "accept_exit")
    lines = (
        [case.line]
        if case.line_id
        else list(case.enterprise.lines.exclude(status=LineStatus.EXITED))
    )
    capacity, units = Decimal(0), set()
    for line in lines:
        capacity += line.capacity
        units.add(line.capacity_unit)
        line.status = LineStatus.EXITED
        line.save(update_fields=["status", "updated_at"])
    if not case.line_id:
        Enterprise.objects.filter(pk=case.enterprise_id).update(status=EnterpriseStatus.EXITED)
    case.exited_on = accepted_on
    if len(units) == 1:
        case.exit_capacity, case.exit_capacity_unit = capacity, units.pop()
    case.outcome = notes
    case.closed_at = timezone.now()
    months = procedures.params(case.dimension, case.region)["follow_up_months"]
    deadline = None
    if months:
        deadline = due_date(accepted_on, months[0])
    _set_deadline(case, deadline, DueKind.FOLLOW_UP if deadline else "")
    event = _event(
        case,
        kind=EventKind.TRANSITION,
        by=by,
        summary=_("验收合格，退出产能计入 %(year)d 年") % {"year": accepted_on.year},
        payload={
            "accepted_on": accepted_on.isoformat(),
            "notes": notes,
            "lines": [
                {
                    "id": line.pk,
                    "code": line.code,
                    "capacity": str(line.capacity),
                    "unit": line.capacity_unit,
                }
                for line in lines
            ],
            "follow_up": _deadline_payload(deadline),
            "files": [_file_ref(evidence)],
        },
        from_state=before,
        to_state=after,
    )
    return _write(case, seen, [_evidence_event(case, evidence, by), event])


@act
def record_follow_up(
    case: Case | int,
    *,
    by,
    inspected_on: datetime.date,
    restarted: bool,
    notes: str,
    version: int | None = None,
) -> Case:
    """回头看：已退出产能是否恢复生产。恢复的，重新责令关停退出。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    if case.state != S.EXITED:
        raise ProcedureError(_("只有已退出的案件才回头看。"))
    inspected_on = _require_date(inspected_on, "inspected_on")
    notes = _require_reason(notes, "notes", _("复查情况"))
    case.follow_ups_done += 1
    if restarted:
        before, after = _move(case, "find_restarted")
        case.closed_at = None
        _set_deadline(case, None, "")
        summary = _("回头看发现恢复生产，重新责令关停退出：%(n)s") % {"n": notes}
    else:
        before = after = case.state
        months = procedures.params(case.dimension, case.region)["follow_up_months"] or []
        deadline = None
        if case.follow_ups_done < len(months):
            deadline = due_date(case.exited_on, months[case.follow_ups_done])
        _set_deadline(case, deadline, DueKind.FOLLOW_UP if deadline else "")
        summary = _("回头看：未恢复生产。%(n)s") % {"n": notes}
    event = _event(
        case,
        kind=EventKind.FOLLOW_UP,
        by=by,
        summary=summary,
        payload={"inspected_on": inspected_on.isoformat(), "restarted": restarted, "notes": notes},
        from_state=before,
        to_state=after,
    )
    return _write(case, seen, [event])


@act
def withdraw_case(case: Case | int, *, by, reason: str, version: int | None = None) -> Case:
    """撤销立案（说明理由）。"""
    case, seen = _load(case, version)
    require_case_officer(by, dimension=case.dimension, region=case.region)
    reason = _require_reason(reason, "reason", _("撤销理由"))
    before, after = _move(case, "withdraw")
    events = [
        _lift(m, by=by, on=_today(), reason=_("撤销立案。"))
        for m in case.measures.filter(lifted_on__isnull=True)
    ]
    _set_deadline(case, None, "")
    case.closed_at = timezone.now()
    case.outcome = reason
    events.insert(
        0,
        _event(
            case,
            kind=EventKind.TRANSITION,
            by=by,
            summary=_("撤销立案：%(r)s") % {"r": reason},
            payload={"reason": reason},
            from_state=before,
            to_state=after,
        ),
    )
    return _write(case, seen, _rechain(case, events))


# — evidence and comments —

MAX_UPLOAD = 20 * 1024 * 1024


def _store_evidence(case: Case, upload, *, by, kind: str, description: str) -> Evidence:
    """Check an uploaded file's size and real type (by its first bytes), then file it."""
    limit = getattr(settings, "PHASEOUT_MAX_UPLOAD", MAX_UPLOAD)
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise ValidationError({"file": _("文件为空。")})
    if size > limit:
        raise ValidationError(
            {"file": _("文件不能超过 %(mb)d MB。") % {"mb": limit // (1024 * 1024)}}
        )
    content_type = sniff_upload(upload)
    if content_type is None:
        raise ValidationError({"file": _("只接受 PDF、JPEG、PNG 文件。")})
    data = upload.read()
    sha = hashlib.sha256(data).hexdigest()
    name = safe_name(getattr(upload, "name", "") or "", "evidence")
    ext = mimetypes.guess_extension(content_type) or ""
    if not name.lower().endswith((ext, ".jpeg", ".jpg") if ext == ".jpg" else (ext,)):
        name += ext
    evidence = Evidence(
        case=case,
        kind=kind,
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=sha,
        description=description[:500],
        uploaded_by=by,
    )
    evidence.file.save(name, ContentFile(data), save=False)
    evidence.save()
    return evidence


def _evidence_event(case: Case, evidence: Evidence, by) -> CaseEvent:
    _record_language()
    return _event(
        case,
        kind=EventKind.EVIDENCE,
        by=by,
        summary=_("提交%(kind)s：%(name)s")
        % {"kind": evidence.get_kind_display(), "name": evidence.name},
        payload={
            "evidence": evidence.pk,
            "description": evidence.description,
            "files": [_file_ref(evidence)],
        },
    )


@act
def add_evidence(
    case: Case | int,
    *,
    by,
    upload,
    description: str = "",
    kind: str = EvidenceKind.RECTIFICATION,
    version: int | None = None,
) -> Evidence:
    """上传整改材料或检查记录（企业或承办人员）。"""
    case, seen = _load(case, version)
    require_enterprise_or_officer(by, case)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("不认识的材料类别。")})
    if not case.is_open:
        raise ProcedureError(_("案件已结案，不能再提交材料。"))
    evidence = _store_evidence(case, upload, by=by, kind=kind, description=description)
    _write(case, seen, [_evidence_event(case, evidence, by)])
    return evidence


@act
def add_comment(case: Case | int, *, by, text: str, version: int | None = None) -> CaseEvent:
    """在案卷中记录备注。"""
    case, seen = _load(case, version)
    require_enterprise_or_officer(by, case)
    text = _require_reason(text, "text", _("备注内容"))
    event = _event(case, kind=EventKind.COMMENT, by=by, summary=text[:500], payload={"text": text})
    _write(case, seen, [event])
    return event


# — jurisdiction parameters —


@act
def set_procedure_override(
    *, by, region: Region, dimension: str, parameter: str, value, reference: str
) -> ProcedureOverride:
    """地方设定程序参数（如郴州：安全停产整改期限6个月），须注明依据。"""
    scope = Scope.of(by)
    if not (
        scope.everything
        or (
            scope.person
            and scope.person.role == Role.ADMINISTRATOR
            and scope.person.region.contains(region)
        )
    ):
        raise PermissionDenied(_("只有本辖区的系统管理员可以设定程序参数。"))
    procedures.check_override(parameter, value, dimension=dimension)
    reference = _require_reason(reference, "reference", _("依据"))
    override, _created = ProcedureOverride.objects.update_or_create(
        region=region,
        dimension=dimension,
        parameter=parameter,
        defaults={"value": value, "reference": reference, "created_by": by},
    )
    return override


@act
def apply_recomputed_deadline(case_id: int, *, version: int, deadline: Deadline) -> bool:
    """A provisional deadline recomputed once its year's official calendar is loaded, with the
    change in the case file. False when the case changed meanwhile (the next load retries)."""
    try:
        with transaction.atomic():
            case, seen = _load(case_id, version)
            _record_language()
            old = case.due_on
            case.due_on = deadline.due
            case.due_explanation = deadline.explanation[:300]
            case.due_provisional = deadline.provisional
            event = _event(
                case,
                kind=EventKind.DEADLINE,
                by=None,
                summary=_("载入节假日安排后重新计算期限：%(old)s → %(new)s（%(how)s）")
                % {
                    "old": old.isoformat() if old else "-",
                    "new": deadline.due.isoformat(),
                    "how": deadline.explanation,
                },
                payload={
                    "previous": old.isoformat() if old else None,
                    "deadline": deadline.as_dict(),
                },
            )
            _write(case, seen, [event])
    except CaseChanged:
        return False
    return True


def mark_notifications_read(*, by, ids=None) -> int:
    """Mark a person's own reminders read (all of them without ``ids``); nobody else's."""
    from phaseout.enforcement.models import Notification

    qs = Notification.objects.filter(user=by, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# — what a person may do next (for pages and the API; each act still checks everything) —


def available_actions(case: Case, user) -> list[str]:
    """The acts ``user`` may attempt on ``case`` in its current state, by the procedure and the
    person's role; the service itself still checks inputs and deadlines and says why not."""
    scope, person = _person(user)
    role = person.role if person else None
    p = procedures.params(case.dimension, case.region)
    actions: list[str] = []

    def officer() -> bool:
        try:
            require_case_officer(user, dimension=case.dimension, region=case.region)
        except PermissionDenied:
            return False
        return True

    own_enterprise = role == Role.ENTERPRISE and person.enterprise_id == case.enterprise_id
    is_officer = officer()
    state = case.state
    if is_officer:
        if state == S.OPENED:
            if case.dimension == Dimension.TECHNOLOGY:
                actions.append("order_exit")
            else:
                actions.append("serve_order")
                if p["approval"]:
                    actions.append("request_approval")
        if state in (S.RECTIFYING, S.OVERDUE):
            actions.append("record_reinspection")
            if case.reinspection_failed or state == S.OVERDUE:
                actions.append("request_approval" if p["approval"] else "order_exit")
        if state == S.EXTENSION_REQUESTED:
            actions.append("decide_extension")
        if state in (S.OPENED, S.RECTIFYING, S.OVERDUE, S.EXIT_ORDERED, S.SEALED):
            actions.append("record_measure")
        if state == S.EXIT_ORDERED:
            actions.append("confirm_sealed")
        if state in (S.EXIT_ORDERED, S.SEALED):
            actions.append("accept_exit")
        if state == S.EXITED:
            actions.append("record_follow_up")
        if state in (
            S.OPENED,
            S.RECTIFYING,
            S.EXTENSION_REQUESTED,
            S.OVERDUE,
            S.APPROVAL_REQUESTED,
        ):
            actions.append("withdraw")
    elif role == Role.OFFICER and person.department and case.is_open:
        if person.department.kind in MEASURE_EXECUTORS.get(
            MeasureKind.POWER_CUT, set()
        ) | MEASURE_EXECUTORS.get(MeasureKind.WATER_CUT, set()) or any(
            person.department.kind in kinds for kinds in LICENSE_ISSUERS.values()
        ):
            if person.region.contains(case.region) and state in (S.EXIT_ORDERED, S.SEALED):
                actions.append("record_measure")
    if (
        (own_enterprise or is_officer)
        and state == S.RECTIFYING
        and (p["extension_max_months"] or 0) > 0
        and case.extension_requested_on is None
    ):
        actions.append("request_extension")
    if own_enterprise and state in (S.EXIT_ORDERED, S.SEALED):
        actions.append("sign_commitment")
    if (own_enterprise or is_officer) and case.is_open:
        actions.extend(["add_evidence", "add_comment"])
    if state == S.APPROVAL_REQUESTED:
        try:
            require_approver(user, case)
            actions.append("decide_approval")
        except PermissionDenied:
            pass
    return actions
