from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a measurement comes from."""

    INSPECTION = "inspection", _("现场检查")
    SAMPLING = "sampling", _("抽样检测")
    ONLINE = "online", _("在线监测")
    REPORT = "report", _("企业自报")


class Dimension(models.TextChoices):
    """The five comprehensive standards (综合标准) of 工信部联产业〔2017〕30号."""

    ENERGY = "ENERGY", _("能耗")
    ENVIRONMENT = "ENVIRONMENT", _("环保")
    QUALITY = "QUALITY", _("质量")
    SAFETY = "SAFETY", _("安全")
    TECHNOLOGY = "TECHNOLOGY", _("技术")


class FindingCategory(models.TextChoices):
    FAILED = "failed", _("不达标")
    ELIMINATED = "eliminated", _("淘汰类")
    RESTRICTED = "restricted", _("限制类")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("未运行")
    RUN = "run", _("已运行")
