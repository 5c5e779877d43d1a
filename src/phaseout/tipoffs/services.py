"""Tip-off operations (举报办理): the only code that writes tip-offs.

One function per act, each in one transaction: the permission check first, then the state and
the inputs (each refusal says why), the change, and a ``TipoffEvent`` last. The flow (seed 001
（三）建立举报制度：对群众举报的落后产能企业，要立即组织核查处理，处理情况及时公布；seed 003
（五）畅通举报渠道，“12345”热线):

  receive (public form, or a hotline call recorded by an officer)
  → triage: accept, or reject (out of scope, duplicate, no verifiable lead) with a reason
  → assign to the department that owns the matter (its officers, or named ones, are the handlers)
  → verification task with a due date (working days from acceptance)
  → finding: substantiated or not; a substantiated tip-off may open an enforcement case, or be
    linked to an existing case or screening finding
  → published outcome (reviewed wording, never the reporter).

Who sees whom: the reporter's identity is decrypted only by ``reveal_identity``, for a handler
assigned to the tip-off, and the event it writes records that they looked, not what they saw.
No message, event, log line or exception here carries the identity.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import mimetypes
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from PIL import Image, ImageOps

from phaseout.core import crypto
from phaseout.core.errors import ProcedureError
from phaseout.disclosure.workdays import working_days_after
from phaseout.enforcement.calendars import current_calendar
from phaseout.enforcement.models import Case
from phaseout.enforcement.services import next_number, sniff_upload
from phaseout.regions.choices import REGISTRY_KEEPERS, Role
from phaseout.regions.models import Department, Person, Region
from phaseout.regions.scope import Scope
from phaseout.registry.models import Enterprise
from phaseout.screening.choices import Dimension
from phaseout.screening.models import Finding
from phaseout.tipoffs.choices import Channel, EventKind, RejectReason, TipoffState
from phaseout.tipoffs.models import IDENTITY_FIELDS, Tipoff, TipoffAttachment, TipoffEvent

T = TipoffState

# 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V pairs to misread):
# 31¹⁶ ≈ 2⁷⁹ codes, so guessing one within any rate limit is hopeless.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16
_NOT_CODE = re.compile(r"[\s\-]")
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{4,19}$")
MAX_DESCRIPTION = 5000


# — tracking codes —


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN-PQRS: easier to copy down and read out."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str:
    return _NOT_CODE.sub("", text or "").upper()


def _tracking_hash(code: str) -> str:
    return crypto.blind_index(code, "tipoff-tracking-code")


def lookup(code: str) -> Tipoff | None:
    """The tip-off a tracking code belongs to, or None (a wrong code and a malformed one alike)."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return (
        Tipoff.objects.select_related("region").filter(tracking_hash=_tracking_hash(code)).first()
    )


# — who may see and act —


def _person(user) -> Person | None:
    return Scope.of(user).person if user is not None else None


def tipoffs_visible_to(user) -> QuerySet[Tipoff]:
    """Tip-offs an officer may read (never the reporter: see ``reveal_identity``).

    Leaders, auditors and administrators read their region subtree; officers of the departments
    that receive tip-offs (the registry keepers: 工信、发改、生态环境、市场监管、应急管理、能源) read
    their subtree; any other officer only what was assigned to their department or to them.
    Enterprise users and the public see none."""
    scope = Scope.of(user)
    qs = Tipoff.objects.all()
    if scope.everything:
        return qs
    person = scope.person
    if person is None or person.role == Role.ENTERPRISE:
        return qs.none()
    in_region = Q(region__code__startswith=person.region.prefix)
    if person.role in (Role.LEADER, Role.AUDITOR, Role.ADMINISTRATOR):
        return qs.filter(in_region)
    if person.department is not None and person.department.kind in REGISTRY_KEEPERS:
        return qs.filter(in_region)
    mine = Q(handlers=user)
    if person.department_id:
        mine |= Q(department_id=person.department_id)
    return qs.filter(in_region & mine).distinct()


def may_triage(user, tipoff: Tipoff) -> bool:
    """受理、交办: officers of a receiving department whose region contains the tip-off's."""
    if user is None:
        return False
    scope = Scope.of(user)
    if scope.everything:
        return True
    person = scope.person
    return bool(
        person is not None
        and person.role == Role.OFFICER
        and person.department is not None
        and person.department.kind in REGISTRY_KEEPERS
        and person.region.contains(tipoff.region)
    )


