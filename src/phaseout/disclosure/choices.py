"""The public lists (名单) and which department kinds publish them.

工信部联产业〔2017〕30号（二十一）强化信息公开 (seed 002), repeated with local departments by seed 000
(row 16, 区级分工) and seed 003 三(四):

* 年度落后产能退出企业名单、设备（生产线）和产能情况 — "工业和信息化、能源、煤炭主管部门" (30号文);
  seed 000 row 16 assigns it to 区经济信息委、区发展改革委, seed 003 to 市工业和信息化局、市发展和改革局.
  So: industry-IT, development-reform, energy (煤炭 is part of the energy kind here).
* 黄牌 (不达标应限期整改) and 红牌 (经整改仍不达标、已依法关闭) — "工业和信息化、发展改革、质量技术监督、
  安全生产监管主管部门" (30号文; seed 000: 区经济信息委、区发展改革委、区市场监管局、区应急管理局);
  seed 003 adds 能源. 质量技术监督 is now market regulation, 安全生产监管 emergency management.
* 超标排放企业名单 and 超标排放情节严重的企业名单 — "环境保护主管部门" (30号文; seed 000: 区生态环境局).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from phaseout.regions.choices import DepartmentKind


class ListKind(models.TextChoices):
    YELLOW = "yellow", _("黄牌（限期整改）")
    RED = "red", _("红牌（依法关停）")
    ENV_EXCEEDING = "env_exceeding", _("超标排放企业")
    ENV_SERIOUS = "env_serious", _("超标排放情节严重企业")
    ANNUAL_EXIT = "annual_exit", _("年度落后产能退出企业名单")


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已公布")


_CARD_PUBLISHERS = frozenset(
    {
        DepartmentKind.INDUSTRY_IT,
        DepartmentKind.DEVELOPMENT_REFORM,
        DepartmentKind.MARKET_REGULATION,
        DepartmentKind.EMERGENCY_MANAGEMENT,
        DepartmentKind.ENERGY,  # seed 003 三(四)
    }
)
_ENVIRONMENT_PUBLISHERS = frozenset({DepartmentKind.ECOLOGY_ENVIRONMENT})

# 30号文（二十一）; seed 000 row 16; seed 003 三(四) — see the module docstring.
PUBLISHERS: dict[str, frozenset] = {
    ListKind.YELLOW: _CARD_PUBLISHERS,
    ListKind.RED: _CARD_PUBLISHERS,
    ListKind.ENV_EXCEEDING: _ENVIRONMENT_PUBLISHERS,
    ListKind.ENV_SERIOUS: _ENVIRONMENT_PUBLISHERS,
    ListKind.ANNUAL_EXIT: frozenset(
        {DepartmentKind.INDUSTRY_IT, DepartmentKind.DEVELOPMENT_REFORM, DepartmentKind.ENERGY}
    ),
}

# The word of a list in its publication number: 〔2026〕黄牌第3号.
NUMBER_WORD = {
    ListKind.YELLOW: "黄牌",
    ListKind.RED: "红牌",
    ListKind.ENV_EXCEEDING: "超标排放",
    ListKind.ENV_SERIOUS: "超标排放严重",
    ListKind.ANNUAL_EXIT: "退出",
}


class RecordSection(models.TextChoices):
    """The sections of an enterprise's public record, in the order the page shows them."""

    IDENTITY = "identity", _("企业基本信息")
    LINES = "lines", _("生产线和产能")
    STATUS = "status", _("当前状态")
    COMPLIANCE = "compliance", _("近12个季度合规情况")
    MEASURES = "measures", _("已公布的措施")
    ANNOUNCEMENTS = "announcements", _("公告")
    EXITS = "exits", _("退出情况")


# Sections whose facts come from the registry (台账): a report on them goes to the department
# keeping the registry; the others to the department that published the lists.
REGISTRY_SECTIONS = frozenset({RecordSection.IDENTITY, RecordSection.LINES})


class DataErrorStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已关闭")
