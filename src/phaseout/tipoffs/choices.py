"""Enumerations of tip-offs (举报), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How the tip-off came in: the public form, or a hotline call an officer recorded
    (seed 003 五：发挥“12345”平台举报热线的作用)."""

    WEB = "web", _("网上举报")
    HOTLINE = "hotline", _("热线电话")


class TipoffState(models.TextChoices):
    RECEIVED = "received", _("待受理")
    ACCEPTED = "accepted", _("已受理，待交办")
    ASSIGNED = "assigned", _("核查中")
    VERIFIED = "verified", _("已核查，待公布结果")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")


# What the sender reads on the status page: the stage, never who is handling it.
PUBLIC_STATE_LABELS = {
    TipoffState.RECEIVED: _("已收到，等待受理"),
    TipoffState.ACCEPTED: _("已受理"),
    TipoffState.ASSIGNED: _("正在核查"),
    TipoffState.VERIFIED: _("核查完毕，结果待公布"),
    TipoffState.CLOSED: _("已办结"),
    TipoffState.REJECTED: _("不予受理"),
}

OPEN_STATES = (TipoffState.RECEIVED, TipoffState.ACCEPTED, TipoffState.ASSIGNED)


class RejectReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("不属于落后产能退出工作范围")
    DUPLICATE = "duplicate", _("重复举报")
    INSUFFICIENT = "insufficient", _("缺少可核查的线索")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("收到举报")
    ACCEPTED = "accepted", _("受理")
    REJECTED = "rejected", _("不予受理")
    MATCHED = "matched", _("关联企业")
    ASSIGNED = "assigned", _("交办")
    VERIFICATION = "verification", _("布置核查")
    FINDING = "finding", _("核查结论")
    LINKED = "linked", _("关联案件或不达标发现")
    PUBLISHED = "published", _("公布办理结果")
    REVEALED = "revealed", _("查看举报人身份")
