"""A finding in plain Chinese: the steps ``standards.evaluate`` recorded, one sentence each.

Pure functions, no database: the finding's stored computation (or a verdict's steps) and the
rule it was judged on go in, sentences come out. The page, the API and the tests read the same
sentences, so an officer can check the arithmetic by hand against the standard's own table.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from phaseout.registry.choices import LicenseKind, Process, Product, SizeUnit
from phaseout.standards import units
from phaseout.standards.catalog import Correction, Rule, metrics

# How many decimals a figure keeps in a sentence: enough for a correction factor (K = 1.0043),
# few enough that 117 × 1.0 reads 117 and not 117.00000000000001.
DECIMALS = 4


def number(value: Any) -> str:
    """A figure without float noise: 120.60000000000001 → 120.6, 117.0 → 117."""
    if value is None:
        return "—"
    rounded = round(float(value), DECIMALS)
    if rounded == 0:
        rounded = 0.0  # never "-0"
    text = f"{rounded:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return text


def quantity(value: Any, unit: str | None) -> str:
    """A figure with its unit as people write it: 78%, 125 千克标准煤/吨."""
    if not unit or unit == "bool":
        return number(value)
    if unit == "%":
        return f"{number(value)}%"
    return f"{number(value)} {units.label(unit)}"


def level_name(level: str, *, graded: bool) -> str:
    """限定值 / 准入值 / 先进值 for an energy standard's grades, 限值 for an emission limit."""
    names = {
        "limit": _("限定值") if graded else _("限值"),
        "entry": _("准入值"),
        "advanced": _("先进值"),
        "special": _("特别排放限值"),
    }
    return names.get(level, level)


def level_grade(level: str, *, graded: bool) -> str:
    """The name with the grade of GB 16780-style tables: 限定值（3级）."""
    grades = {"limit": _("3级"), "entry": _("2级"), "advanced": _("1级")}
    name = level_name(level, graded=graded)
    if graded and level in grades:
        return _("%(name)s（%(grade)s）") % {"name": name, "grade": grades[level]}
    return name


def metric_name(code: str | None) -> str:
    if not code:
        return ""
    spec = metrics().get(code)
    return spec.name if spec else code


def metric_unit(code: str | None) -> str | None:
    spec = metrics().get(code) if code else None
    return spec.unit if spec else None


def _op_words(op: str) -> str:
    return {
        "lt": _("低于"),
        "lte": _("不高于"),
        "gt": _("高于"),
        "gte": _("不低于"),
        "in": _("属于"),
        "not_in": _("不属于"),
    }.get(op, op)


def field_name(field: str) -> str:
    names = {
        "size": _("设备规格"),
        "capacity": _("产能"),
        "commissioning_year": _("投产年份"),
        "process": _("工艺"),
        "product": _("产品/用途"),
    }
    return names.get(field, field)


def _unit_label(unit: str | None) -> str:
    if not unit:
        return ""
    if unit in SizeUnit.values:
        return str(SizeUnit(unit).label)
    return units.label(unit)


def _choice_label(field: str, value: Any) -> str:
    choices = Process if field == "process" else Product
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _attribute_text(field: str, actual: Any) -> str:
    if actual is None:
        return "—"
    if field in ("size", "capacity") and isinstance(actual, list | tuple):
        value, unit = actual
        return f"{number(value)} {_unit_label(unit)}".strip()
    if field in ("process", "product"):
        return _choice_label(field, actual)
    return str(actual)


class _Context:
    """What a sentence needs besides its step: the rule (if known), units, the as-of date."""

    def __init__(self, rule: Rule | None, *, as_of: Any, unit: str | None, subject: str):
        self.rule = rule
        self.as_of = str(as_of) if as_of else ""
        self.unit = unit or (rule.metric_unit if rule else None)
        self.subject = subject
        self.graded = rule is None or rule.judge == "energy"

    def correction(self, correction_id: str) -> Correction | None:
        if self.rule is None:
            return None
        return next((c for c in self.rule.corrections if c.id == correction_id), None)

    def correction_text(self, correction_id: str) -> str:
        found = self.correction(correction_id)
        return (found.description if found and found.description else "") or correction_id

    def the_subject(self) -> str:
        return _("该企业") if self.subject == "enterprise" else _("该生产线")


