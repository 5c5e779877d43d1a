"""Screening (排查): inspections and measurements, campaigns, and the findings they produce."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from phaseout.regions.models import Department, Region
from phaseout.registry.models import Enterprise, Industry, ProductionLine
from phaseout.screening.choices import CampaignStatus, Dimension, FindingCategory, Source


class Inspection(models.Model):
    """检查/抽查: one visit or sampling, whose measurements and conclusions are recorded."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("企业")
    )
    line = models.ForeignKey(
        ProductionLine,
        on_delete=models.PROTECT,
        related_name="inspections",
        null=True,
        blank=True,
        verbose_name=_("生产线"),
    )
    date = models.DateField(_("检查日期"))
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("检查部门"),
    )
    document_number = models.CharField(_("检查记录/报告编号"), max_length=100, blank=True)
    inspectors = models.CharField(_("检查人员"), max_length=200, blank=True)
    conclusion = models.TextField(_("检查结论"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_source_display()} {self.enterprise}"


class Measurement(models.Model):
    """检测/监测值: one value of one metric (catalog/metrics.yaml) for an enterprise or a line.

    ``value`` and ``unit`` are as entered; ``value_std`` is the value in the metric's unit,
    converted on entry (a unit that cannot be converted is refused), and is what rules compare.
    """

    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        related_name="measurements",
        null=True,
        blank=True,
        verbose_name=_("检查"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="measurements", verbose_name=_("企业")
    )
    line = models.ForeignKey(
        ProductionLine,
        on_delete=models.PROTECT,
        related_name="measurements",
        null=True,
        blank=True,
        verbose_name=_("生产线"),
    )
    metric = models.CharField(_("指标"), max_length=60)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=6)
    unit = models.CharField(_("单位"), max_length=16)
    value_std = models.FloatField(_("折算值"), editable=False)
    method = models.CharField(_("检测方法"), max_length=200, blank=True)
    date = models.DateField(_("检测日期"))
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检测值")
        verbose_name_plural = _("检测值")
        ordering = ["-date", "-id"]
        indexes = [
            # The latest reading of a metric per line (or per enterprise) inside a window.
            models.Index(fields=["metric", "date", "line"], name="measurement_metric_line"),
            models.Index(fields=["metric", "date", "enterprise"], name="measurement_metric_ent"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.value} {self.unit} ({self.date})"


class ScreeningCampaign(models.Model):
    """排查: one screening of a region's enterprises in some industries, as of one date.

    Measurements count when dated inside [measured_from, measured_to]; rules count when in force
    on ``as_of``. Running it again updates its findings in place.
    """

    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("区域")
    )
    industries = models.ManyToManyField(
        Industry,
        blank=True,
        related_name="+",
        verbose_name=_("行业"),
        help_text=_("不选则为全部重点行业。"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    as_of = models.DateField(_("判定基准日"))
    measured_from = models.DateField(_("检测数据起始日"))
    measured_to = models.DateField(_("检测数据截止日"))
    status = models.CharField(
        _("状态"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    last_run_at = models.DateTimeField(_("最近运行时间"), null=True, blank=True)
    last_run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("最近运行人"),
    )
    summary = models.JSONField(_("运行结果摘要"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["summary"])

    class Meta:
        verbose_name = _("排查")
        verbose_name_plural = _("排查")
        ordering = ["-year", "-as_of", "-id"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """不达标: a rule that an enterprise or a line fails, with everything that produced it."""

    campaign = models.ForeignKey(
        ScreeningCampaign, on_delete=models.CASCADE, related_name="findings", verbose_name=_("排查")
    )
    rule_id = models.CharField(_("规则编号"), max_length=100)
    local_rule = models.ForeignKey(
        "standards.LocalRule",
        on_delete=models.PROTECT,
        related_name="findings",
        null=True,
        blank=True,
        verbose_name=_("地方规则"),
    )
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    category = models.CharField(_("类别"), max_length=10, choices=FindingCategory.choices)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="findings", verbose_name=_("企业")
    )
    line = models.ForeignKey(
        ProductionLine,
        on_delete=models.PROTECT,
        related_name="findings",
        null=True,
        blank=True,
        verbose_name=_("生产线"),
    )
    # "l<line id>" or "e<enterprise id>": one finding per rule and subject in a campaign.
    subject_key = models.CharField(max_length=24, editable=False)
    as_of = models.DateField(_("判定基准日"))
    description = models.CharField(_("规则内容"), max_length=300)
    reference = models.CharField(_("依据"), max_length=300)
    confidence = models.CharField(_("可信度"), max_length=1)
    value = models.FloatField(_("采用值"), null=True, blank=True)
    threshold = models.FloatField(_("限值"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    level = models.CharField(_("判定等级"), max_length=10, blank=True)
    values_from = models.DateField(_("取值生效日"), null=True, blank=True)
    deadline = models.DateField(_("淘汰期限"), null=True, blank=True)
    measurement_ids = models.JSONField(_("所用检测值"), default=list)
    computation = models.JSONField(_("计算过程"), default=list)
    # Set when a later run no longer finds it while a case still cites it: the finding is kept
    # (the case file refers to it) but marked as no longer holding.
    superseded_at = models.DateTimeField(_("复查不再成立时间"), null=True, blank=True)
    first_found_at = models.DateTimeField(_("首次发现时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("不达标发现")
        verbose_name_plural = _("不达标发现")
        ordering = ["enterprise_id", "line_id", "rule_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "rule_id", "subject_key"], name="finding_once_per_subject"
            ),
        ]
        # Coverage asks, per enterprise in scope, whether the campaign found anything.
        indexes = [
            models.Index(fields=["campaign", "enterprise"], name="finding_campaign_enterprise")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.enterprise}"


class DataGap(models.Model):
    """缺少数据: a subject a rule covers but that could not be judged — what to inspect next.

    An enterprise in scope with no production line in the registry is a gap too (rule_id
    ``registry.lines``): screening cannot see capacity that was never recorded.
    """

    campaign = models.ForeignKey(
        ScreeningCampaign, on_delete=models.CASCADE, related_name="gaps", verbose_name=_("排查")
    )
    rule_id = models.CharField(_("规则编号"), max_length=100)
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices, blank=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("企业")
    )
    line = models.ForeignKey(
        ProductionLine,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("生产线"),
    )
    needed = models.CharField(_("所缺数据"), max_length=100)

    class Meta:
        verbose_name = _("缺少数据")
        verbose_name_plural = _("缺少数据")
        ordering = ["enterprise_id", "line_id", "rule_id"]
        indexes = [models.Index(fields=["campaign", "enterprise"], name="gap_campaign_enterprise")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.enterprise}: {self.needed}"
