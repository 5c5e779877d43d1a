from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    PARK = "park", _("园区/管委会")


class DepartmentKind(models.TextChoices):
    INDUSTRY_IT = "industry_it", _("工业和信息化（经信）")
    DEVELOPMENT_REFORM = "development_reform", _("发展改革")
    ECOLOGY_ENVIRONMENT = "ecology_environment", _("生态环境")
    MARKET_REGULATION = "market_regulation", _("市场监管")
    EMERGENCY_MANAGEMENT = "emergency_management", _("应急管理")
    ENERGY = "energy", _("能源（煤炭）")
    FINANCE = "finance", _("财政")
    HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障")
    NATURAL_RESOURCES = "natural_resources", _("自然资源")
    TAX = "tax", _("税务")
    FINANCIAL_REGULATION = "financial_regulation", _("金融监管（金融办/人行/金融监管）")
    POWER_SUPPLIER = "power_supplier", _("供电企业")
    WATER_SUPPLIER = "water_supplier", _("供水企业")
    LEADING_GROUP = "leading_group", _("领导小组")


# The departments that keep the registry and drive cases (DESIGN.md, "Who uses it": 工信/经信,
# 发改, 生态环境, 市场监管, 应急管理, 能源/煤炭). The cooperating departments read it.
REGISTRY_KEEPERS = frozenset(
    {
        DepartmentKind.INDUSTRY_IT,
        DepartmentKind.DEVELOPMENT_REFORM,
        DepartmentKind.ECOLOGY_ENVIRONMENT,
        DepartmentKind.MARKET_REGULATION,
        DepartmentKind.EMERGENCY_MANAGEMENT,
        DepartmentKind.ENERGY,
    }
)


class Role(models.TextChoices):
    OFFICER = "officer", _("经办人员")
    LEADER = "leader", _("领导")
    AUDITOR = "auditor", _("审计/监督人员")
    ENTERPRISE = "enterprise", _("企业用户")
    ADMINISTRATOR = "administrator", _("系统管理员")
