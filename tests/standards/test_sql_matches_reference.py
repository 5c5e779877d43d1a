"""The set-based SQL finds exactly the subjects the reference evaluator fails or cannot judge.

Hypothesis builds random small registries, readings and rules (limits with every kind of
correction, equipment criteria with exemptions, checks, licenses), including values exactly at
a limit; for each, the rows ``standards.sql`` returns are compared with ``standards.evaluate``
run subject by subject. Runs on whichever database the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phaseout.registry.models import Enterprise, License, ProductionLine
from phaseout.screening.models import Measurement
from phaseout.standards import sql
from phaseout.standards.catalog import read_rules
from phaseout.standards.evaluate import FAIL, MISSING, HeldLicense, Reading, Subject, evaluate
from tests.conftest import make_credit_code

AS_OF = datetime.date(2025, 12, 31)
WINDOW = (datetime.date(2025, 1, 1), AS_OF)
DATES = [datetime.date(2024, 12, 31), datetime.date(2025, 1, 1), datetime.date(2025, 6, 1), AS_OF]

pytestmark = pytest.mark.django_db


def _rule(raw: dict):
    base = {
        "family": "property test",
        "description": "测试规则",
        "reference": "测试依据",
        "confidence": "S",
        "last_reviewed": "2026-11-22",
    }
    rules, problems = read_rules([("test.yaml", {**base, "rules": [raw]})])
    assert not problems, problems
    return rules[0]


# Weighted towards the limits themselves (117, 107, 30), where > and ≥ part ways.
numbers = st.sampled_from([0.0, 30.0, 30.0, 99.5, 107.0, 107.0, 117.0, 117.0, 117.0, 150.0])


@st.composite
def limit_rules(draw):
    corrections = []
    if draw(st.booleans()):
        corrections.append(
            {
                "kind": "linear",
                "param": "clinker_ratio",
                "base": draw(st.sampled_from([0, 75])),
                "per": {"limit": draw(st.sampled_from([1.2, -0.8, 0.15])), "entry": 1.15},
                "side": draw(st.sampled_from(["both", "above", "below"])),
                **({"max_span": 5} if draw(st.booleans()) else {}),
            }
        )
    if draw(st.booleans()):
        factor = (
            {"constant": draw(st.sampled_from([1.1, 0.9]))}
            if draw(st.booleans())
            else {"intercept": 1.179, "slope": -0.211, "scale": 101.325}
        )
        corrections.append(
            {
                "kind": "factor",
                "param": "atmospheric_pressure",
                "when": {"param": "altitude", "op": "gt", "value": 1500},
                "levels": draw(st.sampled_from([["limit"], []])),
                **factor,
            }
        )
    criteria = []
    if draw(st.booleans()):
        # A limit for one size class (平板玻璃 500–800 t/d, 电弧炉 ≥70 t …).
        criteria.append(
            {
                "field": "size",
                "op": draw(st.sampled_from(["gt", "lte"])),
                "value": 100,
                "unit": "m3",
            }
        )
    oxygen = draw(st.booleans())
    if oxygen:
        corrections.append({"kind": "oxygen", "param": "flue_o2", "reference": 10})
    return _rule(
        {
            "id": "t.limit",
            "dimension": "ENVIRONMENT" if oxygen else "ENERGY",
            "kind": "limit",
            "metric": "cement_kiln_pm" if oxygen else "clinker_comprehensive_energy",
            "unit": draw(st.sampled_from(["kgce/t", "kgce/t", "kgce/t", "tce/t"]))
            if not oxygen
            else "mg/m3",
            "direction": draw(st.sampled_from(["max", "min"])),
            "applies_to": {"industries": ["3011"], "equipment": ["cement_kiln"]},
            "values": {"2022-11-01": {"limit": 117, "entry": 107}}
            if not oxygen
            else {"2015-07-01": {"limit": 30, "special": 20}},
            "corrections": corrections,
            "criteria": criteria,
        }
    )


@st.composite
def equipment_rules(draw):
    criteria = [
        {
            "field": "size",
            "op": draw(st.sampled_from(["lte", "lt", "gte"])),
            "value": draw(st.sampled_from([100, 400])),
            "unit": "m3",
        }
    ]
    if draw(st.booleans()):
        criteria.append(
            {"field": "process", "op": draw(st.sampled_from(["in", "not_in"])), "value": ["wet"]}
        )
    if draw(st.booleans()):
        criteria.append({"field": "capacity", "op": "lte", "value": 30, "unit": "10kt/a"})
    return _rule(
        {
            "id": "t.equipment",
            "dimension": "TECHNOLOGY",
            "kind": "equipment",
            "applies_to": {"equipment": ["cement_kiln"]},
            "criteria": criteria,
            "exemptions": [{"field": "product", "op": "in", "value": ["special_cement"]}],
            "values": {"2011-06-01": {}},
        }
    )


def other_rules():
    return st.sampled_from(
        [
            _rule(
                {
                    "id": "t.check",
                    "dimension": "SAFETY",
                    "kind": "check",
                    "subject": "enterprise",
                    "metric": "safety_conditions_met",
                    "values": {"2017-03-09": {}},
                }
            ),
            _rule(
                {
                    "id": "t.license",
                    "dimension": "QUALITY",
                    "kind": "license",
                    "subject": "enterprise",
                    "license_kind": "production",
                    "applies_to": {"industries": ["30"]},
                    "values": {"2017-03-09": {}},
                }
            ),
        ]
    )


readings = st.lists(st.tuples(st.sampled_from(DATES), numbers), max_size=3)
line_plans = st.fixed_dictionaries(
    {
        "region": st.sampled_from(["east", "north"]),
        "equipment": st.sampled_from(["cement_kiln", "cement_kiln", "cement_mill"]),
        "status": st.sampled_from(["operating", "operating", "exited"]),
        "year": st.sampled_from([None, 2004, 2022, 2023]),
        "size": st.sampled_from([None, (100, "m3"), (400, "m3"), (399.999, "m3"), (4, "m")]),
        "capacity": st.sampled_from([(30, "10kt/a"), (300000, "t/a"), (300001, "t/a")]),
        "process": st.sampled_from(["", "wet", "new_dry"]),
        "product": st.sampled_from(["", "clinker", "special_cement"]),
        "energy": readings,
        "pm": readings,
        "ratio": st.lists(
            st.tuples(st.sampled_from(DATES), st.sampled_from([70.0, 75.0, 78.0, 90.0])), max_size=2
        ),
        "altitude": st.lists(
            st.tuples(st.sampled_from(DATES), st.sampled_from([1000.0, 1500.0, 2000.0])), max_size=1
        ),
        "pressure": st.lists(
            st.tuples(st.sampled_from(DATES), st.sampled_from([80.0, 101.325])), max_size=1
        ),
        "o2": st.lists(
            st.tuples(st.sampled_from(DATES), st.sampled_from([8.0, 10.0, 15.5])), max_size=1
        ),
        "safety": st.lists(
            st.tuples(st.sampled_from(DATES), st.sampled_from([0.0, 1.0])), max_size=2
        ),
        "license": st.sampled_from(
            [None, ("valid", None), ("valid", datetime.date(2025, 6, 30)), ("revoked", None)]
        ),
    }
)

METRIC_OF = {
    "energy": "clinker_comprehensive_energy",
    "pm": "cement_kiln_pm",
    "ratio": "clinker_ratio",
    "altitude": "altitude",
    "pressure": "atmospheric_pressure",
    "o2": "flue_o2",
}


def build(plans, jurisdiction, cement):
    """One enterprise and one line per plan, with its readings; returns the reference subjects."""
    subjects = {}
    for index, plan in enumerate(plans):
        region = jurisdiction[plan["region"]]
        enterprise = Enterprise.objects.create(
            credit_code=make_credit_code(region.code, serial=index + 1),
            name=f"企业{index}",
            region=region,
            industry=cement,
            size="above",
        )
        size, size_unit = plan["size"] or (None, "")
        line = ProductionLine.objects.create(
            enterprise=enterprise,
            code=f"L{index}",
            equipment_type=plan["equipment"],
            capacity=plan["capacity"][0],
            capacity_unit=plan["capacity"][1],
            size=size,
            size_unit=size_unit,
            process=plan["process"],
            product=plan["product"],
            commissioning_year=plan["year"],
            status=plan["status"],
        )
        line_readings = {}
        for key, metric in METRIC_OF.items():
            for day, value in plan[key]:
                m = Measurement.objects.create(
                    enterprise=enterprise,
                    line=line,
                    metric=metric,
                    value=value,
                    unit="x",
                    value_std=value,
                    date=day,
                    source="inspection",
                )
                line_readings.setdefault(metric, []).append(Reading(metric, value, day, m.pk))
        ent_readings = {}
        for day, value in plan["safety"]:
            m = Measurement.objects.create(
                enterprise=enterprise,
                metric="safety_conditions_met",
                value=value,
                unit="bool",
                value_std=value,
                date=day,
                source="inspection",
            )
            ent_readings.setdefault("safety_conditions_met", []).append(
                Reading("safety_conditions_met", value, day, m.pk)
            )
        licenses = []
        if plan["license"]:
            status, until = plan["license"]
            License.objects.create(
                enterprise=enterprise,
                kind="production",
                number=f"XK{index}",
                status=status,
                valid_until=until,
            )
            licenses.append(HeldLicense("production", status, None, until))
        common = {"industry": "3011", "region": region.code}
        subjects[("enterprise", enterprise.pk)] = Subject(
            kind="enterprise", licenses=licenses, readings=ent_readings, **common
        )
        if plan["status"] == "exited":
            continue  # an exited line is no longer capacity; its enterprise still is
        subjects[("line", line.pk)] = Subject(
            kind="line",
            equipment_type=plan["equipment"],
            process=plan["process"],
            product=plan["product"],
            size=None if size is None else float(size),
            size_unit=size_unit,
            capacity=float(plan["capacity"][0]),
            capacity_unit=plan["capacity"][1],
            commissioning_year=plan["year"],
            readings=line_readings,
            **common,
        )
    return subjects


def compare(rule, subjects, *, exact: bool):
    scope = sql.Scope("9901", ("3011",), AS_OF, *WINDOW)
    rows = {
        (row.subject.kind, row.line_id or row.enterprise_id): row
        for row in sql.evaluate_rule(rule, scope)
    }
    expected = {}
    for key, subject in subjects.items():
        verdict = evaluate(rule, subject, as_of=AS_OF, window=WINDOW)
        if verdict.outcome in (FAIL, MISSING):
            expected[key] = verdict.outcome
    assert set(expected) <= set(rows), "SQL missed subjects the reference fails or cannot judge"
    for key, row in rows.items():
        again = evaluate(rule, row.subject, as_of=AS_OF, window=WINDOW)
        # The row carries what the reference needs: re-judging it gives the same verdict.
        assert again.outcome == expected.get(key, again.outcome)
        if exact:
            assert key in expected, f"SQL returned {key}, which the reference passes"


COMMON = dict(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(**COMMON)
@given(rule=limit_rules(), plans=st.lists(line_plans, min_size=1, max_size=5))
def test_limit_rules(jurisdiction, cement, rule, plans):
    with transaction.atomic():
        compare(rule, build(plans, jurisdiction, cement), exact=True)
        transaction.set_rollback(True)


@settings(**COMMON)
@given(rule=equipment_rules(), plans=st.lists(line_plans, min_size=1, max_size=5))
def test_equipment_rules(jurisdiction, cement, rule, plans):
    with transaction.atomic():
        # The SQL leaves exemptions to the reference: it may return more, never fewer.
        compare(rule, build(plans, jurisdiction, cement), exact=False)
        transaction.set_rollback(True)


@settings(**COMMON)
@given(rule=other_rules(), plans=st.lists(line_plans, min_size=1, max_size=5))
def test_check_and_license_rules(jurisdiction, cement, rule, plans):
    with transaction.atomic():
        compare(rule, build(plans, jurisdiction, cement), exact=True)
        transaction.set_rollback(True)
