from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from phaseout.registry.choices import (
    EQUIPMENT_CAPACITY_UNITS,
    EQUIPMENT_SIZE_UNITS,
    CapacityUnit,
    EnterpriseSize,
    EnterpriseStatus,
    EquipmentType,
    LegalStanding,
    LicenseKind,
    LicenseStatus,
    LineStatus,
    Process,
    Product,
    SizeUnit,
)
from phaseout.registry.creditcode import validate_credit_code


class Industry(models.Model):
    """国民经济行业分类 GB/T 4754-2017: a division (2 digits), group (3) or class (4)."""

    code = models.CharField(_("行业代码"), max_length=4, unique=True)
    name = models.CharField(_("行业名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级行业"),
    )
    is_key = models.BooleanField(
        _("重点行业"), default=False, help_text=_("落后产能退出的重点行业（钢铁、煤炭、水泥等）。")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Enterprise(models.Model):
    """企业: one legal entity in the registry, identified by its 统一社会信用代码."""

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("行政区划"),
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("行业")
    )
    size = models.CharField(_("企业规模"), max_length=10, choices=EnterpriseSize.choices)
    legal_standing = models.CharField(
        _("合法手续"),
        max_length=10,
        choices=LegalStanding.choices,
        default=LegalStanding.LICENSED,
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    status = models.CharField(
        _("企业状态"),
        max_length=12,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["region", "industry"])]

    def __str__(self) -> str:
        return self.name


