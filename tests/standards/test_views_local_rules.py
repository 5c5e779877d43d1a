"""Local rule pages: made by the county's registry keepers, with YAML checked as a catalogue
rule; everyone in scope reads them; the catalogue browser is read-only."""

import pytest
import yaml
from django.urls import reverse

from phaseout.standards import services
from phaseout.standards.models import LocalRule
from tests.conftest import login
from tests.standards.conftest import STRICTER


def form_data(region, **overrides):
    data = {
        "region": region.pk,
        "rule_id": "local.clinker-energy",
        "supersedes": "gb16780-2021.clinker-energy",
        "definition": yaml.safe_dump(STRICTER, allow_unicode=True),
    }
    data.update(overrides)
    return data


def test_an_officer_makes_a_rule_from_yaml(client, county_officer, jurisdiction):
    login(client, county_officer)
    assert client.get(reverse("standards:localrule-create")).status_code == 200
    response = client.post(reverse("standards:localrule-create"), form_data(jurisdiction["east"]))
    local = LocalRule.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("standards:localrule-detail", args=[local.pk])
    assert local.definition["values"] == {"2026-01-01": {"limit": 112, "entry": 105}}


def test_a_more_lenient_rule_is_a_form_error(client, county_officer, jurisdiction):
    lenient = {**STRICTER, "values": {"2026-01-01": {"limit": 125}}}
    response = login(client, county_officer).post(
        reverse("standards:localrule-create"),
        form_data(jurisdiction["east"], definition=yaml.safe_dump(lenient, allow_unicode=True)),
    )
    assert response.status_code == 200
    assert any("只能更严格" in e for e in response.context["form"].errors["definition"])
    assert not LocalRule.objects.exists()


def test_broken_yaml_and_catalogue_problems_are_form_errors(client, county_officer, jurisdiction):
    login(client, county_officer)
    response = client.post(
        reverse("standards:localrule-create"),
        form_data(jurisdiction["east"], definition="values: [unclosed"),
    )
    assert "YAML" in response.context["form"].errors["definition"][0]
    broken = {**STRICTER, "kind": "wish"}
    response = client.post(
        reverse("standards:localrule-create"),
        form_data(jurisdiction["east"], definition=yaml.safe_dump(broken, allow_unicode=True)),
    )
    assert any(e.startswith("kind：") for e in response.context["form"].errors["definition"])


def test_another_countys_region_is_not_a_choice(client, county_officer, jurisdiction):
    response = login(client, county_officer).post(
        reverse("standards:localrule-create"), form_data(jurisdiction["north"])
    )
    assert "region" in response.context["form"].errors


@pytest.mark.parametrize("who", ["city_leader", "city_auditor", "enterprise_user"])
def test_who_may_not_make_one(db, request, client, who):
    response = login(client, request.getfixturevalue(who)).get(
        reverse("standards:localrule-create")
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("county_officer", 200),
        ("city_leader", 200),
        ("city_auditor", 200),
        ("other_county_officer", 404),
        ("enterprise_user", 404),
    ],
)
def test_who_may_read_one(request, client, local, who, status):
    response = login(client, request.getfixturevalue(who)).get(
        reverse("standards:localrule-detail", args=[local.pk])
    )
    assert response.status_code == status


def test_the_list_shows_rules_in_scope_and_above(
    client, local, county_officer, other_county_officer, jurisdiction
):
    city_rule = services.create_local_rule(
        by=_superuser(),
        region=jurisdiction["city"],
        rule_id="local.city-rule",
        definition={**STRICTER, "values": {"2026-01-01": {"limit": 115}}},
    )
    text = login(client, county_officer).get(reverse("standards:localrule-list")).text
    assert local.rule_id in text and city_rule.rule_id in text
    text = login(client, other_county_officer).get(reverse("standards:localrule-list")).text
    assert local.rule_id not in text and city_rule.rule_id in text


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", password="x-Very-Long-1")


def test_the_officer_edits_and_brings_it_into_force(client, county_officer, local):
    login(client, county_officer)
    data = form_data(
        local.region,
        definition=yaml.safe_dump(
            {**STRICTER, "values": {"2026-01-01": {"limit": 110}}}, allow_unicode=True
        ),
    )
    response = client.post(reverse("standards:localrule-update", args=[local.pk]), data)
    assert response.status_code == 302
    response = client.post(
        reverse("standards:localrule-status", args=[local.pk]), {"status": "active"}, follow=True
    )
    local.refresh_from_db()
    assert local.status == "active"
    assert local.definition["values"]["2026-01-01"]["limit"] == 110
    assert "生效" in response.text


def test_a_status_change_the_procedure_does_not_allow_is_a_message(client, county_officer, local):
    response = login(client, county_officer).post(
        reverse("standards:localrule-status", args=[local.pk]), {"status": "nonsense"}, follow=True
    )
    assert response.status_code == 200
    local.refresh_from_db()
    assert local.status == "draft"


@pytest.mark.parametrize(("who", "status"), [("city_leader", 403), ("other_county_officer", 404)])
def test_who_may_not_change_its_status(request, client, local, who, status):
    response = login(client, request.getfixturevalue(who)).post(
        reverse("standards:localrule-status", args=[local.pk]), {"status": "active"}
    )
    assert response.status_code == status
    local.refresh_from_db()
    assert local.status == "draft"


def test_the_catalogue_lists_national_rules_with_values_by_date(client, city_auditor):
    login(client, city_auditor)
    text = client.get(reverse("standards:rule-list")).text
    assert 'id="gb16780-2021.clinker-energy"' in text
    assert "GB 16780-2021 表1 熟料单位产品综合能耗" in text
    assert "限定值（3级） 117" in text and "2022-11-01" in text
    response = client.get(reverse("standards:rule-list"), {"dimension": "SAFETY"})
    assert 'id="gb16780-2021.clinker-energy"' not in response.text
    assert client.get(reverse("standards:rule-list"), {"kind": "<x>"}).status_code == 200


def test_an_unverified_catalogue_rule_carries_the_badge(client, city_auditor, monkeypatch):
    import dataclasses

    from phaseout.standards import catalog

    real = catalog.national()
    rule = dataclasses.replace(real.get("gb16780-2021.clinker-energy"), confidence="U")
    monkeypatch.setattr(
        "phaseout.standards.views.national",
        lambda: catalog.Catalog(rules={rule.id: rule}, metrics=real.metrics),
    )
    text = login(client, city_auditor).get(reverse("standards:rule-list")).text
    assert "未核实" in text


def test_the_anonymous_visitor_is_sent_to_log_in(client, local):
    for url in (
        reverse("standards:rule-list"),
        reverse("standards:localrule-list"),
        reverse("standards:localrule-detail", args=[local.pk]),
    ):
        assert client.get(url).status_code == 302
