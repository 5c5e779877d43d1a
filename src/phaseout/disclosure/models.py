"""List snapshots (名单): what was published, as it was published.

A snapshot is prepared as a draft from the cases at a cut-off date, reviewed by a second
officer and published by the department (services.py). Its entries are plain data copied from
the cases and the registry at preparation — never live foreign keys — so a later change to an
enterprise or a case never alters a published list; ``enterprise_id`` and ``case_id`` stay
only as links. A published snapshot and its entries refuse every change and deletion, also
through querysets; a later change makes a new snapshot and the old one stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phaseout.disclosure.choices import DataErrorStatus, ListKind, RecordSection, SnapshotStatus
from phaseout.screening.choices import Dimension


class Immutable(RuntimeError):
    """A published list was about to change."""


class ListSnapshotQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=SnapshotStatus.PUBLISHED)

    def _refuse_published(self):
        if self.filter(status=SnapshotStatus.PUBLISHED).exists():
            raise Immutable("published list snapshots are immutable")

    def update(self, **kwargs):
        self._refuse_published()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_published()
        return super().delete()


class ListSnapshot(models.Model):
    """名单快照: one list of one region at one cut-off date, numbered when published."""

    kind = models.CharField(_("名单"), max_length=20, choices=ListKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("行政区划")
    )
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("公布部门"),
    )
    cut_off = models.DateField(_("截止日期"))
    year = models.PositiveSmallIntegerField(_("退出年度"), null=True, blank=True)
    number = models.CharField(_("编号"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT
    )
    entry_count = models.PositiveIntegerField(_("条目数"), default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("编制时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    # The delisting check made at publication: the entries of the previous published snapshot
    # that this one drops, when each left the list, and whether this publication was within
    # 3 working days of it (see services.delistings).
    delistings = models.JSONField(_("移出名单核查"), default=list, blank=True)
    late_removals = models.PositiveIntegerField(_("逾期移出数"), default=0)

    objects = ListSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("名单快照")
        verbose_name_plural = _("名单快照")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "number"],
                condition=~models.Q(number=""),
                name="list_snapshot_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "region", "status"], name="list_snapshot_kind"),
        ]

    def __str__(self) -> str:
        return (
            self.number
            or f"{self.get_kind_display()} {self.cut_off}（{self.get_status_display()}）"
        )

    def save(self, *args, **kwargs):
        if self._stored_published():
            raise Immutable("published list snapshots are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published or self._stored_published():
            raise Immutable("published list snapshots are immutable")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == SnapshotStatus.PUBLISHED

    def _stored_published(self) -> bool:
        return (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk, status=SnapshotStatus.PUBLISHED).exists()
        )


class SnapshotEntryQuerySet(models.QuerySet):
    def _refuse_published(self):
        if self.filter(snapshot__status=SnapshotStatus.PUBLISHED).exists():
            raise Immutable("entries of a published list are immutable")

    def update(self, **kwargs):
        self._refuse_published()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_published()
        return super().delete()


class SnapshotEntry(models.Model):
    """One row of a list snapshot, copied as plain data when the snapshot was prepared."""

    snapshot = models.ForeignKey(ListSnapshot, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(_("序号"))
    enterprise_id = models.PositiveBigIntegerField(_("企业ID"))
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    region_code = models.CharField(_("行政区划代码"), max_length=6)
    region_name = models.CharField(_("行政区划"), max_length=100)
    industry_code = models.CharField(_("行业代码"), max_length=4)
    industry_name = models.CharField(_("行业"), max_length=100)
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    case_id = models.PositiveBigIntegerField(_("案件ID"))
    case_number = models.CharField(_("案件编号"), max_length=40)
    line_code = models.CharField(_("生产线编号"), max_length=50, blank=True)
    equipment = models.CharField(_("设备（生产线）"), max_length=200)
    since = models.DateField(_("列入日期"))
    capacity = models.DecimalField(
        _("产能"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(_("产能单位"), max_length=12, blank=True)
    reason = models.CharField(_("事由"), max_length=500)

    objects = SnapshotEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("名单条目")
        verbose_name_plural = _("名单条目")
        ordering = ["snapshot_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "position"], name="snapshot_entry_position_unique"
            ),
        ]
        # The public record (公开档案) finds an enterprise's entries by its code.
        indexes = [models.Index(fields=["credit_code"], name="snapshot_entry_credit_code")]

    def __str__(self) -> str:
        return f"{self.enterprise_name} {self.line_code}".strip()

    def save(self, *args, **kwargs):
        # Entries are written once, with their draft; nothing edits a row afterwards.
        if self.pk is not None:
            raise Immutable("list entries are written once")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.snapshot.is_published:
            raise Immutable("entries of a published list are immutable")
        return super().delete(*args, **kwargs)

    @property
    def key(self) -> tuple[int, str]:
        return (self.case_id, self.line_code)


class ListNumber(models.Model):
    """The last publication number per region, list and year (gap-free: taken at publication)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ListKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "year"], name="list_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.kind} {self.year}: {self.last}"


class DataErrorReport(models.Model):
    """报告数据错误: what a member of the public says is wrong on an enterprise's public record.

    Routed at submission to the department answerable for the section (services.route_data_error);
    the sender follows it with the reference code. The e-mail address is personal data: stored
    encrypted (core.crypto), shown only to the department handling the report.
    """

    reference = models.CharField(_("查询码"), max_length=20, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    section = models.CharField(
        _("有误的部分"), max_length=20, choices=RecordSection.choices, blank=True
    )
    message = models.TextField(_("错误说明"))
    email = models.TextField(_("回复邮箱（加密）"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DataErrorStatus.choices, default=DataErrorStatus.OPEN
    )
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    response = models.TextField(_("答复"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认邮件发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据错误报告")
        verbose_name_plural = _("数据错误报告")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "status"], name="data_error_department")]

    def __str__(self) -> str:
        return self.reference