def is_handler(user, tipoff: Tipoff) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and tipoff.pk
        and tipoff.handlers.filter(pk=user.pk).exists()
    )


def _require_triager(user, tipoff: Tipoff) -> None:
    if not may_triage(user, tipoff):
        raise PermissionDenied(_("只有受理部门的经办人员可以受理和交办该举报。"))


def _require_handler(user, tipoff: Tipoff) -> None:
    if not is_handler(user, tipoff):
        raise PermissionDenied(_("只有该举报的承办人可以办理此事项。"))


# — the mechanics —


def _actor_name(user) -> str:
    if user is None:
        return _("举报人（网上）")
    return user.get_full_name() or user.get_username()


def _event(tipoff: Tipoff, *, kind: str, by, summary, payload=None) -> TipoffEvent:
    """Append an event. ``summary`` is a callable, evaluated in the record's language: what the
    办理记录 says is written in Chinese whatever language the officer reads the pages in."""
    with translation.override(settings.LANGUAGE_CODE):
        summary = summary()
        actor_name = _actor_name(by)
    last = tipoff.events.order_by("-seq").values_list("seq", flat=True).first() or 0
    event = TipoffEvent(
        tipoff=tipoff,
        seq=last + 1,
        kind=kind,
        at=timezone.now(),
        actor=by,
        actor_name=actor_name,
        summary=summary[:500],
        payload=payload or {},
    )
    event.save()
    return event


def _load(tipoff: Tipoff | int) -> Tipoff:
    """The tip-off as stored now, its row locked until the act commits."""
    pk = tipoff.pk if isinstance(tipoff, Tipoff) else tipoff
    return (
        Tipoff.objects.select_for_update(of=("self",))
        .select_related("region", "department", "enterprise")
        .get(pk=pk)
    )


def _require_state(tipoff: Tipoff, states: Iterable[str], act: str) -> None:
    if tipoff.state not in states:
        raise ProcedureError(
            _("举报当前为“%(state)s”，不能%(act)s。")
            % {"state": tipoff.get_state_display(), "act": act}
        )


def _text(value, field: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("请填写%(what)s。") % {"what": what}})
    if len(value) > limit:
        raise ValidationError(
            {field: _("%(what)s不能超过%(n)d个字。") % {"what": what, "n": limit}}
        )
    return value


def _next_number(year: int) -> str:
    """举报编号 JB202600001: gap-free per year, in the enforcement number sequences."""
    return f"JB{year}{next_number('tipoff', 'tipoff', year):05d}"


# — attachments —


def check_uploads(uploads: Iterable) -> list[tuple[object, str]]:
    """Each upload with its real type (by its first bytes), or a ValidationError on
    ``attachments`` naming the file's position: all are checked before anything is written."""
    uploads = [u for u in uploads if u is not None]
    limit = settings.PHASEOUT_TIPOFF_MAX_FILE_BYTES
    count = settings.PHASEOUT_TIPOFF_MAX_FILES
    if len(uploads) > count:
        raise ValidationError({"attachments": _("最多上传 %(n)d 个附件。") % {"n": count}})
    checked = []
    for index, upload in enumerate(uploads, start=1):
        size = getattr(upload, "size", None) or 0
        if size == 0:
            raise ValidationError({"attachments": _("第 %(i)d 个附件是空文件。") % {"i": index}})
        if size > limit:
            raise ValidationError(
                {
                    "attachments": _("第 %(i)d 个附件超过 %(mb)s MB。")
                    % {"i": index, "mb": f"{limit / (1024 * 1024):g}"}
                }
            )
        content_type = sniff_upload(upload)
        if content_type is None:
            raise ValidationError(
                {
                    "attachments": _("第 %(i)d 个附件不是照片（JPEG、PNG）或 PDF 文件。")
                    % {"i": index}
                }
            )
        if content_type != "application/pdf":
            upload = ContentFile(_photo_without_metadata(upload.read(), index))
        checked.append((upload, content_type))
    return checked


