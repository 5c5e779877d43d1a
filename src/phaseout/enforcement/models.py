"""Cases (案件), their events (the case file), documents, evidence, measures and reminders.

A case is one enforcement procedure for one enterprise, or one of its lines, in one dimension. Its
``state`` is a django-fsm field; the transitions are methods below (the *allowed* moves) and every
act a person performs is a function in ``services.py`` that checks permission and inputs, calls
the transition, writes the change with a conditional update on ``version`` and appends the event.

The case file is append-only: CaseEvent, Evidence and Document rows refuse to be changed or
deleted, and each event carries the SHA-256 of the one before it (see ``chain.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

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
from phaseout.screening.choices import Dimension

S = CaseState


class AppendOnly(models.Model):
    """A row of the case file: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("force_insert", False):
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} rows are append-only")


class Case(models.Model):
    """案件: one procedure for one enterprise (or line) in one dimension."""

    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("企业"),
    )
    line = models.ForeignKey(
        "registry.ProductionLine",
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        verbose_name=_("生产线"),
    )
    # "l<line id>" or "e<enterprise id>": at most one open case per subject and dimension.
    subject_key = models.CharField(max_length=24, editable=False)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("行政区划"),
        help_text=_("企业所在区划，用于管辖范围。"),
    )
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("承办部门"),
    )
    findings = models.ManyToManyField(
        "screening.Finding", related_name="cases", blank=True, verbose_name=_("不达标发现")
    )
    facts = models.TextField(_("不达标事实"), blank=True)
    state = FSMField(_("状态"), max_length=24, choices=CaseState.choices, default=S.OPENED)

    order_kind = models.CharField(
        _("处置措施"), max_length=20, choices=OrderKind.choices, blank=True
    )
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    period_months = models.PositiveSmallIntegerField(_("期限（月）"), default=0)
    period_days = models.PositiveSmallIntegerField(_("期限（日）"), default=0)
    # The next moment something falls due: one indexed column the sweep reads (Healthchecks).
    due_on = models.DateField(_("期限届满日"), null=True, blank=True)
    due_kind = models.CharField(
        _("期限类别"), max_length=20, choices=DueKind.choices, blank=True, default=""
    )
    due_explanation = models.CharField(_("期限计算"), max_length=300, blank=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    overdue_since = models.DateField(_("逾期日"), null=True, blank=True)

    extension_requested_on = models.DateField(_("延期申请日"), null=True, blank=True)
    extension_months_requested = models.PositiveSmallIntegerField(
        _("申请延期（月）"), null=True, blank=True
    )
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_decided = models.BooleanField(_("延期申请已决定"), default=False)
    extension_granted_months = models.PositiveSmallIntegerField(
        _("准予延期（月）"), null=True, blank=True
    )
    reinspection_failed = models.BooleanField(_("复查仍不达标"), default=False)
    serious = models.BooleanField(_("情节严重"), default=False)

    approval_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="approval_cases",
        null=True,
        blank=True,
        verbose_name=_("有批准权的人民政府"),
    )
    exit_kind = models.CharField(_("退出方式"), max_length=12, choices=ExitKind.choices, blank=True)
    exited_on = models.DateField(_("验收退出日期"), null=True, blank=True)
    exit_capacity = models.DecimalField(
        _("退出产能"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    exit_capacity_unit = models.CharField(_("退出产能单位"), max_length=12, blank=True)
    follow_ups_done = models.PositiveSmallIntegerField(_("已回头看次数"), default=0)
    outcome = models.TextField(_("结论"), blank=True)

    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("立案人"),
    )
    opened_at = models.DateTimeField(_("立案时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Optimistic concurrency: every change is `UPDATE … WHERE version = seen`.
    version = models.PositiveIntegerField(_("版本"), default=0)
    # The hash of the last event and the number of events: the chain's head, for appending.
    chain_head = models.CharField(max_length=64, blank=True, editable=False)
    event_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "dimension"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="case_one_open_per_subject_dimension",
                violation_error_message=_("该企业（生产线）在这一维度已有未结案件。"),
            ),
        ]
        indexes = [
            models.Index(fields=["due_on", "state"], name="case_due"),
            models.Index(fields=["state", "dimension"], name="case_state"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def subject_label(self) -> str:
        if self.line_id:
            return (
                f"{self.enterprise.name} {self.line.code} {self.line.get_equipment_type_display()}"
            )
        return self.enterprise.name

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # — the allowed moves (the services check who, inputs and deadlines) —

    @transition(field=state, source=S.OPENED, target=S.RECTIFYING)
    def serve_order(self):
        """下达限期整改通知 / 限制生产、停产整治 / 停产停业整顿决定。"""

    @transition(field=state, source=S.RECTIFYING, target=S.EXTENSION_REQUESTED)
    def request_extension(self):
        """企业在整改期限届满前申请延期。"""

    @transition(field=state, source=S.EXTENSION_REQUESTED, target=S.RECTIFYING)
    def decide_extension(self):
        """准予或不予延期。"""

    @transition(field=state, source=[S.RECTIFYING, S.OVERDUE], target=S.COMPLIANT)
    def find_compliant(self):
        """复查达标，结案（安全：恢复生产）。"""

    @transition(field=state, source=[S.RECTIFYING, S.OVERDUE], target=S.RECTIFYING)
    def find_noncompliant(self):
        """复查仍不达标。"""

    @transition(field=state, source=[S.RECTIFYING, S.EXTENSION_REQUESTED], target=S.OVERDUE)
    def mark_overdue(self):
        """整改期限届满未整改（定时检查）。"""

    @transition(field=state, source=[S.RECTIFYING, S.OVERDUE], target=S.APPROVAL_REQUESTED)
    def request_approval(self):
        """报请有批准权的人民政府批准关停退出（责令停业、关闭）。"""

    @transition(field=state, source=S.APPROVAL_REQUESTED, target=S.EXIT_ORDERED)
    def approve(self):
        """人民政府批准。"""

    @transition(field=state, source=S.APPROVAL_REQUESTED, target=S.RECTIFYING)
    def refuse(self):
        """人民政府不予批准，案件回到整改监管。"""

    @transition(field=state, source=[S.OPENED, S.RECTIFYING, S.OVERDUE], target=S.EXIT_ORDERED)
    def order_exit(self):
        """依法责令关停退出 / 予以关闭 / 责令限时拆除淘汰设备。"""

    @transition(field=state, source=S.EXIT_ORDERED, target=S.SEALED)
    def confirm_sealed(self):
        """断水断电、拆除动力装置、封存主体设备（技术：并公开承诺、公告），待拆除。"""

    @transition(field=state, source=[S.EXIT_ORDERED, S.SEALED], target=S.EXITED)
    def accept_exit(self):
        """验收合格，产能退出。"""

    @transition(field=state, source=S.EXITED, target=S.EXIT_ORDERED)
    def find_restarted(self):
        """回头看发现恢复生产，重新责令退出。"""

    @transition(
        field=state,
        source=[S.OPENED, S.RECTIFYING, S.EXTENSION_REQUESTED, S.OVERDUE, S.APPROVAL_REQUESTED],
        target=S.WITHDRAWN,
    )
    def withdraw(self):
        """撤销立案（发现有误）。"""


class CaseEvent(AppendOnly):
    """An entry in the case file, hash-chained to the one before."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类别"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人"), max_length=150, help_text=_("空为系统定时任务。"))
    from_state = models.CharField(_("原状态"), max_length=24, blank=True)
    to_state = models.CharField(_("新状态"), max_length=24, blank=True)
    summary = models.CharField(_("摘要"), max_length=500)
    payload = models.JSONField(_("内容"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("案卷事件")
        verbose_name_plural = _("案卷事件")
        ordering = ["case_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"


def _case_upload(instance, filename: str) -> str:
    return f"cases/{instance.case_id}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Evidence(AppendOnly):
    """证据材料: a file in the case file, stored under its SHA-256."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("类别"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to=_case_upload, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name


class Document(AppendOnly):
    """执法文书: a generated PDF with its document number (文号)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书类别"), max_length=24, choices=DocumentKind.choices)
    number = models.CharField(_("文号"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    issued_on = models.DateField(_("日期"))
    file = models.FileField(_("文件"), upload_to=_case_upload, max_length=300)
    sha256 = models.CharField(max_length=64)
    context = models.JSONField(_("内容"), default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.number


class NumberSequence(models.Model):
    """The last number used per issuer, kind and year (文号 and 案件编号 are gap-free per year)."""

    scope = models.CharField(max_length=80)
    kind = models.CharField(max_length=24)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "kind", "year"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.kind} {self.year}: {self.last}"


class Measure(models.Model):
    """退出措施 or restriction on an enterprise, a line or a license. Never deleted, only lifted."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="measures"
    )
    line = models.ForeignKey(
        "registry.ProductionLine",
        on_delete=models.PROTECT,
        related_name="measures",
        null=True,
        blank=True,
        verbose_name=_("生产线"),
    )
    license = models.ForeignKey(
        "registry.License",
        on_delete=models.PROTECT,
        related_name="measures",
        null=True,
        blank=True,
        verbose_name=_("证照"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="measures", null=True, blank=True
    )
    kind = models.CharField(_("措施"), max_length=24, choices=MeasureKind.choices)
    executed_on = models.DateField(_("执行日期"))
    executor = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("执行单位"),
    )
    executor_name = models.CharField(_("执行单位"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.CharField(_("解除理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("措施")
        verbose_name_plural = _("措施")
        ordering = ["-executed_on", "-id"]
        indexes = [models.Index(fields=["line", "lifted_on"], name="measure_line_in_force")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def in_force(self) -> bool:
        return self.lifted_on is None

    def delete(self, *args, **kwargs):
        raise RuntimeError("measures are never deleted, only lifted")


class Notification(models.Model):
    """站内提醒 (and e-mail when configured): a deadline coming, or a case needing action."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    due_on = models.DateField(_("期限"))
    days_before = models.PositiveSmallIntegerField(_("提前天数"))
    message = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case", "due_on", "days_before"], name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return self.message


class ProcedureOverride(models.Model):
    """A jurisdiction's own value for a procedure parameter (e.g. 郴州: 安全整顿期限6个月)."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="procedure_overrides"
    )
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    parameter = models.CharField(_("参数"), max_length=40)
    value = models.JSONField(_("取值"))
    reference = models.CharField(_("依据"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("设定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("程序参数（地方）")
        verbose_name_plural = _("程序参数（地方）")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "dimension", "parameter"], name="procedure_override_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.dimension} {self.parameter}={self.value}"


class CalendarYear(models.Model):
    """法定节假日安排（管理员载入）: a year's official holidays and make-up workdays."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    holidays = models.JSONField(_("法定节假日"), default=dict)  # {"YYYY-MM-DD": "春节"}
    workdays = models.JSONField(_("调休上班日"), default=list)  # ["YYYY-MM-DD"]
    source = models.CharField(_("来源文件"), max_length=300)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
