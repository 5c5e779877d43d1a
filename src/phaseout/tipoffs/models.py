"""举报: a public tip-off about backward capacity, its handling and its published outcome.

The reporter's identity and contact details are stored only as Fernet tokens
(``phaseout.core.crypto``) in the ``*_token`` columns; nothing else in this app — ``__str__``,
events, admin, API, logs — ever holds them in plain. Only ``services.reveal_identity`` decrypts,
for a handler assigned to the tip-off. The tracking code given to the sender is stored as a keyed
hash (``crypto.blind_index``), so the database alone does not let anyone follow a tip-off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phaseout.screening.choices import Dimension
from phaseout.tipoffs.choices import (
    PUBLIC_STATE_LABELS,
    Channel,
    EventKind,
    RejectReason,
    TipoffState,
)

# The columns that hold personal data (encrypted); every read-out (admin, API, exports) leaves
# them out, and `phaseout tipoffs rotate-keys` re-encrypts them.
IDENTITY_FIELDS = ("reporter_name_token", "reporter_phone_token", "reporter_email_token")


class Tipoff(models.Model):
    """举报: what a member of the public (or a hotline caller) reported, and how it was handled."""

    number = models.CharField(_("举报编号"), max_length=20, unique=True)
    tracking_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=TipoffState.choices, default=TipoffState.RECEIVED
    )
    received_at = models.DateTimeField(_("收到时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("热线记录人"),
    )

    # — what was reported —
    enterprise_name = models.CharField(_("被举报企业名称"), max_length=200)
    enterprise_address = models.CharField(_("企业地址"), max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    description = models.TextField(_("举报内容"))
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tipoffs",
        verbose_name=_("对应台账企业"),
    )

    # — who reported (encrypted; see IDENTITY_FIELDS) —
    anonymous = models.BooleanField(_("匿名举报"), default=True)
    reporter_name_token = models.TextField(blank=True, editable=False)
    reporter_phone_token = models.TextField(blank=True, editable=False)
    reporter_email_token = models.TextField(blank=True, editable=False)

    # — triage (受理) —
    triaged_at = models.DateTimeField(_("受理审查时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    reject_reason = models.CharField(
        _("不予受理原因"), max_length=20, choices=RejectReason.choices, blank=True
    )
    triage_note = models.CharField(_("受理意见"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("重复于"),
    )

    # — assignment (交办) and verification (核查) —
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tipoffs",
        verbose_name=_("承办部门"),
    )
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="tipoffs", verbose_name=_("承办人")
    )
    dimension = models.CharField(
        _("涉及维度"), max_length=12, choices=Dimension.choices, blank=True
    )
    task = models.CharField(_("核查任务"), max_length=500, blank=True)
    due_on = models.DateField(_("核查期限"), null=True, blank=True, db_index=True)
    due_explanation = models.CharField(_("期限计算"), max_length=300, blank=True)
    due_provisional = models.BooleanField(default=False)

    # — finding (核查结论) —
    substantiated = models.BooleanField(_("举报属实"), null=True, blank=True)
    finding_text = models.TextField(_("核查情况"), blank=True)
    found_at = models.DateTimeField(_("核查完毕时间"), null=True, blank=True)
    case = models.ForeignKey(
        "enforcement.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tipoffs",
        verbose_name=_("立案案件"),
    )
    finding = models.ForeignKey(
        "screening.Finding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tipoffs",
        verbose_name=_("不达标发现"),
    )

    # — published outcome (办理结果公开) —
    public_summary = models.CharField(_("公开的举报事项"), max_length=300, blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    outcome_published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    listed = models.BooleanField(_("列入办理结果公开栏"), default=False)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        # The number only: never the reporter, and not the allegation either.
        return self.number

    @property
    def public_state(self) -> str:
        return PUBLIC_STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in (TipoffState.RECEIVED, TipoffState.ACCEPTED, TipoffState.ASSIGNED)


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} rows are append-only")


class TipoffEvent(AppendOnly):
    """办理记录: one act on a tip-off. Never holds the reporter's identity."""

    tipoff = models.ForeignKey(Tipoff, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办理人"),
    )
    actor_name = models.CharField(_("办理人"), max_length=150)
    summary = models.CharField(_("摘要"), max_length=500)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("举报办理记录")
        verbose_name_plural = _("举报办理记录")
        ordering = ["tipoff", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["tipoff", "seq"], name="tipoff_event_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.tipoff_id}#{self.seq} {self.kind}"


def _attachment_path(instance, filename: str) -> str:
    return f"tipoffs/{instance.tipoff.received_at:%Y/%m}/{instance.tipoff.number}/{filename}"


class TipoffAttachment(AppendOnly):
    """举报附件: a photo or PDF sent with the tip-off. The sender's own file name is not kept
    (it may name them); the file is stored as 附件N with its real type's extension."""

    tipoff = models.ForeignKey(Tipoff, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("举报附件")
        verbose_name_plural = _("举报附件")
        ordering = ["tipoff", "id"]

    def __str__(self) -> str:
        return self.name