def _photo_without_metadata(data: bytes, index: int) -> bytes:
    """The photo re-encoded without its metadata: EXIF, XMP and PNG text chunks can carry the
    sender's GPS position, device serial or owner name, and attachments are seen by more people
    than the reporter's identity is. The orientation is applied first, so the picture still
    stands upright. A file Pillow cannot decode (or a decompression bomb) is a field error."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            kind = image.format
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "JPEG":
                upright.save(out, "JPEG", quality=92)
            else:
                upright.save(out, "PNG")
            return out.getvalue()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            {"attachments": _("第 %(i)d 个附件无法作为图片打开，可能已损坏。") % {"i": index}}
        ) from error


def _store_attachments(tipoff: Tipoff, checked, written: list) -> None:
    for index, (upload, content_type) in enumerate(checked, start=1):
        data = upload.read()
        ext = ".jpg" if content_type == "image/jpeg" else mimetypes.guess_extension(content_type)
        name = f"附件{index}{ext}"
        row = TipoffAttachment(
            tipoff=tipoff,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        row.file.save(f"{index}{ext}", ContentFile(data), save=False)
        written.append(row.file.name)
        row.save()


# — receiving —


@dataclass(frozen=True)
class Received:
    tipoff: Tipoff
    code: str  # shown once to the sender; only its keyed hash is stored

    @property
    def formatted_code(self) -> str:
        return format_code(self.code)


@sensitive_variables("name", "phone", "email")
def receive(
    *,
    by=None,
    channel: str = Channel.WEB,
    region: Region,
    enterprise_name: str,
    enterprise_address: str = "",
    description: str,
    anonymous: bool = True,
    name: str = "",
    phone: str = "",
    email: str = "",
    uploads: Iterable = (),
) -> Received:
    """收到举报: from the public form (``by`` None) or a hotline call recorded by an officer."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("不认识的举报来源。")})
    if region is None or region.valid_to is not None:
        raise ValidationError({"region": _("请选择现行的行政区划。")})
    if channel == Channel.HOTLINE:
        scope = Scope.of(by) if by is not None else None
        if scope is None or not scope.everything:
            person = scope.person if scope else None
            if person is None or person.role != Role.OFFICER:
                raise PermissionDenied(_("只有经办人员可以登记热线举报。"))
            if not person.region.contains(region):
                raise PermissionDenied(
                    _("%(region)s 不在您的管辖范围内。") % {"region": region.name}
                )
    elif by is not None and by.is_authenticated:
        raise PermissionDenied(_("网上举报由公众提交；经办人员请使用热线登记。"))
    enterprise_name = _text(enterprise_name, "enterprise_name", _("被举报企业名称"), 200)
    enterprise_address = (enterprise_address or "").strip()
    if len(enterprise_address) > 300:
        raise ValidationError({"enterprise_address": _("企业地址不能超过300个字。")})
    description = _text(description, "description", _("举报内容"), MAX_DESCRIPTION)
    name, phone, email = (name or "").strip(), (phone or "").strip(), (email or "").strip()
    if anonymous:
        name = phone = email = ""
    else:
        if not name:
            raise ValidationError({"name": _("实名举报请填写姓名，或选择匿名举报。")})
        if len(name) > 50:
            raise ValidationError({"name": _("姓名不能超过50个字。")})
        if not (phone or email):
            raise ValidationError({"phone": _("实名举报请至少留下电话或电子邮箱中的一项。")})
        if phone and not PHONE.match(phone):
            raise ValidationError({"phone": _("电话号码格式不正确。")})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError({"email": _("电子邮箱格式不正确。")}) from None
    checked = check_uploads(uploads)

    written: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            code = new_tracking_code()
            tipoff = Tipoff.objects.create(
                number=_next_number(timezone.localdate(now).year),
                tracking_hash=_tracking_hash(code),
                channel=channel,
                received_at=now,
                recorded_by=by if channel == Channel.HOTLINE else None,
                enterprise_name=enterprise_name,
                enterprise_address=enterprise_address,
                region=region,
                description=description,
                anonymous=anonymous,
                reporter_name_token=crypto.encrypt(name),
                reporter_phone_token=crypto.encrypt(phone),
                reporter_email_token=crypto.encrypt(email),
            )
            _store_attachments(tipoff, checked, written)
            _event(
                tipoff,
                kind=EventKind.RECEIVED,
                by=by if channel == Channel.HOTLINE else None,
                summary=lambda: (
                    _("收到%(channel)s（%(who)s），附件 %(n)d 个")
                    % {
                        "channel": Channel(channel).label,
                        "who": _("匿名") if anonymous else _("实名"),
                        "n": len(checked),
                    }
                ),
                payload={"channel": channel, "attachments": len(checked)},
            )
    except BaseException:
        # Nothing half-written: the files of a submission that did not commit go too.
        from django.core.files.storage import default_storage

        for path in written:
            default_storage.delete(path)
        raise
    return Received(tipoff=tipoff, code=code)


