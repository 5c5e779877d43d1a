"""The examples in docs/catalog.md and docs/rule-tests.md work as written: an officer can paste
the local-rule definition, and the case file example runs and holds."""

import datetime
import re
from pathlib import Path

import yaml

from phaseout.standards import catalog, ruletests
from phaseout.standards.evaluate import FAIL, MISSING, NOT_APPLICABLE, Reading, Subject, evaluate

DOCS = Path(__file__).resolve().parents[2] / "docs"


def yaml_blocks(name: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (DOCS / name).read_text(encoding="utf-8"), re.S)


def local_rule_example() -> dict:
    [block] = [b for b in yaml_blocks("catalog.md") if "safety_standardisation_level3" in b]
    return yaml.safe_load(block)


def test_the_local_rule_example_reads_as_a_rule():
    definition = local_rule_example()
    assert "id" not in definition  # the form's rule_id is the id
    raw = {**definition, "id": "local.safety.standardisation-level3"}
    rules, problems = catalog.read_rules(
        [("local:431000", {"family": "郴州市地方规则", "rules": [raw]})],
        today=datetime.date(2026, 11, 22),
    )
    assert [str(p) for p in problems] == []
    [rule] = rules
    assert (rule.dimension, rule.kind, rule.subject) == ("SAFETY", "check", "enterprise")
    assert rule.first_effective == datetime.date(2017, 6, 12)


def test_the_local_rule_example_judges_like_the_seed_says():
    raw = {**local_rule_example(), "id": "local.safety.standardisation-level3"}
    [rule], _problems = catalog.read_rules([("local", {"family": "郴州", "rules": [raw]})])
    day = datetime.date(2018, 6, 1)

    def judged(industry, conclusion=None):
        readings = {}
        if conclusion is not None:
            metric = "safety_standardisation_level3"
            readings = {metric: (Reading(metric, conclusion, day),)}
        subject = Subject(kind="enterprise", industry=industry, readings=readings)
        return evaluate(rule, subject, as_of=day).outcome

    assert judged("3011", 0.0) == FAIL  # 未达到企业安全生产标准化三级
    assert judged("0610", 1.0) != FAIL
    assert judged("3011") == MISSING
    assert judged("3216", 0.0) == NOT_APPLICABLE  # not one of the plan's seven industries


def test_the_case_file_example_runs_and_holds(tmp_path):
    [example] = [b for b in yaml_blocks("rule-tests.md") if b.lstrip().startswith("- name:")]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    report = ruletests.run([path])
    assert report.problems == []
    assert len(report.results) == 2 and report.ok
