"""The demo jurisdiction's campaign finds every scripted backward line and explains each one."""

from io import StringIO

import pytest
from django.core.management import call_command

from phaseout.screening.explain import explain, rule_of
from phaseout.screening.models import DataGap, Finding

# (enterprise, line code or None for the enterprise, the kind of finding expected)
BACKWARD = [
    ("城东区金盛水泥有限公司", "YL-1", "gb16780-2021.clinker-energy"),
    ("北山县青峰建材有限公司", "LY-1", "shaft-kiln"),
    ("北山县青峰建材有限公司", "FM-1", "cement-mill-3m"),
    ("南江市江源水泥有限公司", "YL-1", "lepol-wet-kiln"),
    ("南江市江源水泥有限公司", "YL-1", "gb4915-2013.kiln-pm"),
    ("城西区永兴钢铁有限公司", "ZL-1", "converter-30"),
    ("南江市隆昌铁业有限公司", "GL-1", "blast-furnace-400"),
    ("城西区晶华玻璃有限公司", "BL-1", "drawn-sheet"),
    ("北山县福源煤业有限责任公司", "MK-1", "coal"),
    ("北山县青峰建材有限公司", None, "safety-conditions"),
    ("城西区永兴钢铁有限公司", None, "quality-sampling"),
    ("城东区华晨玻璃股份有限公司", "BL-1", "gb21340-2019.flat-glass-energy"),
]


@pytest.mark.django_db
def test_every_scripted_backward_line_is_found_and_explained(settings):
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    for enterprise, line, rule_part in BACKWARD:
        findings = Finding.objects.filter(enterprise__name=enterprise, rule_id__contains=rule_part)
        findings = findings.filter(line__code=line) if line else findings.filter(line=None)
        finding = findings.exclude(category="restricted").first()
        assert finding is not None, (enterprise, line, rule_part)
        sentences = explain(finding, rule_of(finding), as_of=finding.as_of)
        assert finding.reference.split()[0] in sentences[0]
        assert len(sentences) >= 2


@pytest.mark.django_db
def test_the_demo_leaves_some_enterprises_to_inspect(settings):
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    assert DataGap.objects.exists()
    # The generated lines are not backward: every finding outside the scripted enterprises
    # is a license or a restricted-category item.
    scripted = {name for name, _line, _rule in BACKWARD} | {
        "示范鼎盛铝业有限公司",
        "城西区鸿运金属制品有限公司",
    }
    others = Finding.objects.exclude(enterprise__name__in=scripted).exclude(category="restricted")
    rules = set(others.values_list("rule_id", flat=True))
    assert rules and all("licence" in rule or "permit" in rule for rule in rules), rules
