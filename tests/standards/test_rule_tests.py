"""The shipped rule tests (standards/rule_tests) all hold, one pytest case per rule-test case, and
`phaseout catalog test` fails on a wrong expectation, an unknown rule or a malformed case."""

import textwrap
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from phaseout.standards import catalog, ruletests

SHIPPED, SHIPPED_PROBLEMS = ruletests.load()


def test_the_shipped_case_files_are_well_formed():
    assert [str(p) for p in SHIPPED_PROBLEMS] == []
    assert len(SHIPPED) > 0


@pytest.mark.parametrize("case", SHIPPED, ids=lambda case: f"{case.path} {case.label}")
def test_shipped_case(case):
    results = ruletests.run_case(case, catalog.national().rules)
    wrong = [
        f"{result.rule_id}: expected {result.expected}, got {result.got}"
        for result in results
        if not result.ok
    ]
    assert wrong == []


def test_every_rule_family_has_a_failing_and_a_passing_case():
    rules = catalog.national().rules
    seen: dict[str, set[str]] = {}
    for case in SHIPPED:
        for rule_id, expected in case.expect.items():
            seen.setdefault(rules[rule_id].path, set()).add(expected)
    families = {rule.path for rule in rules.values()}
    lacking = {
        path: sorted({"fail", "pass"} - seen.get(path, set()))
        for path in families
        if not {"fail", "pass"} <= seen.get(path, set())
    }
    assert lacking == {}


# — the command —


def write(tmp_path, text, name="cases.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(*args):
    out = StringIO()
    try:
        call_command("catalog", "test", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


CASE = """
    - name: 熟料线 2023-03-01 实测 120 kgce/t，不符合 GB 16780-2021 3级
      date: 2023-03-01
      subject: {industry: "3011", equipment_type: cement_kiln, commissioning_year: 2005}
      measurements:
        clinker_comprehensive_energy: 120
      expect:
        gb16780-2021.clinker-energy: %s
"""


def test_the_command_passes_on_the_shipped_cases():
    status, output = run()
    assert status == 0
    assert f"用例 {len(SHIPPED)} 个" in output
    assert "✗" not in output


def test_a_right_expectation_passes(tmp_path):
    status, output = run(str(write(tmp_path, CASE % "fail")))
    assert status == 0
    assert "✓" in output and "gb16780-2021.clinker-energy: 预期 fail，结果 fail" in output


def test_a_wrong_expectation_makes_the_command_exit_1(tmp_path):
    status, output = run(str(write(tmp_path, CASE % "pass")))
    assert status == 1
    assert "✗" in output and "预期 pass，结果 fail" in output
    assert "不符合 1" in output


def test_a_case_naming_an_unknown_rule_fails(tmp_path):
    text = (CASE % "fail").replace("gb16780-2021.clinker-energy", "gb16780-2021.no-such-rule")
    status, output = run(str(write(tmp_path, text)))
    assert status == 1
    assert "gb16780-2021.no-such-rule: 预期 fail，目录中没有此规则" in output


def test_the_exit_status_from_the_command_line(tmp_path):
    from django.core.management import execute_from_command_line

    path = write(tmp_path, CASE % "pass")
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["phaseout", "catalog", "test", str(path)])
    assert exit_.value.code == 1


# — malformed cases name the file, the case and the field —


def problems_in(tmp_path, text):
    _cases, problems = ruletests.load([write(tmp_path, text)])
    return [(p.path.rsplit("/", 1)[-1], p.case, p.field) for p in problems]


def test_an_unknown_outcome_is_reported(tmp_path):
    assert problems_in(tmp_path, CASE % "failed") == [
        (
            "cases.yaml",
            "#1 熟料线 2023-03-01 实测 120 kgce/t，不符合 GB 16780-2021 3级",
            "expect.gb16780-2021.clinker-energy",
        )
    ]


def test_an_unquoted_industry_code_is_reported(tmp_path):
    text = (CASE % "fail").replace('industry: "3011"', "industry: 3011")
    [(path, case, field)] = problems_in(tmp_path, text)
    assert (path, field) == ("cases.yaml", "subject.industry")
    assert case.startswith("#1 ")


def test_a_measurement_of_an_unknown_metric_is_reported(tmp_path):
    text = (CASE % "fail").replace("clinker_comprehensive_energy: 120", "clinker_energy: 120")
    [(_path, _case, field)] = problems_in(tmp_path, text)
    assert field == "measurements.clinker_energy"


def test_a_measurement_in_a_unit_of_another_quantity_is_reported(tmp_path):
    text = (CASE % "fail").replace(
        "clinker_comprehensive_energy: 120",
        "clinker_comprehensive_energy: {value: 120, unit: kWh/t}",
    )
    [(_path, _case, field)] = problems_in(tmp_path, text)
    assert field == "measurements.clinker_comprehensive_energy.unit"


def test_a_case_without_a_date_or_a_name_is_reported(tmp_path):
    text = """
    - subject: {industry: "3011", equipment_type: cement_kiln}
      expect:
        gb16780-2021.clinker-energy: missing
    """
    assert sorted(problems_in(tmp_path, text)) == [
        ("cases.yaml", "#1", "date"),
        ("cases.yaml", "#1", "name"),
    ]


def test_an_unknown_subject_field_is_reported(tmp_path):
    text = (CASE % "fail").replace("commissioning_year: 2005", "built: 2005")
    [(_path, _case, field)] = problems_in(tmp_path, text)
    assert field == "subject.built"


def test_a_malformed_case_makes_the_command_exit_1(tmp_path):
    status, output = run(str(write(tmp_path, CASE % "failed")))
    assert status == 1
    assert "cases.yaml · #1 熟料线" in output and "expect.gb16780-2021.clinker-energy" in output


def test_measurements_carry_their_unit_and_date(tmp_path):
    text = """
    - name: 以吨标准煤填报、早于判定日的读数按最近一次计
      date: 2023-06-01
      subject: {industry: "3011", equipment_type: cement_kiln, commissioning_year: 2005}
      measurements:
        clinker_comprehensive_energy:
          - {value: 0.125, unit: 吨标准煤/吨, date: 2023-01-10}
          - {value: 0.110, unit: tce/t, date: 2023-05-10}
          - {value: 0.130, unit: tce/t, date: 2023-07-10}
      expect:
        gb16780-2021.clinker-energy: pass
    """
    [case], problems = ruletests.load([write(tmp_path, text)])
    assert problems == []
    readings = case.subject.readings["clinker_comprehensive_energy"]
    assert [r.value for r in readings] == pytest.approx([125, 110, 130])
    # The reading after the case date does not count; the latest before it (110) does.
    [result] = ruletests.run_case(case, catalog.national().rules)
    assert result.ok and result.verdict.value == pytest.approx(110)
