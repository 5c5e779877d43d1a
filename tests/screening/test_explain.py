"""A finding explains itself in the law's own terms, sentence by sentence (screening/explain.py)."""

import datetime

import pytest

from phaseout.screening.explain import explain, number
from phaseout.standards.catalog import national
from phaseout.standards.evaluate import Reading, Subject, evaluate

AS_OF = datetime.date(2025, 12, 31)
DAY = datetime.date(2025, 6, 1)


def reading(metric, value, id_):
    return Reading(metric, value, DAY, id_)


def line(equipment, year, *readings):
    by_metric = {}
    for r in readings:
        by_metric.setdefault(r.metric, []).append(r)
    return Subject(
        kind="line",
        industry="3011",
        equipment_type=equipment,
        commissioning_year=year,
        readings=by_metric,
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(120.60000000000001, "120.6"), (117.0, "117"), (1.00431, "1.0043"), (-0.0, "0"), (None, "—")],
)
def test_figures_are_written_without_float_noise(value, text):
    assert number(value) == text


def test_a_clinker_kiln_of_2004_over_the_limit_reads_like_the_standard():
    rule = national().get("gb16780-2021.clinker-energy")
    subject = line("cement_kiln", 2004, reading("clinker_comprehensive_energy", 125, 12))
    verdict = evaluate(rule, subject, as_of=AS_OF)

    sentences = explain(verdict.steps, rule, as_of=AS_OF)

    assert sentences[0] == (
        "依据 GB 16780-2021 表1 熟料单位产品综合能耗：水泥熟料单位产品综合能耗"
        "（规则 gb16780-2021.clinker-energy，可信度 S）"
    )
    assert (
        "该生产线 2004 年投产，早于标准实施（2022-11-01），按现有企业的限定值（3级）判定"
        in sentences
    )
    assert "采用 2025-06-01 的检测值 125 千克标准煤/吨（检测记录 #12）" in sentences
    assert "2025-12-31 适用自 2022-11-01 起的取值：限定值 117 千克标准煤/吨" in sentences
    assert sentences[-1] == "125 > 117，不达标"


def test_a_kiln_built_after_the_standard_is_judged_on_the_entry_value():
    rule = national().get("gb16780-2021.clinker-energy")
    subject = line("cement_kiln", 2024, reading("clinker_comprehensive_energy", 110, 3))
    sentences = explain(evaluate(rule, subject, as_of=AS_OF).steps, rule, as_of=AS_OF)
    assert "该生产线 2024 年投产，晚于标准实施（2022-11-01），按新建企业的准入值（2级）判定" in (
        sentences
    )
    assert sentences[-1] == "110 > 107，不达标"


def test_the_clinker_ratio_correction_is_spelled_out():
    """GB 16780-2021: 3级 +1.20 kgce/t per percentage point of clinker above 75%."""
    rule = national().get("gb16780-2021.cement-energy")
    subject = line(
        "cement_mill",
        2004,
        reading("cement_comprehensive_energy", 125, 1),
        reading("clinker_ratio", 78, 2),
    )
    sentences = explain(evaluate(rule, subject, as_of=AS_OF).steps, rule, as_of=AS_OF)
    assert (
        "水泥中熟料占比（熟料系数） 78%，较基准 75% 高 3 个百分点，限值增加 1.2 × 3 = 3.6，为 97.6"
        in sentences
    )
    assert sentences[-1] == "125 > 97.6，不达标"


def test_a_passing_value_reads_as_passing():
    rule = national().get("gb16780-2021.clinker-energy")
    subject = line("cement_kiln", 2004, reading("clinker_comprehensive_energy", 100, 1))
    assert explain(evaluate(rule, subject, as_of=AS_OF).steps, rule)[-1] == "100 ≤ 117，达标"


def test_a_missing_measurement_says_what_to_measure():
    rule = national().get("gb16780-2021.clinker-energy")
    sentences = explain(evaluate(rule, line("cement_kiln", 2004), as_of=AS_OF).steps, rule)
    assert sentences[-1] == "排查期间内没有“熟料单位产品综合能耗”的检测值，无法判定，需要检测"


def test_an_unverified_rule_says_so():
    import dataclasses

    rule = dataclasses.replace(national().get("gb16780-2021.clinker-energy"), confidence="U")
    subject = line("cement_kiln", 2004, reading("clinker_comprehensive_energy", 125, 1))
    sentences = explain(evaluate(rule, subject, as_of=AS_OF).steps, rule)
    assert "可信度 U" in sentences[0]
    assert "未核实" in sentences[-1]


def test_steps_of_every_kind_become_sentences():
    steps = [
        {"code": "oxygen", "measured": 50, "o2": 12, "reference": 10, "value": 61.111111},
        {"code": "oxygen_missing", "param": "flue_o2", "correction": "o2"},
        {"code": "correction_missing", "param": "clinker_ratio", "correction": "ratio"},
        {
            "code": "correction_not_due",
            "param": "altitude",
            "value": 800,
            "op": "gt",
            "bound": 1500,
            "correction": "altitude",
        },
        {
            "code": "factor",
            "param": "atmospheric_pressure",
            "value": 81,
            "factor": 1.0103,
            "threshold": 118.2,
            "correction": "altitude",
        },
        {
            "code": "conclusion",
            "metric": "quality_sampling_passed",
            "value": 0,
            "date": "2025-06-01",
            "id": 4,
            "failed": True,
        },
        {
            "code": "criterion",
            "field": "size",
            "op": "lte",
            "bound": 400,
            "unit": "m3",
            "held": True,
            "actual": [300, "m3"],
        },
        {
            "code": "criterion",
            "field": "process",
            "op": "in",
            "bound": ["wet"],
            "unit": None,
            "held": None,
            "actual": None,
        },
        {"code": "exempt", "field": "product", "actual": "clinker"},
        {
            "code": "eliminated",
            "category": "eliminated",
            "edition": "《产业结构调整指导目录（2024年本）》",
            "deadline": "2025-12-31",
        },
        {"code": "license", "kind": "production", "held": 0, "valid": False},
        {"code": "license", "kind": "safety", "held": 2, "valid": False},
    ]
    sentences = explain(steps, None, as_of=AS_OF)
    assert len(sentences) == len(steps)
    assert (
        sentences[0]
        == "实测含氧量 12%，按基准含氧量 10% 折算：50 × (21 − 10) / (21 − 12) = 61.1111"
    )
    assert "厂址海拔 800 米，不满足“高于 1500 米”" in sentences[3]
    assert sentences[5].endswith("强制性标准产品质量监督抽查合格——否，不达标")
    assert sentences[6] == "设备规格 300 立方米，符合“不高于 400 立方米”"
    assert sentences[7].startswith("未登记工艺")
    assert sentences[9] == "属于《产业结构调整指导目录（2024年本）》淘汰类，淘汰期限 2025-12-31"
    assert sentences[10] == "未登记工业产品生产许可证，不达标"
    assert "2025-12-31" in sentences[11]