def explain(
    finding_or_steps: Any,
    rule: Rule | None = None,
    *,
    as_of: datetime.date | str | None = None,
) -> list[str]:
    """The sentences that explain a finding (or a verdict's steps), in order.

    finding_or_steps: a ``screening.Finding`` (its ``computation`` and stored rule text), or the
    list of steps (``Step.as_dict()`` dicts, or ``Step`` objects). rule: the rule judged on,
    from ``standards.catalog.national().get(rule_id)`` or the finding's local rule; without it
    the stored text of the finding is used and correction names fall back to their ids.
    """
    header: list[str] = []
    confidence = None
    if isinstance(finding_or_steps, Sequence) and not isinstance(finding_or_steps, str):
        steps = [_as_dict(step) for step in finding_or_steps]
        unit = rule.metric_unit if rule else None
        if rule is not None:
            header.append(_heading(rule.reference, rule.description, rule.id, rule.confidence))
            confidence = rule.confidence
        subject = rule.subject if rule else "line"
    else:
        finding = finding_or_steps
        steps = [_as_dict(step) for step in finding.computation or ()]
        as_of = as_of or finding.as_of
        unit = finding.unit or (rule.metric_unit if rule else None)
        confidence = finding.confidence
        header.append(
            _heading(finding.reference, finding.description, finding.rule_id, finding.confidence)
        )
        subject = rule.subject if rule else ("line" if finding.line_id else "enterprise")
    context = _Context(rule, as_of=as_of, unit=unit, subject=subject)
    sentences = header + [text for step in steps if (text := _sentence(step, context))]
    if confidence == "U":
        sentences.append(
            _("该规则的取值可信度为 U（未核实）：结论仅供参考，须核实标准原文后方可作为处置依据。")
        )
    return sentences


def _as_dict(step: Any) -> dict:
    if isinstance(step, Mapping):
        return dict(step)
    return step.as_dict()


def _heading(reference: str, description: str, rule_id: str, confidence: str) -> str:
    return _("依据 %(reference)s：%(description)s（规则 %(rule)s，可信度 %(confidence)s）") % {
        "reference": reference,
        "description": description,
        "rule": rule_id,
        "confidence": confidence,
    }


def _sentence(step: dict, ctx: _Context) -> str:
    code = step.get("code")
    handler = _HANDLERS.get(code)
    if handler is None:
        return ""
    return handler(step, ctx)


# — one function per step code (standards/evaluate.py records them) —


def _level(step: dict, ctx: _Context) -> str:
    level = step.get("level") or "limit"
    year = step.get("commissioning_year")
    since = step.get("since") or ""
    if step.get("judge") != "energy":
        return _("按%(level)s判定（该规则对新建和现有企业取同一限值）") % {
            "level": level_grade(level, graded=False)
        }
    grade = level_grade(level, graded=True)
    who = ctx.the_subject()
    if level == "entry":
        return _(
            "%(who)s %(year)s 年投产，晚于标准实施（%(since)s），按新建企业的%(level)s判定"
        ) % {
            "who": who,
            "year": year,
            "since": since,
            "level": grade,
        }
    if year is None:
        return _("%(who)s投产年份未登记，按现有企业的%(level)s判定") % {"who": who, "level": grade}
    since_year = int(since[:4]) if since[:4].isdigit() else None
    if since_year is not None and year > since_year:
        return _(
            "%(who)s %(year)s 年投产，晚于标准实施（%(since)s），但该期取值未设准入值，按%(level)s判定"
        ) % {"who": who, "year": year, "since": since, "level": grade}
    if since_year is not None and year == since_year:
        return _(
            "%(who)s %(year)s 年投产，与标准实施（%(since)s）同年，按现有企业的%(level)s判定"
        ) % {"who": who, "year": year, "since": since, "level": grade}
    return _("%(who)s %(year)s 年投产，早于标准实施（%(since)s），按现有企业的%(level)s判定") % {
        "who": who,
        "year": year,
        "since": since,
        "level": grade,
    }


def _missing(step: dict, ctx: _Context) -> str:
    return _("排查期间内没有“%(metric)s”的检测值，无法判定，需要检测") % {
        "metric": metric_name(step.get("metric"))
    }


