"""Local rules (地方规则): the only code that writes them. One function per act, one
transaction, the permission check first, the history (django-simple-history) last.

A local rule is checked exactly as a catalogue rule is (``rulesets.local_to_rule``); one that
supersedes a national limit may only be stricter: a jurisdiction may raise the bar inside its
region, never lower the national one (30号文（二）: 各地可以制定更严格的地方标准).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from phaseout.core.errors import ProcedureError
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.standards import units
from phaseout.standards.catalog import CatalogError, Rule, national
from phaseout.standards.models import LocalRule, LocalRuleStatus
from phaseout.standards.rulesets import local_to_rule

LOCAL_PREFIX = "local."
LOCAL_RULE_FIELDS = ("region", "rule_id", "supersedes", "definition")

# The status changes a local rule may go through; a withdrawn rule goes back to draft to be
# reworked, never straight back into force.
TRANSITIONS = {
    LocalRuleStatus.DRAFT: (LocalRuleStatus.ACTIVE, LocalRuleStatus.WITHDRAWN),
    LocalRuleStatus.ACTIVE: (LocalRuleStatus.WITHDRAWN,),
    LocalRuleStatus.WITHDRAWN: (LocalRuleStatus.DRAFT,),
}


def can_keep_local_rules(user, region: Region | None = None) -> bool:
    scope = Scope.of(user)
    if region is None:
        return scope.keeps_registry
    return scope.can_edit_registry(region)


def require_local_rules(user, region: Region) -> None:
    """Registry keepers make local rules for the regions they keep (Scope.can_edit_registry)."""
    scope = Scope.of(user)
    if not scope.keeps_registry:
        raise PermissionDenied(_("您的角色或部门不能制定或修改地方规则。"))
    if not scope.can_edit_registry(region):
        raise PermissionDenied(_("%(region)s 不在您的管辖范围内。") % {"region": region.name})


def jsonable(value: Any) -> Any:
    """A parsed YAML definition as JSON can store it: dates (keys too) as YYYY-MM-DD text."""
    if isinstance(value, Mapping):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _key(key: Any) -> Any:
    if isinstance(key, datetime.date):
        return key.isoformat() if not isinstance(key, datetime.datetime) else key.date().isoformat()
    return key if isinstance(key, str) else str(key)


def problem_messages(error: CatalogError) -> list[str]:
    """A catalogue problem as a person reads it on a form: the field, then what is wrong."""
    return [f"{p.field}：{p.message}" if p.field else p.message for p in error.problems]


def check_local_rule(local: LocalRule) -> Rule:
    """Everything about a local rule that is not its permission: the id, the definition read as
    a catalogue rule, and, for one that supersedes a national rule, that it is not more lenient.
    Raises ValidationError naming the field; returns the rule."""
    errors: dict[str, list[str]] = {}
    if not local.rule_id.startswith(LOCAL_PREFIX) or len(local.rule_id) <= len(LOCAL_PREFIX):
        errors.setdefault("rule_id", []).append(
            _("地方规则编号须以“local.”开头，例如 local.safety.standardisation-level3。")
        )
    if not isinstance(local.definition, dict) or not local.definition:
        raise ValidationError(
            {
                **errors,
                "definition": [_("规则定义应为一个映射（description、reference、values …）。")],
            }
        )
    written_id = local.definition.get("id")
    if written_id not in (None, "", local.rule_id):
        errors.setdefault("definition", []).append(
            _("定义中的 id“%(id)s”与规则编号不一致；可删去 id 一项。") % {"id": written_id}
        )
    rule = None
    try:
        rule = local_to_rule(local)
    except CatalogError as exc:
        errors.setdefault("definition", []).extend(problem_messages(exc))
    if local.supersedes:
        replaced = national().get(local.supersedes)
        if replaced is None:
            errors.setdefault("supersedes", []).append(
                _("国家目录中没有编号为“%(id)s”的规则。") % {"id": local.supersedes}
            )
        elif rule is not None:
            for field, message in superseding_problems(rule, replaced):
                errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
    return rule


def superseding_problems(local: Rule, replaced: Rule) -> list[tuple[str, str]]:
    """Why a local rule may not replace a national one: another kind of rule, another metric,
    or a value more lenient than the national value in force at any time in the same period."""
    if local.kind != replaced.kind:
        return [
            (
                "supersedes",
                _("替代国家规则“%(id)s”的地方规则应为同一类型（%(kind)s）。")
                % {"id": replaced.id, "kind": replaced.kind},
            )
        ]
    if replaced.kind != "limit":
        return []
    if local.metric != replaced.metric or local.direction != replaced.direction:
        return [
            (
                "definition",
                _("替代国家规则“%(id)s”时，指标和判定方向应与国家规则相同（%(metric)s）。")
                % {"id": replaced.id, "metric": replaced.metric},
            )
        ]
    problems = []
    for period in local.periods:
        if period.values is None:
            continue
        for theirs in replaced.periods:
            if theirs.values is None or not _overlap(period, theirs):
                continue
            for level, value in period.values.items():
                if level not in theirs.values:
                    continue
                mine = value * units.factor(local.unit, local.metric_unit)
                national_value = theirs.values[level] * units.factor(
                    replaced.unit, replaced.metric_unit
                )
                lenient = (
                    mine > national_value * (1 + 1e-9)
                    if local.direction == "max"
                    else mine < national_value * (1 - 1e-9)
                )
                if lenient:
                    problems.append(
                        (
                            "definition",
                            _(
                                "自 %(start)s 起的 %(level)s %(mine)s 宽于国家规则“%(id)s”"
                                "自 %(their_start)s 起的取值 %(theirs)s：地方规则只能更严格。"
                            )
                            % {
                                "start": period.start,
                                "level": level,
                                "mine": _number(mine),
                                "id": replaced.id,
                                "their_start": theirs.start,
                                "theirs": _number(national_value),
                            },
                        )
                    )
    return problems


def _overlap(a, b) -> bool:
    far = datetime.date.max
    return a.start < (b.end or far) and b.start < (a.end or far)


def _number(value: float) -> str:
    return f"{round(value, 4):.4f}".rstrip("0").rstrip(".")


def _save(local: LocalRule, by) -> LocalRule:
    local.full_clean()
    local._history_user = by
    try:
        with transaction.atomic():
            local.save()
    except IntegrityError:
        raise ValidationError({"rule_id": _("本区域已有相同编号的地方规则。")}) from None
    return local


@transaction.atomic
def create_local_rule(
    *,
    by,
    region: Region,
    rule_id: str,
    definition: Mapping[str, Any],
    supersedes: str = "",
) -> LocalRule:
    """制定地方规则: a draft, checked as a catalogue rule; it applies once made active."""
    require_local_rules(by, region)
    local = LocalRule(
        region=region,
        rule_id=(rule_id or "").strip(),
        supersedes=(supersedes or "").strip(),
        definition=jsonable(definition) if isinstance(definition, Mapping) else definition,
        status=LocalRuleStatus.DRAFT,
        created_by=by,
    )
    check_local_rule(local)
    return _save(local, by)


@transaction.atomic
def update_local_rule(local: LocalRule, *, by, **values: Any) -> LocalRule:
    """修改地方规则: region, id, superseded rule or definition; every change is kept."""
    require_local_rules(by, local.region)
    for name, value in values.items():
        if name not in LOCAL_RULE_FIELDS:
            raise TypeError(name)
        if name == "definition" and isinstance(value, Mapping):
            value = jsonable(value)
        elif name in ("rule_id", "supersedes"):
            value = (value or "").strip()
        setattr(local, name, value)
    # Moving a rule to another region needs the right to keep that region too.
    require_local_rules(by, local.region)
    if local.status == LocalRuleStatus.WITHDRAWN:
        raise ProcedureError(_("已撤销的地方规则不能修改；请先恢复为草稿。"))
    check_local_rule(local)
    return _save(local, by)


@transaction.atomic
def set_local_rule_status(local: LocalRule, *, by, status: str) -> LocalRule:
    """生效、撤销或恢复为草稿. A rule is checked again before it comes into force, because the
    national rule it supersedes may have changed since it was written."""
    require_local_rules(by, local.region)
    if status not in LocalRuleStatus.values:
        raise ValidationError({"status": _("未知的状态“%(status)s”。") % {"status": status}})
    current = LocalRuleStatus(local.status)
    if status == current:
        return local
    if status not in TRANSITIONS[current]:
        raise ProcedureError(
            _("地方规则不能从“%(old)s”改为“%(new)s”。")
            % {"old": current.label, "new": LocalRuleStatus(status).label}
        )
    if status == LocalRuleStatus.ACTIVE:
        check_local_rule(local)
    local.status = status
    return _save(local, by)


@transaction.atomic
def delete_local_rule(local: LocalRule, *, by) -> None:
    """删除草稿: only a draft no finding refers to; anything else is withdrawn instead."""
    require_local_rules(by, local.region)
    if local.status != LocalRuleStatus.DRAFT or local.findings.exists():
        raise ProcedureError(_("只有未被排查引用的草稿可以删除；其他地方规则请改为撤销。"))
    local._history_user = by
    local.delete()