class ProductionLine(models.Model):
    """生产线/主体设备: one line or main equipment of an enterprise, with its capacity."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="lines", verbose_name=_("企业")
    )
    code = models.CharField(_("生产线编号"), max_length=50, help_text=_("在本企业内唯一。"))
    name = models.CharField(_("生产线名称"), max_length=200, blank=True)
    equipment_type = models.CharField(_("设备类型"), max_length=30, choices=EquipmentType.choices)
    capacity = models.DecimalField(
        _("产能"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"), _("产能应为正数。"))],
    )
    capacity_unit = models.CharField(_("产能单位"), max_length=12, choices=CapacityUnit.choices)
    # What the technology catalogue (产业结构调整指导目录 淘汰类) judges the equipment by.
    size = models.DecimalField(
        _("设备规格"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"), _("设备规格应为正数。"))],
        help_text=_(
            "主体设备的规格：高炉有效容积、转炉/电炉公称容量、烧结机面积、电解槽电流、"
            "水泥磨或立窑直径、熟料线规模、矿热炉容量等，与规格单位一起填写。"
        ),
    )
    size_unit = models.CharField(
        _("规格单位"),
        max_length=8,
        choices=SizeUnit.choices,
        blank=True,
        help_text=_("须与设备类型相符；轧机、煤矿、造纸机等不按规格判定的设备不填。"),
    )
    process = models.CharField(
        _("工艺"),
        max_length=20,
        choices=Process.choices,
        blank=True,
        help_text=_(
            "淘汰目录按工艺判定的设备填写：水泥窑（新型干法、湿法窑、立窑等）、平板玻璃（浮法、平拉等）、"
            "电解槽（预焙槽、自焙槽）、焦炉（顶装、捣固）、感应炉（中频、工频）、煤矿开采方式。"
        ),
    )
    product = models.CharField(
        _("产品/用途"),
        max_length=20,
        choices=Product.choices,
        blank=True,
        help_text=_("淘汰目录或能耗限额按产品区分时填写，如铸造生铁、特种水泥。"),
    )
    commissioning_year = models.PositiveSmallIntegerField(
        _("投产年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=LineStatus.choices, default=LineStatus.OPERATING
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("生产线")
        verbose_name_plural = _("生产线")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "code"],
                name="line_code_unique_in_enterprise",
                violation_error_message=_("本企业已有相同编号的生产线。"),
            ),
        ]
        indexes = [models.Index(fields=["equipment_type", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.get_equipment_type_display()}"

    def clean(self) -> None:
        errors = {}
        allowed = EQUIPMENT_CAPACITY_UNITS.get(self.equipment_type, ())
        if self.equipment_type and self.capacity_unit and self.capacity_unit not in allowed:
            errors["capacity_unit"] = unit_mismatch_message(self.equipment_type, self.capacity_unit)
        has_size = self.size is not None
        if has_size and not self.size_unit:
            errors["size_unit"] = size_unit_missing_message(self.equipment_type)
        elif self.size_unit and not has_size:
            errors["size"] = size_missing_message()
        elif self.equipment_type and self.size_unit:
            problem = size_unit_problem(self.equipment_type, self.size_unit)
            if problem:
                errors["size_unit"] = problem
        if errors:
            raise ValidationError(errors)


def unit_mismatch_message(equipment_type: str, unit: str) -> str:
    allowed = EQUIPMENT_CAPACITY_UNITS.get(equipment_type, ())
    return _("产能单位“%(unit)s”不适用于%(equipment)s，应为：%(allowed)s。") % {
        "unit": CapacityUnit(unit).label if unit in CapacityUnit.values else unit,
        "equipment": _label(EquipmentType, equipment_type),
        "allowed": "、".join(str(CapacityUnit(u).label) for u in allowed),
    }


def size_unit_problem(equipment_type: str, unit: str) -> str | None:
    """Why a size unit does not fit the equipment, or None when it does."""
    allowed = EQUIPMENT_SIZE_UNITS.get(equipment_type)
    if allowed is not None and unit in allowed:
        return None
    label, equipment = _label(SizeUnit, unit), _label(EquipmentType, equipment_type)
    if not allowed:
        # 目录 does not judge this equipment by a size (轧机、煤矿、造纸机 …): by capacity alone.
        return _(
            "淘汰目录不按设备规格判定%(equipment)s：规格单位（现为“%(unit)s”）和设备规格都不填。"
        ) % {"equipment": equipment, "unit": label}
    return _("规格单位“%(unit)s”不适用于%(equipment)s，应为：%(allowed)s。") % {
        "unit": label,
        "equipment": equipment,
        "allowed": "、".join(str(SizeUnit(u).label) for u in allowed),
    }


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def size_unit_missing_message(equipment_type: str | None = None) -> str:
    allowed = EQUIPMENT_SIZE_UNITS.get(equipment_type or "")
    if not allowed or equipment_type == EquipmentType.OTHER:
        return _("填写了设备规格，还须填写规格单位。")
    return _("填写了设备规格，还须填写规格单位（%(equipment)s应为：%(allowed)s）。") % {
        "equipment": _label(EquipmentType, equipment_type),
        "allowed": "、".join(str(SizeUnit(u).label) for u in allowed),
    }


def size_missing_message() -> str:
    return _("填写了规格单位，还须填写设备规格（数值）。")


class License(models.Model):
    """证照: production license, safety license or discharge permit (排污许可证)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="licenses", verbose_name=_("企业")
    )
    kind = models.CharField(_("证照类别"), max_length=12, choices=LicenseKind.choices)
    number = models.CharField(_("证书编号"), max_length=60)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=LicenseStatus.choices, default=LicenseStatus.VALID
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["enterprise_id", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="license_number_unique_per_kind",
                violation_error_message=_("已有相同类别和编号的证照。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("有效期至不能早于有效期起。")})


class LedgerImport(models.Model):
    """台账导入记录: who imported which files when, and what the import changed.

    Written by registry.ledger.importer in the same transaction as the rows it imported; the
    file hashes tie the record to the exact files the office sent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
        help_text=_("为空表示由运维人员在命令行导入。"),
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    files = models.JSONField(_("文件"), default=list, help_text=_("文件名、大小和SHA-256。"))
    dry_run = models.BooleanField(_("仅校验"), default=False)
    enterprises_created = models.PositiveIntegerField(_("新增企业"), default=0)
    enterprises_updated = models.PositiveIntegerField(_("更新企业"), default=0)
    enterprises_unchanged = models.PositiveIntegerField(_("未变企业"), default=0)
    lines_created = models.PositiveIntegerField(_("新增生产线"), default=0)
    lines_updated = models.PositiveIntegerField(_("更新生产线"), default=0)
    lines_unchanged = models.PositiveIntegerField(_("未变生产线"), default=0)

    class Meta:
        verbose_name = _("台账导入记录")
        verbose_name_plural = _("台账导入记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return "、".join(f.get("name", "") for f in self.files) or str(self.pk)