def _reading(step: dict, ctx: _Context) -> str:
    unit = ctx.unit or metric_unit(step.get("metric"))
    values = {"date": step.get("date"), "value": quantity(step.get("value"), unit)}
    if step.get("id") is None:
        return _("采用 %(date)s 的检测值 %(value)s") % values
    return _("采用 %(date)s 的检测值 %(value)s（检测记录 #%(id)s）") % {**values, "id": step["id"]}


def _base(step: dict, ctx: _Context) -> str:
    values = {
        "from": step.get("values_from"),
        "level": level_name(step.get("level") or "limit", graded=ctx.graded),
        "value": quantity(step.get("value"), ctx.unit),
    }
    if ctx.as_of:
        return _("%(as_of)s 适用自 %(from)s 起的取值：%(level)s %(value)s") % {
            **values,
            "as_of": ctx.as_of,
        }
    return _("适用自 %(from)s 起的取值：%(level)s %(value)s") % values


def _oxygen(step: dict, ctx: _Context) -> str:
    return _(
        "实测含氧量 %(o2)s%%，按基准含氧量 %(reference)s%% 折算：%(measured)s × (21 − %(reference)s)"
        " / (21 − %(o2)s) = %(value)s"
    ) % {
        "o2": number(step.get("o2")),
        "reference": number(step.get("reference")),
        "measured": number(step.get("measured")),
        "value": quantity(step.get("value"), ctx.unit),
    }


def _oxygen_missing(step: dict, ctx: _Context) -> str:
    return _("没有“%(param)s”的检测值，未折算到基准含氧量，按实测浓度判定") % {
        "param": metric_name(step.get("param"))
    }


def _correction_not_due(step: dict, ctx: _Context) -> str:
    param = step.get("param")
    about = ctx.correction_text(step.get("correction", ""))
    if step.get("value") is None:
        return _("未录入“%(param)s”，不作此项修正（%(about)s）") % {
            "param": metric_name(param),
            "about": about,
        }
    unit = metric_unit(param)
    return _("%(param)s %(value)s，不满足“%(op)s %(bound)s”，不作此项修正（%(about)s）") % {
        "param": metric_name(param),
        "value": quantity(step.get("value"), unit),
        "op": _op_words(step.get("op", "")),
        "bound": quantity(step.get("bound"), unit),
        "about": about,
    }


def _correction_missing(step: dict, ctx: _Context) -> str:
    return _("没有“%(param)s”的检测值，未作此项修正（%(about)s）") % {
        "param": metric_name(step.get("param")),
        "about": ctx.correction_text(step.get("correction", "")),
    }


def _linear(step: dict, ctx: _Context) -> str:
    param = step.get("param")
    unit = metric_unit(param)
    value, base = float(step.get("value") or 0), float(step.get("base") or 0)
    per, delta = float(step.get("per") or 0), float(step.get("delta") or 0)
    difference = value - base
    name = metric_name(param)
    if round(difference, DECIMALS) == 0:
        return _("%(param)s %(value)s，与基准 %(base)s 相同，限值不作修正") % {
            "param": name,
            "value": quantity(value, unit),
            "base": quantity(base, unit),
        }
    gap = (
        _("%(n)s 个百分点") % {"n": number(abs(difference))}
        if unit == "%"
        else quantity(abs(difference), unit)
    )
    compared = _("%(param)s %(value)s，较基准 %(base)s %(direction)s %(gap)s") % {
        "param": name,
        "value": quantity(value, unit),
        "base": quantity(base, unit),
        "direction": _("高") if difference > 0 else _("低"),
        "gap": gap,
    }
    if round(delta, DECIMALS) == 0:
        return compared + _("，按标准此方向不作修正")
    span = delta / per if per else difference
    text = compared + _("，限值%(change)s %(per)s × %(span)s = %(delta)s，为 %(threshold)s") % {
        "change": _("增加") if delta > 0 else _("减少"),
        "per": number(abs(per)),
        "span": number(abs(span)),
        "delta": number(abs(delta)),
        "threshold": number(step.get("threshold")),
    }
    if abs(span) + 10**-DECIMALS < abs(difference):
        text += _("（修正幅度以 %(span)s 为限）") % {"span": number(abs(span))}
    return text


def _factor(step: dict, ctx: _Context) -> str:
    param = step.get("param")
    return _(
        "%(about)s：%(param)s %(value)s，修正系数 K = %(factor)s，修正后限值为 %(threshold)s"
    ) % {
        "about": ctx.correction_text(step.get("correction", "")),
        "param": metric_name(param),
        "value": quantity(step.get("value"), metric_unit(param)),
        "factor": number(step.get("factor")),
        "threshold": quantity(step.get("threshold"), ctx.unit),
    }


