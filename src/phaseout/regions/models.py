from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaseout.regions.choices import DepartmentKind, RegionLevel, Role

region_code_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为6位数字（GB/T 2260）。"))


def code_prefix(code: str, level: str) -> str:
    """The code prefix that every region under this one shares (GB/T 2260 structure).

    Positions 1–2 are the province, 3–4 the prefecture, 5–6 the county; a park (园区) carries a
    county-level code of its own (the statistical 71–80 range), so it is a leaf like a county.
    """
    if level == RegionLevel.PROVINCE:
        return code[:2]
    if level == RegionLevel.CITY:
        return code[:4]
    return code


def parent_code(code: str) -> str | None:
    """The code of the region above: county 320102 → city 320100 → province 320000."""
    if code[4:] != "00":
        return code[:4] + "00"
    if code[2:4] != "00":
        return code[:2] + "0000"
    return None


class RegionQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> RegionQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )

    def current(self) -> RegionQuerySet:
        return self.filter(valid_to__isnull=True)

    def within(self, region: Region) -> RegionQuerySet:
        return self.filter(code__startswith=region.prefix)


class Region(models.Model):
    """行政区划 (GB/T 2260). The tree follows the codes; a code may be valid for a period."""

    code = models.CharField(_("行政区划代码"), max_length=6, validators=[region_code_validator])
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级区划"),
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(
        _("停用日期"), null=True, blank=True, help_text=_("代码撤销或变更之日；为空表示现行有效。")
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="region_code_unique_current",
                violation_error_message=_("该行政区划代码已有一条现行有效的记录。"),
            ),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return code_prefix(self.code, self.level)

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    def clean(self) -> None:
        expected = parent_code(self.code)
        if self.level == RegionLevel.PROVINCE and expected is not None:
            raise ValidationError({"code": _("省级区划代码应以0000结尾。")})
        if self.level == RegionLevel.CITY and not (self.code.endswith("00") and expected):
            raise ValidationError({"code": _("市级区划代码应以00结尾且不以0000结尾。")})
        if self.level in (RegionLevel.COUNTY, RegionLevel.PARK) and self.code.endswith("00"):
            raise ValidationError({"code": _("县级区划和园区代码的最后两位不能为00。")})
        if self.parent_id and self.parent.code != expected:
            raise ValidationError(
                {"parent": _("上级区划应为代码 %(code)s 的区划。") % {"code": expected}}
            )


class Department(models.Model):
    """部门: a kind of government department (or utility) in one region."""

    kind = models.CharField(_("部门类别"), max_length=30, choices=DepartmentKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("行政区划")
    )
    name = models.CharField(_("部门名称"), max_length=100)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A user's place in the jurisdiction: role, department and region (the scope)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("部门"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="people", verbose_name=_("行政区划")
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属企业"),
        help_text=_("仅企业用户填写。"),
    )
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return (
            f"{self.user.get_full_name() or self.user.get_username()}（{self.get_role_display()}）"
        )

    def clean(self) -> None:
        if self.role == Role.ENTERPRISE:
            if not self.enterprise_id:
                raise ValidationError({"enterprise": _("企业用户必须关联所属企业。")})
        elif self.enterprise_id:
            raise ValidationError({"enterprise": _("只有企业用户才关联企业。")})
        if self.role in (Role.OFFICER, Role.LEADER) and not self.department_id:
            raise ValidationError({"department": _("经办人员和领导必须属于一个部门。")})
        if self.department_id and self.department.region_id != self.region_id:
            raise ValidationError({"region": _("人员的行政区划应与其部门所在区划一致。")})