# — triage —


@transaction.atomic
def triage(
    tipoff: Tipoff | int,
    *,
    by,
    accept: bool,
    reason: str = "",
    note: str = "",
    duplicate_of: Tipoff | None = None,
    enterprise: Enterprise | None = None,
) -> Tipoff:
    """受理审查: accept, or reject with a reason (不属于工作范围、重复举报、缺少可核查线索)."""
    tipoff = _load(tipoff)
    _require_triager(by, tipoff)
    _require_state(tipoff, [T.RECEIVED], _("受理审查"))
    note = (note or "").strip()[:500]
    now = timezone.now()
    if accept:
        if enterprise is not None:
            _check_enterprise(by, tipoff, enterprise)
            tipoff.enterprise = enterprise
        tipoff.state = T.ACCEPTED
        tipoff.accepted_on = timezone.localdate(now)
        summary = lambda: _("受理")  # noqa: E731
        payload = {"enterprise": enterprise.pk if enterprise else None}
    else:
        if reason not in RejectReason.values:
            raise ValidationError({"reason": _("请选择不予受理的原因。")})
        if reason == RejectReason.DUPLICATE:
            if duplicate_of is None:
                raise ValidationError({"duplicate_of": _("重复举报请填写原举报编号。")})
            if duplicate_of.pk == tipoff.pk:
                raise ValidationError({"duplicate_of": _("不能与本举报自身重复。")})
            if not tipoffs_visible_to(by).filter(pk=duplicate_of.pk).exists():
                raise ValidationError({"duplicate_of": _("没有这个举报编号。")})
            tipoff.duplicate_of = duplicate_of
        if not note:
            raise ValidationError({"note": _("请填写不予受理的理由。")})
        tipoff.state = T.REJECTED
        tipoff.reject_reason = reason
        summary = lambda: _("不予受理：%(reason)s") % {"reason": RejectReason(reason).label}  # noqa: E731
        payload = {"reason": reason, "duplicate_of": duplicate_of.number if duplicate_of else None}
    tipoff.triaged_at = now
    tipoff.triage_note = note
    tipoff.save()
    payload["note"] = note
    _event(tipoff, kind=EventKind.ACCEPTED if accept else EventKind.REJECTED, by=by,
           summary=summary, payload=payload)  # fmt: skip
    return tipoff


def _check_enterprise(by, tipoff: Tipoff, enterprise: Enterprise) -> None:
    if not Scope.of(by).enterprises().filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("该企业不在您的管辖范围内。")})
    if not tipoff.region.contains(enterprise.region) and not enterprise.region.contains(
        tipoff.region
    ):
        raise ValidationError({"enterprise": _("该企业不在举报所涉地区。")})


@transaction.atomic
def match_enterprise(tipoff: Tipoff | int, *, by, enterprise: Enterprise) -> Tipoff:
    """关联台账企业: the registered enterprise the tip-off is about (by credit code or name)."""
    tipoff = _load(tipoff)
    if not (may_triage(by, tipoff) or is_handler(by, tipoff)):
        raise PermissionDenied(_("只有受理部门的经办人员或承办人可以关联企业。"))
    _require_state(tipoff, [T.ACCEPTED, T.ASSIGNED], _("关联企业"))
    _check_enterprise(by, tipoff, enterprise)
    tipoff.enterprise = enterprise
    tipoff.save()
    _event(
        tipoff,
        kind=EventKind.MATCHED,
        by=by,
        summary=lambda: (
            _("关联企业：%(name)s（%(code)s）")
            % {"name": enterprise.name, "code": enterprise.credit_code}
        ),
        payload={"enterprise": enterprise.pk},
    )
    return tipoff


# — assignment and verification —


