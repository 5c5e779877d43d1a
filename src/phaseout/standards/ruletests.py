"""Rule tests: cases written in the law's own terms, run through the reference evaluator.

A rule-test file is a YAML list of cases (docs/rule-tests.md)::

    - name: 熟料线 2023-03-01 实测 120 kgce/t，不符合 GB 16780-2021 3级
      date: 2023-03-01
      subject: {industry: "3011", equipment_type: cement_kiln, commissioning_year: 2005}
      measurements:
        clinker_comprehensive_energy: 120             # in the metric's unit, dated the case date
        clinker_ratio: {value: 78, unit: "%", date: 2023-01-15}
      expect:
        gb16780-2021.clinker-energy: fail             # fail | pass | missing | not_applicable | not_in_force

Each case becomes one :class:`~phaseout.standards.evaluate.Subject` judged on the case's date;
each expectation is compared with the verdict of :func:`~phaseout.standards.evaluate.evaluate`.
A malformed case is reported (file, case, field) and not run; ``phaseout catalog test`` only
prints what :func:`run` returns.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from phaseout.registry.choices import (
    EquipmentType,
    LicenseKind,
    LicenseStatus,
    Process,
    Product,
    SizeUnit,
)
from phaseout.standards import units
from phaseout.standards.catalog import Metric, Rule, load_metrics, national
from phaseout.standards.evaluate import (
    FAIL,
    MISSING,
    NOT_APPLICABLE,
    NOT_IN_FORCE,
    PASS,
    HeldLicense,
    Reading,
    Subject,
    Verdict,
    evaluate,
)

RULE_TESTS_DIR = Path(__file__).parent / "rule_tests"
OUTCOMES = (FAIL, PASS, MISSING, NOT_APPLICABLE, NOT_IN_FORCE)
CASE_FIELDS = ("name", "date", "subject", "measurements", "expect")
SUBJECT_FIELDS = (
    "kind",
    "industry",
    "region",
    "equipment_type",
    "process",
    "product",
    "size",
    "size_unit",
    "capacity",
    "capacity_unit",
    "commissioning_year",
    "licenses",
)
LICENSE_FIELDS = ("kind", "status", "valid_from", "valid_until")
READING_FIELDS = ("value", "unit", "date")


@dataclass(frozen=True)
class CaseProblem:
    """What is wrong with a case file: the file, the case and the field."""

    path: str
    case: str
    field: str
    message: str

    def __str__(self) -> str:
        where = " · ".join(part for part in (self.path, self.case, self.field) if part)
        return f"{where}: {self.message}"


@dataclass
class Case:
    path: str
    index: int  # 1-based position in its file
    name: str
    date: datetime.date
    subject: Subject
    expect: dict[str, str]

    @property
    def label(self) -> str:
        return f"#{self.index} {self.name}"


@dataclass
class Result:
    """One expectation of one case: the verdict expected and the one the evaluator gave."""

    case: Case
    rule_id: str
    expected: str
    verdict: Verdict | None  # None: the catalogue has no rule with this id

    @property
    def got(self) -> str | None:
        return self.verdict.outcome if self.verdict else None

    @property
    def ok(self) -> bool:
        return self.verdict is not None and self.verdict.outcome == self.expected


@dataclass
class Report:
    cases: list[Case] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    problems: list[CaseProblem] = field(default_factory=list)

    @property
    def failures(self) -> list[Result]:
        return [result for result in self.results if not result.ok]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.failures


# — reading —


def rule_test_files(paths: Iterable[Path] | None = None) -> list[Path]:
    """The case files named (a directory stands for every *.yaml under it); default: shipped."""
    found: list[Path] = []
    for path in [RULE_TESTS_DIR] if paths is None else paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(path.rglob("*.yaml")))
        else:
            found.append(path)
    return found


def _shown(path: Path) -> str:
    for root in (RULE_TESTS_DIR, Path.cwd()):
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return str(path)


class _CaseReader:
    def __init__(self, path: str, metrics: Mapping[str, Metric]):
        self.path = path
        self.metrics = metrics
        self.problems: list[CaseProblem] = []

    def problem(self, case: str, field_: str, message: str) -> None:
        self.problems.append(CaseProblem(self.path, case, field_, message))

    def file(self, raw: Any) -> list[Case]:
        if not isinstance(raw, list) or not raw:
            self.problem("", "", _("文件内容应为用例列表（每项以“- name:”开头）。"))
            return []
        cases = []
        for index, item in enumerate(raw, start=1):
            case = self.case(index, item)
            if case is not None:
                cases.append(case)
        return cases

    def case(self, index: int, raw: Any) -> Case | None:
        label = f"#{index}"
        if not isinstance(raw, dict):
            self.problem(label, "", _("每个用例应为映射（name、date、subject、expect …）。"))
            return None
        name = raw.get("name")
        if isinstance(name, str) and name.strip():
            label = f"#{index} {name.strip()}"
        start = len(self.problems)

        def bad(field_: str, message: str) -> None:
            self.problem(label, field_, message)

        for key in raw:
            if key not in CASE_FIELDS:
                bad(
                    str(key),
                    _("不认识的用例项，应为 %(allowed)s。") % {"allowed": ", ".join(CASE_FIELDS)},
                )
        if not isinstance(name, str) or not name.strip():
            bad("name", _("每个用例都必须有名称（用法律的说法写明判定什么）。"))
        day = self.date(raw.get("date"), bad, "date")
        subject = self.subject(raw.get("subject"), bad)
        if day is not None and subject is not None:
            subject.readings = self.measurements(raw.get("measurements"), day, subject.kind, bad)
        expect = self.expect(raw.get("expect"), bad)
        if len(self.problems) > start or day is None or subject is None:
            return None
        return Case(self.path, index, name.strip(), day, subject, expect)

    def date(self, value: Any, bad, field_: str) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        bad(field_, _("日期应写作 YYYY-MM-DD。"))
        return None

    def number(self, value: Any, bad, field_: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            bad(field_, _("应为数字。"))
            return None
        return float(value)

    def subject(self, raw: Any, bad) -> Subject | None:
        if not isinstance(raw, dict):
            bad("subject", _("应写明判定对象（industry、equipment_type … 的映射）。"))
            return None
        start = len(self.problems)
        for key in raw:
            if key not in SUBJECT_FIELDS:
                bad(
                    f"subject.{key}",
                    _("不认识的对象属性，应为 %(allowed)s。")
                    % {"allowed": ", ".join(SUBJECT_FIELDS)},
                )
        kind = raw.get("kind", "line")
        if kind not in ("line", "enterprise"):
            bad("subject.kind", _("对象应为 line（生产线）或 enterprise（企业）。"))
        values: dict[str, Any] = {"kind": kind}
        for key in ("industry", "region"):
            if key in raw:
                if not isinstance(raw[key], str) or not raw[key].isdigit():
                    bad(
                        f"subject.{key}",
                        _('代码应为加引号的数字，例如 "3011"、"06"。'),
                    )
                else:
                    values[key] = raw[key]
        for key, choices in (
            ("equipment_type", EquipmentType.values),
            ("process", Process.values),
            ("product", Product.values),
        ):
            if key in raw:
                if raw[key] not in choices:
                    bad(f"subject.{key}", _("不认识的取值“%(value)s”。") % {"value": raw[key]})
                else:
                    values[key] = raw[key]
        for key, unit_key in (("size", "size_unit"), ("capacity", "capacity_unit")):
            if key in raw:
                values[key] = self.number(raw[key], bad, f"subject.{key}")
                if unit_key not in raw:
                    bad(f"subject.{unit_key}", _("写了 %(field)s 就要写明单位。") % {"field": key})
            if unit_key in raw:
                unit = raw[unit_key]
                if key == "size" and unit not in SizeUnit.values:
                    bad(
                        f"subject.{unit_key}",
                        _("设备规格单位应为 %(allowed)s 之一。")
                        % {"allowed": ", ".join(SizeUnit.values)},
                    )
                elif key == "capacity":
                    try:
                        unit = units.normalise(unit)
                    except units.UnitError as exc:
                        bad(f"subject.{unit_key}", str(exc))
                values[unit_key] = unit
        if "commissioning_year" in raw:
            year = raw["commissioning_year"]
            if isinstance(year, bool) or not isinstance(year, int):
                bad("subject.commissioning_year", _("投产年份应为整数年份。"))
            else:
                values["commissioning_year"] = year
        if "licenses" in raw:
            values["licenses"] = self.licenses(raw["licenses"], bad)
        if len(self.problems) > start:
            return None
        return Subject(**values)

    def licenses(self, raw: Any, bad) -> tuple[HeldLicense, ...]:
        if not isinstance(raw, list):
            bad("subject.licenses", _("证照应为列表，每项写明 kind、status、有效期。"))
            return ()
        held = []
        for index, item in enumerate(raw, start=1):
            at = f"subject.licenses[{index}]"
            if not isinstance(item, dict):
                bad(at, _("每个证照应为映射（kind、status、valid_from、valid_until）。"))
                continue
            for key in item:
                if key not in LICENSE_FIELDS:
                    bad(
                        f"{at}.{key}",
                        _("不认识的证照属性，应为 %(allowed)s。")
                        % {"allowed": ", ".join(LICENSE_FIELDS)},
                    )
            kind = item.get("kind")
            if kind not in LicenseKind.values:
                bad(
                    f"{at}.kind",
                    _("证照类别应为 %(allowed)s 之一。")
                    % {"allowed": ", ".join(LicenseKind.values)},
                )
            status = item.get("status", LicenseStatus.VALID)
            if status not in LicenseStatus.values:
                bad(
                    f"{at}.status",
                    _("证照状态应为 %(allowed)s 之一。")
                    % {"allowed": ", ".join(LicenseStatus.values)},
                )
            dates = {}
            for key in ("valid_from", "valid_until"):
                if item.get(key) is not None:
                    dates[key] = self.date(item[key], bad, f"{at}.{key}")
            held.append(HeldLicense(str(kind), str(status), **dates))
        return tuple(held)

    def measurements(
        self, raw: Any, day: datetime.date, kind: str, bad
    ) -> dict[str, tuple[Reading, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            bad("measurements", _("测量值应为“指标: 数值”的映射。"))
            return {}
        readings: dict[str, tuple[Reading, ...]] = {}
        position = 0
        for code, given in raw.items():
            at = f"measurements.{code}"
            metric = self.metrics.get(code)
            if metric is None:
                bad(
                    at,
                    _("不认识的指标“%(metric)s”（见 catalog/metrics.yaml）。") % {"metric": code},
                )
                continue
            if metric.subject != kind:
                bad(
                    at,
                    _("指标“%(metric)s”的对象是 %(subject)s，本用例的对象是 %(kind)s。")
                    % {"metric": code, "subject": metric.subject, "kind": kind},
                )
                continue
            items = given if isinstance(given, list) else [given]
            found = []
            for index, item in enumerate(items, start=1):
                where = at if len(items) == 1 else f"{at}[{index}]"
                reading = self.reading(metric, item, day, position, bad, where)
                position += 1
                if reading is not None:
                    found.append(reading)
            readings[code] = tuple(found)
        return readings

    def reading(
        self, metric: Metric, item: Any, day: datetime.date, position: int, bad, where: str
    ) -> Reading | None:
        unit = metric.unit
        on = day
        value_at = where
        if isinstance(item, dict):
            value_at = f"{where}.value"
            for key in item:
                if key not in READING_FIELDS:
                    bad(
                        f"{where}.{key}",
                        _("不认识的测量项，应为 %(allowed)s。")
                        % {"allowed": ", ".join(READING_FIELDS)},
                    )
            if "unit" in item:
                try:
                    unit = units.normalise(item["unit"])
                except units.UnitError as exc:
                    bad(f"{where}.unit", str(exc))
                    return None
            if "date" in item:
                on = self.date(item["date"], bad, f"{where}.date")
                if on is None:
                    return None
            item = item.get("value")
        if metric.is_boolean and isinstance(item, bool):
            value = 1.0 if item else 0.0
        else:
            value = self.number(item, bad, value_at)
            if value is None:
                return None
            if metric.is_boolean and value not in (0.0, 1.0):
                bad(value_at, _("“是/否”结论应写作 true/false（或 1/0）。"))
                return None
        try:
            value = units.convert(value, unit, metric.unit)
        except units.UnitError as exc:
            bad(f"{where}.unit", str(exc))
            return None
        return Reading(metric.code, value, on, position)

    def expect(self, raw: Any, bad) -> dict[str, str]:
        if not isinstance(raw, dict) or not raw:
            bad("expect", _("应写明预期结论：“规则编号: fail/pass/…”。"))
            return {}
        expect = {}
        for rule_id, outcome in raw.items():
            if outcome not in OUTCOMES:
                bad(
                    f"expect.{rule_id}",
                    _("预期结论应为 %(allowed)s 之一。") % {"allowed": ", ".join(OUTCOMES)},
                )
                continue
            expect[str(rule_id)] = outcome
        return expect


def load_file(
    path: Path, *, metrics: Mapping[str, Metric] | None = None
) -> tuple[list[Case], list[CaseProblem]]:
    """The cases of one file, and every problem found in it."""
    shown = _shown(path)
    reader = _CaseReader(shown, metrics if metrics is not None else load_metrics())
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return [], [CaseProblem(shown, "", "", _("无法读取：%(error)s") % {"error": exc})]
    except yaml.YAMLError as exc:
        return [], [CaseProblem(shown, "", "", _("YAML 格式错误：%(error)s") % {"error": exc})]
    except UnicodeDecodeError:
        return [], [CaseProblem(shown, "", "", _("文件应为 UTF-8 编码。"))]
    cases = reader.file(raw)
    return cases, reader.problems


def load(
    paths: Iterable[Path] | None = None, *, metrics: Mapping[str, Metric] | None = None
) -> tuple[list[Case], list[CaseProblem]]:
    metrics = metrics if metrics is not None else load_metrics()
    cases: list[Case] = []
    problems: list[CaseProblem] = []
    for path in rule_test_files(paths):
        found, wrong = load_file(path, metrics=metrics)
        cases.extend(found)
        problems.extend(wrong)
    return cases, problems


# — running —


def run_case(case: Case, rules: Mapping[str, Rule]) -> list[Result]:
    """Every expectation of one case, judged on the case's date."""
    results = []
    for rule_id, expected in case.expect.items():
        rule = rules.get(rule_id)
        verdict = evaluate(rule, case.subject, as_of=case.date) if rule else None
        results.append(Result(case, rule_id, expected, verdict))
    return results


def run(paths: Iterable[Path] | None = None, *, rules: Mapping[str, Rule] | None = None) -> Report:
    """Load and run the case files (default: the shipped ones) against the national catalogue."""
    catalog = national()
    rules = rules if rules is not None else catalog.rules
    cases, problems = load(paths, metrics=catalog.metrics)
    report = Report(cases=cases, problems=problems)
    for case in cases:
        report.results.extend(run_case(case, rules))
    return report
