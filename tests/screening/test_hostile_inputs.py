"""Malformed bodies to the screening and standards endpoints end in 4xx, never a 500."""

import json

import pytest

from tests.conftest import login

BAD_YAML = [
    "",
    "- just a list",
    "family: x\nrules: [1, 2]",
    "family: x\ndimension: ENERGY\nrules:\n  - {id: a, kind: limit, values: {notadate: {limit: 1}}}",
    "family: x\nrules:\n  - {id: a, kind: limit, dimension: ENERGY, metric: clinker_comprehensive_energy,"
    " description: d, reference: r, confidence: S, last_reviewed: 2026-01-01,"
    " values: {2025-01-01: {limit: abc}}, corrections: [{kind: linear}, {kind: factor, param: x}, 7]}",
    "family: x\nrules:\n  - {id: a, kind: equipment, dimension: TECHNOLOGY, description: d, reference: r,"
    " confidence: S, last_reviewed: 2026-01-01, applies_to: {equipment: [nope]},"
    " criteria: [{field: size, op: lte, value: [1]}, {field: process, op: in, value: 3}],"
    " values: {2025-01-01: {}}}",
    "family: x\nrules:\n  - {id: a, kind: limit, dimension: ENERGY, metric: clinker_comprehensive_energy,"
    " description: d, reference: r, confidence: S, last_reviewed: 2026-01-01,"
    " values: {2025-01-01: {limit: 1}}, corrections: [{kind: oxygen, param: flue_o2, reference: 30},"
    " {kind: linear, param: clinker_ratio, per: {limit: x}}, {kind: factor, param: altitude, scale: 0, constant: 1},"
    " {kind: factor, param: altitude, constant: 1, when: {param: altitude, op: bad, value: z}}]}",
    "{: not yaml",
    "family: x\nrules:\n  - {id: a, kind: check, dimension: SAFETY, subject: enterprise,"
    " metric: safety_conditions_met, description: d, reference: r, confidence: S,"
    " last_reviewed: not-a-date, values: {2025-01-01: []}}",
]


@pytest.fixture
def campaign(jurisdiction, county_officer):
    from phaseout.screening import services

    return services.create_campaign(
        by=county_officer, region=jurisdiction["east"], name="排查", year=2025, as_of="2025-12-31"
    )


@pytest.mark.parametrize("text", BAD_YAML)
def test_bad_draft_rules_are_a_400(client, county_officer, campaign, text):
    login(client, county_officer)
    response = client.post(
        f"/api/campaigns/{campaign.pk}/what-if/", {"yaml": text}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    response = client.post(
        f"/api/campaigns/{campaign.pk}/what-if/", text.encode(), content_type="application/yaml"
    )
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("text", BAD_YAML)
def test_bad_local_rule_definitions_are_a_400(client, county_officer, jurisdiction, text):
    login(client, county_officer)
    body = {
        "region": jurisdiction["east"].pk,
        "rule_id": "local.x",
        "supersedes": "",
        "definition": text,
    }
    response = client.post("/api/local-rules/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "body",
    [
        {"metric": "clinker_comprehensive_energy", "value": "1e999", "unit": "kgce/t"},
        {"metric": "clinker_comprehensive_energy", "value": "NaN", "unit": "kgce/t"},
        {
            "metric": "clinker_comprehensive_energy",
            "value": "12345678901234567890",
            "unit": "kgce/t",
        },
        {"metric": "clinker_comprehensive_energy", "value": "120", "unit": "mg/m3"},
        {"metric": "no_such_metric", "value": "1", "unit": ""},
        {"metric": "flue_o2", "value": "21", "unit": "%"},
        {"metric": "safety_conditions_met", "value": "maybe", "unit": ""},
        {
            "metric": "clinker_comprehensive_energy",
            "value": "120",
            "unit": "kgce/t",
            "date": "2025-02-30",
        },
        {"metric": "clinker_comprehensive_energy", "value": "120", "unit": "\x00"},
    ],
)
def test_bad_measurements_are_a_400(client, county_officer, east_enterprise, body):
    from phaseout.registry.models import ProductionLine

    line = ProductionLine.objects.create(
        enterprise=east_enterprise,
        code="YL-1",
        equipment_type="cement_kiln",
        capacity=1,
        capacity_unit="t/d",
    )
    login(client, county_officer)
    payload = {
        "enterprise": east_enterprise.pk,
        "line": line.pk,
        "date": "2025-06-01",
        "source": "inspection",
        **body,
    }
    response = client.post(
        "/api/measurements/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400, response.content
