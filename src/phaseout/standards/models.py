"""Local rules (地方规则): a jurisdiction's stricter or extra rules, kept in the database.

National rules are data files shipped with the code (``standards/catalog``); a jurisdiction adds
its own without a code change: a stricter limit for a national rule inside its region
(``supersedes``), or an extra rule (seed 004: 安全生产标准化达到三级). A local rule has the same
shape as a catalogue rule, is dated and referenced like one, applies only inside its region, and
every change is kept (django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from phaseout.regions.models import Region


class LocalRuleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("生效")
    WITHDRAWN = "withdrawn", _("已撤销")


class LocalRule(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="local_rules", verbose_name=_("适用区域")
    )
    rule_id = models.CharField(
        _("规则编号"),
        max_length=100,
        help_text=_("以 local. 开头，在本区域内唯一，例如 local.safety.standardisation-level3。"),
    )
    supersedes = models.CharField(
        _("替代的国家规则"),
        max_length=100,
        blank=True,
        help_text=_("在本区域内以更严格的取值替代的国家规则编号；为空表示新增规则。"),
    )
    definition = models.JSONField(
        _("规则定义"), help_text=_("与目录文件中一条规则的写法相同（维度、类型、依据、取值 …）。")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=LocalRuleStatus.choices, default=LocalRuleStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("地方规则")
        verbose_name_plural = _("地方规则")
        ordering = ["region__code", "rule_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "rule_id"],
                name="local_rule_id_unique_in_region",
                violation_error_message=_("本区域已有相同编号的地方规则。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.region.name})"

    @property
    def description(self) -> str:
        return str(self.definition.get("description", ""))

    @property
    def reference(self) -> str:
        return str(self.definition.get("reference", ""))

    @property
    def dimension(self) -> str:
        return str(self.definition.get("dimension", ""))