def _compare(step: dict, ctx: _Context) -> str:
    failed = bool(step.get("failed"))
    direction = step.get("direction") or "max"
    if direction == "max":
        op = ">" if failed else "≤"
    else:
        op = "<" if failed else "≥"
    verdict = _("不达标") if failed else _("达标")
    return f"{number(step.get('value'))} {op} {number(step.get('threshold'))}，{verdict}"


def _conclusion(step: dict, ctx: _Context) -> str:
    values = {
        "date": step.get("date"),
        "metric": metric_name(step.get("metric")),
        "answer": _("否") if not step.get("value") else _("是"),
        "verdict": _("不达标") if step.get("failed") else _("达标"),
    }
    if step.get("id") is None:
        return _("采用 %(date)s 的检查结论：%(metric)s——%(answer)s，%(verdict)s") % values
    return _(
        "采用 %(date)s 的检查结论（检测记录 #%(id)s）：%(metric)s——%(answer)s，%(verdict)s"
    ) % {
        **values,
        "id": step["id"],
    }


def _criterion(step: dict, ctx: _Context) -> str:
    field = step.get("field", "")
    name = field_name(field)
    held = step.get("held")
    if held is None:
        return _("未登记%(field)s，无法判定是否属于淘汰范围，需要补录") % {"field": name}
    op = step.get("op", "")
    bound = step.get("bound")
    if isinstance(bound, list | tuple):
        bound_text = "、".join(_choice_label(field, v) for v in bound)
    else:
        bound_text = f"{number(bound)} {_unit_label(step.get('unit'))}".strip()
    return _("%(field)s %(actual)s，%(held)s“%(op)s %(bound)s”") % {
        "field": name,
        "actual": _attribute_text(field, step.get("actual")),
        "held": _("符合") if held else _("不符合"),
        "op": _op_words(op),
        "bound": bound_text,
    }


def _exempt(step: dict, ctx: _Context) -> str:
    field = step.get("field", "")
    return _("%(field)s %(actual)s，属于豁免情形，不列入淘汰") % {
        "field": field_name(field),
        "actual": _attribute_text(field, step.get("actual")),
    }


def _eliminated(step: dict, ctx: _Context) -> str:
    category = {"eliminated": _("淘汰类"), "restricted": _("限制类")}.get(
        step.get("category"), _("不达标")
    )
    text = _("属于%(edition)s%(category)s") % {
        "edition": step.get("edition") or "",
        "category": category,
    }
    if step.get("deadline"):
        text += _("，淘汰期限 %(deadline)s") % {"deadline": step["deadline"]}
    return text


def _license(step: dict, ctx: _Context) -> str:
    kind = step.get("kind")
    try:
        name = str(LicenseKind(kind).label)
    except ValueError:
        name = str(kind)
    if step.get("valid"):
        return _("持有有效的%(kind)s，达标") % {"kind": name}
    if not step.get("held"):
        return _("未登记%(kind)s，不达标") % {"kind": name}
    day = ctx.as_of or _("判定基准日")
    return _("登记的 %(n)s 份%(kind)s在 %(day)s 均不在有效期内或已暂扣、注销、吊销，不达标") % {
        "n": step["held"],
        "kind": name,
        "day": day,
    }


_HANDLERS = {
    "level": _level,
    "missing": _missing,
    "reading": _reading,
    "base": _base,
    "oxygen": _oxygen,
    "oxygen_missing": _oxygen_missing,
    "correction_not_due": _correction_not_due,
    "correction_missing": _correction_missing,
    "linear": _linear,
    "factor": _factor,
    "compare": _compare,
    "conclusion": _conclusion,
    "criterion": _criterion,
    "exempt": _exempt,
    "eliminated": _eliminated,
    "license": _license,
}


def rule_of(finding) -> Rule | None:
    """The rule a finding was judged on: its local rule, or the national catalogue's."""
    from phaseout.standards.catalog import CatalogError, national

    if finding.local_rule_id:
        from phaseout.standards.rulesets import local_to_rule

        try:
            return local_to_rule(finding.local_rule)
        except CatalogError:
            return None
    return national().get(finding.rule_id)
