"""Properties of the reference evaluator (standards.evaluate) that every rule relies on:
a max limit is monotone, a value exactly at the limit passes, a linear correction is symmetric
about its base, and the oxygen correction is the identity at the reference oxygen content."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phaseout.standards.catalog import read_rules
from phaseout.standards.evaluate import FAIL, PASS, Reading, Subject, evaluate, linear_delta

AS_OF = datetime.date(2024, 6, 1)
FROM = datetime.date(2022, 11, 1)

limits = st.floats(min_value=-1000, max_value=100_000, allow_nan=False, allow_infinity=False)
values = st.floats(min_value=-2000, max_value=200_000, allow_nan=False, allow_infinity=False)


def rule(**fields):
    raw = {
        "id": "prop.rule",
        "description": "性质测试",
        "reference": "GB 16780-2021 表1",
        "dimension": "ENERGY",
        "kind": "limit",
        "confidence": "S",
        "last_reviewed": "2026-11-22",
        "metric": "clinker_comprehensive_energy",
        "unit": "kgce/t",
        "applies_to": {"equipment": ["cement_kiln"]},
        **fields,
    }
    rules, problems = read_rules([("prop.yaml", {"family": "性质测试", "rules": [raw]})])
    assert problems == [], [str(p) for p in problems]
    return rules[0]


def kiln(**readings: float) -> Subject:
    return Subject(
        equipment_type="cement_kiln",
        commissioning_year=2005,
        readings={
            metric: (Reading(metric, value, AS_OF, index),)
            for index, (metric, value) in enumerate(readings.items())
        },
    )


def outcome(r, **readings):
    return evaluate(r, kiln(**readings), as_of=AS_OF)


@given(limit=limits, v=values, more=st.floats(min_value=0, max_value=1e5, allow_nan=False))
def test_a_max_limit_is_monotone(limit, v, more):
    """If v fails a max limit, every v' > v fails it too; if v' passes, every v ≤ v' passes."""
    r = rule(values={str(FROM): {"limit": limit}})
    worse = v + more
    if outcome(r, clinker_comprehensive_energy=v).outcome == FAIL:
        assert outcome(r, clinker_comprehensive_energy=worse).outcome == FAIL
    if outcome(r, clinker_comprehensive_energy=worse).outcome == PASS:
        assert outcome(r, clinker_comprehensive_energy=v).outcome == PASS


@given(limit=limits, v=values, more=st.floats(min_value=0, max_value=1e5, allow_nan=False))
def test_a_min_limit_is_monotone_the_other_way(limit, v, more):
    r = rule(values={str(FROM): {"limit": limit}}, direction="min")
    if outcome(r, clinker_comprehensive_energy=v).outcome == FAIL:
        assert outcome(r, clinker_comprehensive_energy=v - more).outcome == FAIL


@given(limit=limits)
def test_a_value_exactly_at_the_limit_passes(limit):
    r = rule(values={str(FROM): {"limit": limit}})
    verdict = outcome(r, clinker_comprehensive_energy=limit)
    assert verdict.outcome == PASS
    assert verdict.threshold == limit


@given(limit=st.floats(min_value=1, max_value=1000, allow_nan=False))
def test_a_value_at_a_limit_written_in_another_unit_passes(limit):
    # The limit written in tce/t is compared in kgce/t, where the reading is.
    r = rule(values={str(FROM): {"limit": limit}}, unit="tce/t")
    verdict = outcome(r, clinker_comprehensive_energy=limit * 1000)
    assert verdict.outcome == PASS


@given(
    base=st.floats(min_value=0, max_value=100, allow_nan=False),
    per=st.floats(min_value=-10, max_value=10, allow_nan=False),
    d=st.floats(min_value=0, max_value=50, allow_nan=False),
    max_span=st.one_of(st.none(), st.floats(min_value=0.1, max_value=20, allow_nan=False)),
)
def test_a_linear_correction_is_symmetric_about_its_base(base, per, d, max_span):
    spec = {
        "id": "ratio",
        "kind": "linear",
        "param": "clinker_ratio",
        "base": base,
        "per": per,
    }
    if max_span is not None:
        spec["max_span"] = max_span
    r = rule(values={str(FROM): {"limit": 94}}, corrections=[spec])
    [correction] = r.corrections
    up = linear_delta(correction, "limit", base + d)
    down = linear_delta(correction, "limit", base - d)
    assert up == pytest.approx(-down, abs=1e-9)
    # And as the evaluator applies it: the two thresholds sit symmetrically about the limit.
    high = outcome(r, clinker_comprehensive_energy=0, clinker_ratio=base + d).threshold
    low = outcome(r, clinker_comprehensive_energy=0, clinker_ratio=base - d).threshold
    assert (high - 94) == pytest.approx(94 - low, abs=1e-9)


@given(
    base=st.floats(min_value=0, max_value=100, allow_nan=False),
    per=st.floats(min_value=0.01, max_value=10, allow_nan=False),
    d=st.floats(min_value=0.01, max_value=50, allow_nan=False),
)
def test_a_one_sided_linear_correction_ignores_the_other_side(base, per, d):
    spec = {"kind": "linear", "param": "coal_moisture", "base": base, "per": per, "side": "above"}
    r = rule(values={str(FROM): {"limit": 135}}, corrections=[spec])
    below = outcome(r, clinker_comprehensive_energy=0, coal_moisture=base - d)
    above = outcome(r, clinker_comprehensive_energy=0, coal_moisture=base + d)
    assert below.threshold == 135
    assert above.threshold == pytest.approx(135 + per * d)


@given(
    reference=st.floats(min_value=0, max_value=20, allow_nan=False),
    limit=st.floats(min_value=0.01, max_value=1000, allow_nan=False),
    v=st.floats(min_value=0, max_value=2000, allow_nan=False),
)
def test_the_oxygen_correction_is_the_identity_at_the_reference_oxygen(reference, limit, v):
    r = rule(
        dimension="ENVIRONMENT",
        metric="cement_kiln_pm",
        unit="mg/m3",
        values={str(FROM): {"limit": limit}},
        corrections=[{"kind": "oxygen", "param": "flue_o2", "reference": reference}],
    )
    corrected = outcome(r, cement_kiln_pm=v, flue_o2=reference)
    uncorrected = outcome(r, cement_kiln_pm=v)
    assert corrected.value == pytest.approx(v, rel=1e-12, abs=1e-12)
    assert corrected.threshold == uncorrected.threshold == limit
    if abs(v - limit) > 1e-9 * max(1.0, limit):
        assert corrected.outcome == uncorrected.outcome


@given(
    reference=st.floats(min_value=0, max_value=20, allow_nan=False),
    o2=st.floats(min_value=0, max_value=20.5, allow_nan=False),
    v=st.floats(min_value=0.01, max_value=2000, allow_nan=False),
)
def test_more_oxygen_than_the_reference_raises_the_corrected_value(reference, o2, v):
    """Dilution never helps: above the reference O2 the corrected value is at least the measured."""
    r = rule(
        dimension="ENVIRONMENT",
        metric="cement_kiln_pm",
        unit="mg/m3",
        values={str(FROM): {"limit": 30}},
        corrections=[{"kind": "oxygen", "param": "flue_o2", "reference": reference}],
    )
    corrected = outcome(r, cement_kiln_pm=v, flue_o2=o2).value
    if o2 >= reference:
        assert corrected >= v * (1 - 1e-12)
    else:
        assert corrected <= v * (1 + 1e-12)