@transaction.atomic
def assign(
    tipoff: Tipoff | int,
    *,
    by,
    department: Department,
    handlers: Iterable = (),
    dimension: str = "",
) -> Tipoff:
    """交办: to the department that owns the matter; its officers (or the named ones) handle it."""
    tipoff = _load(tipoff)
    _require_triager(by, tipoff)
    _require_state(tipoff, [T.ACCEPTED, T.ASSIGNED], _("交办"))
    if department is None:
        raise ValidationError({"department": _("请选择承办部门。")})
    scope = Scope.of(by)
    if not department.region.contains(tipoff.region):
        raise ValidationError(
            {"department": _("%(dept)s 不管辖举报所涉地区。") % {"dept": department.name}}
        )
    if not scope.everything and not scope.person.region.contains(department.region):
        raise ValidationError(
            {"department": _("%(dept)s 不在您的管辖范围内。") % {"dept": department.name}}
        )
    if dimension and dimension not in Dimension.values:
        raise ValidationError({"dimension": _("不认识的维度。")})
    officers = get_user_model().objects.filter(
        person__department=department, person__role=Role.OFFICER, is_active=True
    )
    handlers = list(handlers)
    if handlers:
        ids = {u.pk for u in handlers}
        if officers.filter(pk__in=ids).count() != len(ids):
            raise ValidationError({"handlers": _("承办人须为承办部门的经办人员。")})
        chosen = list(officers.filter(pk__in=ids))
    else:
        chosen = list(officers)
        if not chosen:
            raise ValidationError(
                {"department": _("%(dept)s 还没有经办人员。") % {"dept": department.name}}
            )
    tipoff.department = department
    if dimension:
        tipoff.dimension = dimension
    tipoff.state = T.ASSIGNED
    tipoff.save()
    tipoff.handlers.set(chosen)
    _event(
        tipoff,
        kind=EventKind.ASSIGNED,
        by=by,
        summary=lambda: (
            _("交办 %(dept)s，承办人：%(names)s")
            % {"dept": department.name, "names": "、".join(_actor_name(u) for u in chosen)}
        ),
        payload={"department": department.pk, "handlers": [u.pk for u in chosen]},
    )
    _notify_handlers(tipoff, chosen)
    return tipoff


def _notify_handlers(tipoff: Tipoff, users) -> None:
    """E-mail the handlers that a tip-off awaits them: its number and link, nothing else."""
    recipients = [u.email for u in users if u.email]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _notice_text(tipoff)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def _notice_text(tipoff: Tipoff) -> tuple[str, str]:
    subject = _("举报 %(number)s 已交办给您") % {"number": tipoff.number}
    body = _("举报 %(number)s（%(region)s）已交办给您核查，请登录平台查看：%(path)s") % {
        "number": tipoff.number,
        "region": tipoff.region.name,
        "path": reverse("tipoffs:detail", args=[tipoff.pk]),
    }
    return subject, body


def verification_deadline(accepted_on: datetime.date, workdays: int | None = None):
    """核查期限: ``workdays`` working days from the day of acceptance (that day not counted).
    Without ``workdays``, the deployment's parameter, which no source fixes: said so. The
    explanation is part of the record: in Chinese."""
    with translation.override(settings.LANGUAGE_CODE):
        return _verification_deadline(accepted_on, workdays)


def _verification_deadline(accepted_on: datetime.date, workdays: int | None):
    calendar = current_calendar()
    parameter = workdays is None
    n = settings.PHASEOUT_TIPOFF_VERIFY_WORKDAYS if parameter else workdays
    due = working_days_after(accepted_on, n, calendar)
    provisional = not all(calendar.covers(y) for y in range(accepted_on.year, due.year + 1))
    explanation = _("受理之日（%(day)s）起%(n)d个工作日，届满 %(due)s") % {
        "day": accepted_on.isoformat(),
        "n": n,
        "due": due.isoformat(),
    }
    if parameter:
        explanation += _("（工作日数为本平台参数，未见文件依据，待核实）")
    else:
        explanation += _("（承办人确定）")
    if provisional:
        explanation += _("（该年度节假日安排尚未载入，暂按周末计算）")
    return due, explanation, provisional


