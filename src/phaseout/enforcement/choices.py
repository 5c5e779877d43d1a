from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    """The states of a case (案件). Which of them a case passes through depends on its dimension's
    procedure (see procedures.yaml and docs/enforcement.md)."""

    OPENED = "opened", _("已立案")
    RECTIFYING = "rectifying", _("限期整改中")
    EXTENSION_REQUESTED = "extension_requested", _("延期申请待决定")
    OVERDUE = "overdue", _("逾期未整改")
    APPROVAL_REQUESTED = "approval_requested", _("报请政府批准中")
    EXIT_ORDERED = "exit_ordered", _("责令关停退出")
    SEALED = "sealed", _("已封存待拆除")
    EXITED = "exited", _("已退出")
    COMPLIANT = "compliant", _("整改达标结案")
    WITHDRAWN = "withdrawn", _("已撤销")


OPEN_STATES = frozenset(
    {
        CaseState.OPENED,
        CaseState.RECTIFYING,
        CaseState.EXTENSION_REQUESTED,
        CaseState.OVERDUE,
        CaseState.APPROVAL_REQUESTED,
        CaseState.EXIT_ORDERED,
        CaseState.SEALED,
    }
)
# An exited case stays "live" for its follow-up re-inspections (回头看) but is no longer open.
TERMINAL_STATES = frozenset({CaseState.EXITED, CaseState.COMPLIANT, CaseState.WITHDRAWN})


class OrderKind(models.TextChoices):
    """What the first order of a case tells the enterprise to do."""

    RECTIFY = "rectify", _("限期整改")
    RESTRICT = "restrict", _("限制生产")
    SUSPEND_REMEDY = "suspend_remedy", _("停产整治")
    SUSPEND_RECTIFY = "suspend_rectify", _("停产整改")
    SUSPEND_OPERATIONS = "suspend_operations", _("停产停业整顿")
    DISMANTLE = "dismantle", _("拆除淘汰设备")


class ExitKind(models.TextChoices):
    """30号文（九）：依法关停、停业、关闭、取缔整个企业，或淘汰相关主体设备（生产线）。"""

    SHUTDOWN = "shutdown", _("关停")
    CEASE = "cease", _("停业")
    CLOSE = "close", _("关闭")
    BAN = "ban", _("取缔")
    LINES = "lines", _("淘汰主体设备（生产线）")


class DueKind(models.TextChoices):
    """What falls due on a case's ``due_on``."""

    NONE = "", _("无")
    RECTIFICATION = "rectification", _("整改期限")
    EXTENSION_DECISION = "extension_decision", _("延期申请待决定（原整改期限）")
    EXIT = "exit", _("关停退出期限")
    DISMANTLING = "dismantling", _("限时拆除期限")
    FOLLOW_UP = "follow_up", _("回头看复查")


class MeasureKind(models.TextChoices):
    """退出措施 and the orders that restrict what a line or license may do."""

    POWER_CUT = "power_cut", _("断电")
    WATER_CUT = "water_cut", _("断水")
    POWER_DEVICES_REMOVED = "power_devices_removed", _("拆除动力装置")
    SEALED = "sealed", _("封存主体设备")
    DISMANTLED = "dismantled", _("拆除")
    COMMITMENT = "commitment", _("企业公开承诺不再恢复生产")
    ANNOUNCEMENT = "announcement", _("公告")
    RESTRICTION = "restriction", _("限制生产")
    SUSPENSION = "suspension", _("停产")
    LICENSE_REVOKED = "license_revoked", _("吊销证照")
    LICENSE_CANCELLED = "license_cancelled", _("注销证照")


class DocumentKind(models.TextChoices):
    RECTIFICATION_NOTICE = "rectification_notice", _("限期整改通知书")
    SUSPENSION_ORDER = "suspension_order", _("责令停产整治（整顿）决定书")
    EXTENSION_DECISION = "extension_decision", _("延期整改决定书")
    APPROVAL_REQUEST = "approval_request", _("提请批准关停退出的请示")
    CLOSURE_DECISION = "closure_decision", _("关停退出决定书")
    ANNOUNCEMENT = "announcement", _("公告")


class EventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    TRANSITION = "transition", _("程序推进")
    DOCUMENT = "document", _("制发文书")
    MEASURE = "measure", _("落实措施")
    MEASURE_LIFTED = "measure_lifted", _("解除措施")
    EVIDENCE = "evidence", _("提交证据")
    COMMENT = "comment", _("备注")
    DEADLINE = "deadline", _("期限变化")
    FOLLOW_UP = "follow_up", _("回头看")


class EvidenceKind(models.TextChoices):
    RECTIFICATION = "rectification", _("整改材料")
    INSPECTION = "inspection", _("检查/检测记录")
    MEASURE = "measure", _("措施执行记录")
    ACCEPTANCE = "acceptance", _("验收材料")
    COMMITMENT = "commitment", _("公开承诺书")
    OTHER = "other", _("其他")
