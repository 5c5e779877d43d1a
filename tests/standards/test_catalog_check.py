"""`phaseout catalog check`: the shipped catalogue passes, and a broken rule file is reported
naming the file, the rule and the field (STYLE.md "Rules as data": CI fails on a rule without a
reference, or reviewed more than two years ago)."""

import datetime
import textwrap
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from phaseout.standards import catalog

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(scope="module")
def shipped():
    return catalog.check(today=TODAY)


def test_the_shipped_catalogue_has_no_problem(shipped):
    rules, problems = shipped
    assert problems == []
    assert len(rules) > 0


def test_the_shipped_catalogue_passes_today():
    # What CI runs: a rule whose last review is more than two years old fails the build.
    _rules, problems = catalog.check(today=datetime.date.today())
    assert [str(p) for p in problems] == []


def test_every_rule_has_a_reference_and_a_source(shipped):
    rules, _problems = shipped
    assert [r.id for r in rules if not r.reference.strip()] == []
    assert [r.id for r in rules if not r.source.strip()] == []


def test_rule_ids_are_unique_and_prefixed_by_their_family(shipped):
    rules, _problems = shipped
    counts = Counter(rule.id for rule in rules)
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []
    by_file: dict[str, set[str]] = {}
    for rule in rules:
        by_file.setdefault(rule.path, set()).add(rule.id.split(".", 1)[0])
    assert {path: prefixes for path, prefixes in by_file.items() if len(prefixes) != 1} == {}


def test_every_dimension_has_rules(shipped):
    rules, _problems = shipped
    assert {rule.dimension for rule in rules} == set(catalog.DIMENSIONS)


def test_every_limit_is_written_in_a_unit_its_metric_converts_to(shipped):
    from phaseout.standards import units

    rules, _problems = shipped
    for rule in rules:
        if rule.kind == "limit":
            assert units.factor(rule.unit, rule.metric_unit) > 0, rule.id


def test_the_flat_glass_emission_rule_ended_with_gb26453_2022(shipped):
    rules, _problems = shipped
    rule = {r.id: r for r in rules}["gb26453-2011.furnace-pm"]
    assert rule.in_force(datetime.date(2022, 12, 31))
    assert not rule.in_force(datetime.date(2023, 1, 1))


def test_u_rules_are_flagged_unverified(shipped):
    rules, _problems = shipped
    unverified = [r for r in rules if r.confidence == "U"]
    assert unverified and not any(r.verified for r in unverified)


# — broken files —


GOOD_RULE = """
    family: 测试规则族
    dimension: ENERGY
    kind: limit
    confidence: S
    last_reviewed: 2026-11-01
    source: test
    rules:
      - id: test.clinker
        description: 熟料综合能耗
        reference: GB 16780-2021 表1
        metric: clinker_comprehensive_energy
        unit: kgce/t
        values:
          2022-11-01: {limit: 117}
"""