@transaction.atomic
def set_verification(tipoff: Tipoff | int, *, by, task: str, workdays: int | None = None) -> Tipoff:
    """布置核查: what to check, and by when (working days from acceptance)."""
    tipoff = _load(tipoff)
    _require_handler(by, tipoff)
    _require_state(tipoff, [T.ASSIGNED], _("布置核查"))
    task = _text(task, "task", _("核查任务"), 500)
    if workdays is not None and not 1 <= workdays <= 60:
        raise ValidationError({"workdays": _("核查期限应为1至60个工作日。")})
    due, explanation, provisional = verification_deadline(tipoff.accepted_on, workdays)
    tipoff.task = task
    tipoff.due_on, tipoff.due_explanation, tipoff.due_provisional = due, explanation, provisional
    tipoff.save()
    _event(
        tipoff,
        kind=EventKind.VERIFICATION,
        by=by,
        summary=lambda: _("布置核查，期限 %(due)s") % {"due": due.isoformat()},
        payload={"task": task, "due": due.isoformat(), "explanation": explanation},
    )
    return tipoff


# — finding —


@transaction.atomic
def record_finding(
    tipoff: Tipoff | int,
    *,
    by,
    substantiated: bool,
    text: str,
    open_case: bool = False,
    dimension: str = "",
    case: Case | None = None,
    finding: Finding | None = None,
) -> Tipoff:
    """核查结论: substantiated (属实) or not, with what was found. A substantiated tip-off may
    open an enforcement case (立案, by the enforcement service and its own permission check)
    or be linked to an existing case or screening finding."""
    from phaseout.enforcement import services as enforcement

    tipoff = _load(tipoff)
    _require_handler(by, tipoff)
    _require_state(tipoff, [T.ASSIGNED], _("登记核查结论"))
    if substantiated is None:
        raise ValidationError({"substantiated": _("请选择举报是否属实。")})
    text = _text(text, "text", _("核查情况"), MAX_DESCRIPTION)
    if not substantiated and (open_case or case or finding):
        raise ValidationError({"substantiated": _("举报不属实时不能立案或关联案件。")})
    if open_case and case is not None:
        raise ValidationError({"case": _("立案与关联已有案件只能选一项。")})
    if (open_case or case or finding) and tipoff.enterprise is None:
        raise ValidationError({"enterprise": _("请先关联台账企业。")})
    if open_case:
        dimension = dimension or tipoff.dimension
        if dimension not in Dimension.values:
            raise ValidationError({"dimension": _("立案请选择维度。")})
        case = enforcement.open_case(
            by=by, dimension=dimension, enterprise=tipoff.enterprise, facts=text
        )
    elif case is not None:
        if not enforcement.cases_visible_to(by).filter(pk=case.pk).exists():
            raise ValidationError({"case": _("没有这个案件，或不在您的范围内。")})
        if case.enterprise_id != tipoff.enterprise_id:
            raise ValidationError({"case": _("该案件不是被举报企业的案件。")})
    if finding is not None:
        visible = Scope.of(by).filter(
            Finding.objects.all(), region_field="enterprise__region", enterprise_field=None
        )
        if not visible.filter(pk=finding.pk).exists():
            raise ValidationError({"finding": _("没有这个不达标发现，或不在您的范围内。")})
        if finding.enterprise_id != tipoff.enterprise_id:
            raise ValidationError({"finding": _("该不达标发现不是被举报企业的。")})
    tipoff.substantiated = substantiated
    tipoff.finding_text = text
    tipoff.found_at = timezone.now()
    tipoff.case = case
    tipoff.finding = finding
    tipoff.state = T.VERIFIED
    tipoff.save()
    _event(
        tipoff,
        kind=EventKind.FINDING,
        by=by,
        summary=lambda: (
            (_("核查结论：属实") if substantiated else _("核查结论：不属实"))
            + (_("，立案 %(n)s") % {"n": case.number} if open_case else "")
            + (_("，关联案件 %(n)s") % {"n": case.number} if case and not open_case else "")
            + (_("，关联不达标发现 #%(n)d") % {"n": finding.pk} if finding else "")
        ),
        payload={
            "substantiated": substantiated,
            "text": text,
            "case": case.pk if case else None,
            "finding": finding.pk if finding else None,
            "opened_case": bool(open_case),
        },
    )
    return tipoff


# — the published outcome —


