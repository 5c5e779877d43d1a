"""Local rules (地方规则): made by the registry keepers of a region, checked as catalogue rules,
never more lenient than the national rule they supersede, every change kept."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phaseout.core.errors import ProcedureError
from phaseout.standards import services
from phaseout.standards.models import LocalRule, LocalRuleStatus
from tests.standards.conftest import STRICTER


def make(officer, region, **overrides):
    values = {
        "rule_id": "local.clinker-energy",
        "supersedes": "gb16780-2021.clinker-energy",
        "definition": STRICTER,
    }
    values.update(overrides)
    return services.create_local_rule(by=officer, region=region, **values)


def test_a_county_officer_makes_a_stricter_rule_as_a_draft(county_officer, jurisdiction):
    local = make(county_officer, jurisdiction["east"])
    assert local.status == LocalRuleStatus.DRAFT
    assert local.created_by == county_officer
    assert local.history.get().history_user == county_officer


def test_a_rule_more_lenient_than_the_national_one_is_refused(county_officer, jurisdiction):
    """GB 16780-2021 limits clinker to 117 kgce/t; a county may not allow 120."""
    lenient = {**STRICTER, "values": {"2026-01-01": {"limit": 120}}}
    with pytest.raises(ValidationError) as caught:
        make(county_officer, jurisdiction["east"], definition=lenient)
    messages = caught.value.message_dict["definition"]
    assert any("120" in m and "117" in m and "只能更严格" in m for m in messages)
    assert not LocalRule.objects.exists()


def test_leniency_is_judged_in_the_metric_unit(county_officer, jurisdiction):
    """0.118 tce/t is 118 kgce/t: more lenient than 117."""
    lenient = {**STRICTER, "unit": "tce/t", "values": {"2026-01-01": {"limit": 0.118}}}
    with pytest.raises(ValidationError):
        make(county_officer, jurisdiction["east"], definition=lenient)
    strict = {**STRICTER, "unit": "tce/t", "values": {"2026-01-01": {"limit": 0.115}}}
    assert make(county_officer, jurisdiction["east"], definition=strict).pk


def test_the_id_must_start_with_local(county_officer, jurisdiction):
    with pytest.raises(ValidationError) as caught:
        make(county_officer, jurisdiction["east"], rule_id="clinker")
    assert "rule_id" in caught.value.message_dict


def test_a_broken_definition_lists_its_problems(county_officer, jurisdiction):
    broken = {**STRICTER, "metric": "no_such_metric", "dimension": "NOISE"}
    with pytest.raises(ValidationError) as caught:
        make(county_officer, jurisdiction["east"], definition=broken, supersedes="")
    messages = caught.value.message_dict["definition"]
    assert any(m.startswith("metric：") for m in messages)
    assert any(m.startswith("dimension：") for m in messages)


def test_an_unknown_national_rule_cannot_be_superseded(county_officer, jurisdiction):
    with pytest.raises(ValidationError) as caught:
        make(county_officer, jurisdiction["east"], supersedes="gb0000.nothing")
    assert "supersedes" in caught.value.message_dict


def test_yaml_dates_are_stored_as_text(county_officer, jurisdiction):
    import datetime

    definition = {
        **STRICTER,
        "last_reviewed": datetime.date(2026, 1, 15),
        "values": {datetime.date(2026, 1, 1): {"limit": 110}},
    }
    local = make(county_officer, jurisdiction["east"], definition=definition)
    local.refresh_from_db()
    assert local.definition["values"] == {"2026-01-01": {"limit": 110}}
    assert local.definition["last_reviewed"] == "2026-01-15"


@pytest.mark.parametrize("who", ["other_county_officer", "city_leader", "city_auditor"])
def test_who_may_not_make_a_rule_for_the_county(request, who, jurisdiction):
    with pytest.raises(PermissionDenied):
        make(request.getfixturevalue(who), jurisdiction["east"])


def test_an_enterprise_user_may_not(enterprise_user, jurisdiction):
    with pytest.raises(PermissionDenied):
        make(enterprise_user, jurisdiction["east"])


def test_status_goes_draft_active_withdrawn_and_back_to_draft(county_officer, jurisdiction):
    local = make(county_officer, jurisdiction["east"])
    services.set_local_rule_status(local, by=county_officer, status="active")
    with pytest.raises(ProcedureError):
        services.set_local_rule_status(local, by=county_officer, status="draft")
    services.set_local_rule_status(local, by=county_officer, status="withdrawn")
    with pytest.raises(ProcedureError):
        services.update_local_rule(local, by=county_officer, definition=STRICTER)
    services.set_local_rule_status(local, by=county_officer, status="draft")
    assert [h.status for h in local.history.order_by("history_id")] == [
        "draft",
        "active",
        "withdrawn",
        "draft",
    ]


def test_an_update_is_checked_again(county_officer, jurisdiction):
    local = make(county_officer, jurisdiction["east"])
    with pytest.raises(ValidationError):
        services.update_local_rule(
            local,
            by=county_officer,
            definition={**STRICTER, "values": {"2026-01-01": {"limit": 130}}},
        )
    local.refresh_from_db()
    assert local.definition["values"]["2026-01-01"]["limit"] == 112


def test_the_same_id_twice_in_a_region_is_refused(county_officer, jurisdiction):
    make(county_officer, jurisdiction["east"])
    with pytest.raises(ValidationError):
        make(county_officer, jurisdiction["east"])


def test_only_an_unused_draft_can_be_deleted(county_officer, jurisdiction):
    local = make(county_officer, jurisdiction["east"])
    services.set_local_rule_status(local, by=county_officer, status="active")
    with pytest.raises(ProcedureError):
        services.delete_local_rule(local, by=county_officer)
    other = make(county_officer, jurisdiction["east"], rule_id="local.other")
    services.delete_local_rule(other, by=county_officer)
    assert not LocalRule.objects.filter(rule_id="local.other").exists()
