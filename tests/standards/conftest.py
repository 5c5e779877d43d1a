"""Standards fixtures: a stricter local clinker-energy rule for 城东区 (a draft)."""

import pytest

from phaseout.standards import services

# GB 16780-2021 limits clinker to 117 kgce/t; 城东区 tightens it to 112 from 2026.
STRICTER = {
    "description": "水泥熟料单位产品综合能耗（城东区从严）",
    "reference": "城东区人民政府通告第1号",
    "dimension": "ENERGY",
    "kind": "limit",
    "confidence": "R",
    "last_reviewed": "2026-01-15",
    "metric": "clinker_comprehensive_energy",
    "unit": "kgce/t",
    "applies_to": {"industries": ["3011"], "equipment": ["cement_kiln"]},
    "values": {"2026-01-01": {"limit": 112, "entry": 105}},
}


@pytest.fixture
def local(county_officer, jurisdiction):
    return services.create_local_rule(
        by=county_officer,
        region=jurisdiction["east"],
        rule_id="local.clinker-energy",
        supersedes="gb16780-2021.clinker-energy",
        definition=STRICTER,
    )