def write(tmp_path, text, name="family.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(tmp_path, text):
    write(tmp_path, text)
    _rules, problems = catalog.check(tmp_path, today=TODAY)
    return problems


def only(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_a_good_file_has_no_problem(tmp_path):
    assert problems_of(tmp_path, GOOD_RULE) == []


def test_a_rule_without_a_reference_is_reported(tmp_path):
    problem = only(problems_of(tmp_path, GOOD_RULE.replace("reference: GB 16780-2021 表1", "")))
    assert (problem.path, problem.rule, problem.field) == (
        "family.yaml",
        "test.clinker",
        "reference",
    )


def test_a_blank_reference_is_reported(tmp_path):
    text = GOOD_RULE.replace("reference: GB 16780-2021 表1", 'reference: "  "')
    problem = only(problems_of(tmp_path, text))
    assert (problem.rule, problem.field) == ("test.clinker", "reference")


def test_the_same_date_twice_is_an_overlap(tmp_path):
    # YAML would keep only one of two identical keys; two spellings of one date overlap.
    text = GOOD_RULE.replace(
        "2022-11-01: {limit: 117}", '2022-11-01: {limit: 117}\n          "2022-11-01": {limit: 110}'
    )
    problem = only(problems_of(tmp_path, text))
    assert (problem.path, problem.rule, problem.field) == ("family.yaml", "test.clinker", "values")
    assert "重叠" in problem.message


def test_an_unknown_unit_is_reported(tmp_path):
    problem = only(problems_of(tmp_path, GOOD_RULE.replace("unit: kgce/t", "unit: kgce/pallet")))
    assert (problem.path, problem.rule, problem.field) == ("family.yaml", "test.clinker", "unit")
    assert "kgce/pallet" in problem.message


def test_a_unit_that_does_not_convert_to_the_metric_is_reported(tmp_path):
    # kWh/t measures power, the metric coal equivalent: no factor between them, never a guess.
    problem = only(problems_of(tmp_path, GOOD_RULE.replace("unit: kgce/t", "unit: kWh/t")))
    assert (problem.path, problem.rule, problem.field) == ("family.yaml", "test.clinker", "unit")


def test_a_rule_reviewed_more_than_two_years_ago_is_reported(tmp_path):
    text = GOOD_RULE.replace("last_reviewed: 2026-11-01", "last_reviewed: 2024-11-01")
    problem = only(problems_of(tmp_path, text))
    assert (problem.path, problem.rule, problem.field) == (
        "family.yaml",
        "test.clinker",
        "last_reviewed",
    )


def test_a_rule_reviewed_less_than_two_years_ago_passes(tmp_path):
    text = GOOD_RULE.replace("last_reviewed: 2026-11-01", "last_reviewed: 2024-12-01")
    assert problems_of(tmp_path, text) == []


def test_a_duplicate_id_across_files_names_both_files(tmp_path):
    write(tmp_path, GOOD_RULE, "a.yaml")
    write(tmp_path, GOOD_RULE, "b.yaml")
    _rules, problems = catalog.check(tmp_path, today=TODAY)
    problem = only(problems)
    assert (problem.path, problem.rule, problem.field) == ("b.yaml", "test.clinker", "id")
    assert "a.yaml" in problem.message


# — the command —


def run(*args):
    out = StringIO()
    try:
        call_command("catalog", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_the_command_passes_on_the_shipped_catalogue():
    status, output = run("check")
    assert status == 0
    rules, _problems = catalog.check(today=datetime.date.today())
    assert f"规则 {len(rules)} 条，问题 0 个" in output
    unverified = sum(1 for rule in rules if not rule.verified)
    # Rules tagged U are a warning, counted, never an error.
    assert (f"其中 {unverified} 条标记为 U" in output) == (unverified > 0)


def test_the_command_lists_every_problem_and_exits_1(tmp_path):
    write(tmp_path, GOOD_RULE.replace("reference: GB 16780-2021 表1", ""), "a.yaml")
    bad_unit = GOOD_RULE.replace("test.clinker", "test.other").replace("kgce/t", "kWh/t")
    write(tmp_path, bad_unit, "b.yaml")
    status, output = run("check", str(tmp_path))
    assert status == 1
    assert "a.yaml · test.clinker · reference:" in output
    assert "b.yaml · test.other · unit:" in output
    assert "规则 0 条，问题 2 个" in output


def test_the_command_checks_a_single_file(tmp_path):
    path = write(tmp_path, GOOD_RULE)
    status, output = run("check", str(path))
    assert status == 0
    assert "规则 1 条，问题 0 个" in output


def test_the_exit_status_from_the_command_line(tmp_path):
    from django.core.management import execute_from_command_line

    path = write(tmp_path, GOOD_RULE.replace("reference: GB 16780-2021 表1", ""))
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["phaseout", "catalog", "check", str(path)])
    assert exit_.value.code == 1