@transaction.atomic
def publish_outcome(
    tipoff: Tipoff | int, *, by, summary: str, outcome: str, listed: bool = True
) -> Tipoff:
    """公布办理结果: reviewed wording for the status page and, if ``listed``, the public list.
    It must not name the reporter; the officer writes it, nothing is copied from the tip-off."""
    tipoff = _load(tipoff)
    if tipoff.state == T.REJECTED:
        _require_triager(by, tipoff)
        if tipoff.outcome_published_at:
            raise ProcedureError(_("办理结果已公布。"))
    else:
        _require_handler(by, tipoff)
        _require_state(tipoff, [T.VERIFIED], _("公布办理结果"))
    summary = _text(summary, "summary", _("公开的举报事项"), 300)
    outcome = _text(outcome, "outcome", _("办理结果"), MAX_DESCRIPTION)
    tipoff.public_summary = summary
    tipoff.outcome = outcome
    tipoff.outcome_published_at = timezone.now()
    tipoff.listed = bool(listed)
    if tipoff.state == T.VERIFIED:
        tipoff.state = T.CLOSED
    tipoff.save()
    _event(
        tipoff,
        kind=EventKind.PUBLISHED,
        by=by,
        summary=lambda: _("公布办理结果") + (_("（列入公开栏）") if listed else ""),
        payload={"summary": summary, "outcome": outcome, "listed": bool(listed)},
    )
    return tipoff


def published_outcomes() -> QuerySet[Tipoff]:
    """The public list: tip-offs whose outcome was published for it."""
    return (
        Tipoff.objects.filter(listed=True, outcome_published_at__isnull=False)
        .select_related("region")
        .only(
            "number",
            "enterprise_name",
            "region__name",
            "region__code",
            "public_summary",
            "outcome",
            "outcome_published_at",
            "substantiated",
            "state",
        )
        .order_by("-outcome_published_at", "-id")
    )


# — the reporter —


@dataclass(frozen=True)
class Identity:
    anonymous: bool
    name: str
    phone: str
    email: str

    def __repr__(self) -> str:  # never in a traceback or a log line
        return "Identity(…)"


@transaction.atomic
def reveal_identity(tipoff: Tipoff | int, *, by) -> Identity:
    """查看举报人身份: only a handler assigned to the tip-off; the event records who looked and
    when, never what they saw."""
    tipoff = _load(tipoff)
    _require_handler(by, tipoff)
    _event(
        tipoff, kind=EventKind.REVEALED, by=by, summary=lambda: _("承办人查看举报人身份及联系方式")
    )
    return Identity(
        anonymous=tipoff.anonymous,
        name=crypto.decrypt(tipoff.reporter_name_token),
        phone=crypto.decrypt(tipoff.reporter_phone_token),
        email=crypto.decrypt(tipoff.reporter_email_token),
    )


def rotate_keys(batch: int = 500) -> int:
    """Re-encrypt every reporter token under the first key of PHASEOUT_DATA_KEYS; the number of
    tip-offs rewritten. Safe to run again (a token already under the first key is rewritten
    under it once more)."""
    done = 0
    ids = list(Tipoff.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            rows = Tipoff.objects.select_for_update().filter(pk__in=ids[start : start + batch])
            for row in rows.only("pk", *IDENTITY_FIELDS):
                values = {f: crypto.rotate(getattr(row, f)) for f in IDENTITY_FIELDS}
                Tipoff.objects.filter(pk=row.pk).update(**values)
                done += 1
    return done


# — what a person may do now (the detail page and the API) —


def available_actions(tipoff: Tipoff, user) -> list[str]:
    actions = []
    triager = may_triage(user, tipoff)
    handler = is_handler(user, tipoff)
    if triager and tipoff.state == T.RECEIVED:
        actions.append("triage")
    if (triager or handler) and tipoff.state in (T.ACCEPTED, T.ASSIGNED):
        actions.append("match")
    if triager and tipoff.state in (T.ACCEPTED, T.ASSIGNED):
        actions.append("assign")
    if handler and tipoff.state == T.ASSIGNED:
        actions += ["verification", "finding"]
    if (handler and tipoff.state == T.VERIFIED) or (
        triager and tipoff.state == T.REJECTED and not tipoff.outcome_published_at
    ):
        actions.append("publish")
    if handler:
        actions.append("reveal")
    return actions
