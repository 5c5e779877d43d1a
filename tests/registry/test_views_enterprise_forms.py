"""Registering and changing an enterprise on the web: who may, and what the form refuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from phaseout.registry import services
from phaseout.registry.creditcode import check_character
from phaseout.registry.models import Enterprise
from tests.conftest import login, make_credit_code

CREATE = reverse("registry:enterprise-create")
READERS = ["city_leader", "city_auditor", "power_officer", "enterprise_user"]


def edit_url(enterprise):
    return reverse("registry:enterprise-update", args=[enterprise.pk])


def form_data(jurisdiction, cement, **values):
    return {
        "credit_code": make_credit_code("990102"),
        "name": "城东新材料有限公司",
        "region": jurisdiction["east"].pk,
        "industry": cement.pk,
        "size": "above",
        "legal_standing": "licensed",
        "status": "operating",
        "address": "城东区工业路1号",
        "legal_representative": "张三",
        "employees": "120",
        "notes": "",
        **values,
    }


def test_anonymous_is_sent_to_login(client, jurisdiction, cement):
    assert client.get(CREATE)["Location"].startswith(reverse("login"))
    response = client.post(CREATE, form_data(jurisdiction, cement))
    assert response["Location"].startswith(reverse("login"))
    assert not Enterprise.objects.exists()


def test_officer_registers_an_enterprise_in_own_county(
    client, county_officer, jurisdiction, cement
):
    data = form_data(jurisdiction, cement)
    data["credit_code"] = data["credit_code"].lower()
    response = login(client, county_officer).post(CREATE, data)
    enterprise = Enterprise.objects.get(name="城东新材料有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:enterprise-detail", args=[enterprise.pk])
    assert enterprise.credit_code == data["credit_code"].upper()
    assert enterprise.employees == 120
    assert enterprise.history.get().history_user == county_officer


def test_region_choices_are_the_officers_own(client, county_officer, jurisdiction):
    form = login(client, county_officer).get(CREATE).context["form"]
    assert list(form.fields["region"].queryset) == [jurisdiction["east"]]


def test_a_region_outside_scope_is_refused(client, county_officer, jurisdiction, cement):
    data = form_data(jurisdiction, cement, region=jurisdiction["north"].pk)
    response = login(client, county_officer).post(CREATE, data)
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_register(client, request, who, jurisdiction, cement):
    login(client, request.getfixturevalue(who))
    assert client.get(CREATE).status_code == 403
    count = Enterprise.objects.count()
    assert client.post(CREATE, form_data(jurisdiction, cement)).status_code == 403
    assert Enterprise.objects.count() == count


def test_bad_check_character_names_the_expected_one(client, county_officer, jurisdiction, cement):
    first17 = "91990102000000999"
    expected = check_character(first17)
    wrong = "0" if expected != "0" else "1"
    data = form_data(jurisdiction, cement, credit_code=first17 + wrong)
    response = login(client, county_officer).post(CREATE, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["credit_code"]
    assert f"第18位应为“{expected}”" in errors[0]
    assert f"第18位应为“{expected}”" in response.text


def test_duplicate_credit_code_is_a_field_error(
    client, county_officer, east_enterprise, jurisdiction, cement
):
    data = form_data(jurisdiction, cement, credit_code=east_enterprise.credit_code.lower())
    response = login(client, county_officer).post(CREATE, data)
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert Enterprise.objects.count() == 1


def test_duplicate_of_an_enterprise_in_another_county_is_an_error_not_a_500(
    client, county_officer, north_enterprise, jurisdiction, cement
):
    data = form_data(jurisdiction, cement, credit_code=north_enterprise.credit_code)
    response = login(client, county_officer).post(CREATE, data)
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors


def test_missing_fields_are_form_errors(client, county_officer, db):
    response = login(client, county_officer).post(CREATE, {})
    assert response.status_code == 200
    assert {"credit_code", "name", "region", "industry", "size"} <= set(
        response.context["form"].errors
    )


# — editing —


def test_officer_edits_own_enterprise(
    client, county_officer, east_enterprise, jurisdiction, cement
):
    data = form_data(
        jurisdiction, cement, credit_code=east_enterprise.credit_code, status="suspended"
    )
    response = login(client, county_officer).post(edit_url(east_enterprise), data)
    assert response.status_code == 302
    east_enterprise.refresh_from_db()
    assert east_enterprise.status == "suspended"
    assert east_enterprise.name == "城东新材料有限公司"


def test_edit_form_shows_current_values(client, county_officer, east_enterprise):
    text = login(client, county_officer).get(edit_url(east_enterprise)).text
    assert f'value="{east_enterprise.credit_code}"' in text
    assert "城东水泥有限公司" in text


def test_a_failed_edit_changes_nothing(
    client, county_officer, east_enterprise, north_enterprise, jurisdiction, cement
):
    data = form_data(jurisdiction, cement, credit_code=north_enterprise.credit_code, name="改名")
    response = login(client, county_officer).post(edit_url(east_enterprise), data)
    assert response.status_code == 200
    east_enterprise.refresh_from_db()
    assert east_enterprise.name == "城东水泥有限公司"


def test_other_county_gets_404(client, other_county_officer, east_enterprise, jurisdiction, cement):
    login(client, other_county_officer)
    assert client.get(edit_url(east_enterprise)).status_code == 404
    data = form_data(jurisdiction, cement, credit_code=east_enterprise.credit_code)
    assert client.post(edit_url(east_enterprise), data).status_code == 404


@pytest.mark.parametrize("who", READERS)
def test_readers_may_not_edit(client, request, who, east_enterprise, jurisdiction, cement):
    login(client, request.getfixturevalue(who))
    assert client.get(edit_url(east_enterprise)).status_code == 403
    data = form_data(jurisdiction, cement, credit_code=east_enterprise.credit_code, name="改名")
    assert client.post(edit_url(east_enterprise), data).status_code == 403
    east_enterprise.refresh_from_db()
    assert east_enterprise.name == "城东水泥有限公司"


def test_escaped_in_the_form(client, county_officer, east_enterprise):
    Enterprise.objects.filter(pk=east_enterprise.pk).update(name='"><script>alert(1)</script>')
    text = login(client, county_officer).get(edit_url(east_enterprise)).text
    assert "<script>alert(1)</script>" not in text


# — what the services raise reaches the person as a form error or a 403 —


def test_service_validation_error_becomes_a_form_error(
    client, county_officer, jurisdiction, cement, monkeypatch
):
    def refuse(**values):
        raise ValidationError({"name": "名称不合规", "created_at": "时间不对", "__all__": "整体"})

    monkeypatch.setattr(services, "create_enterprise", refuse)
    response = login(client, county_officer).post(CREATE, form_data(jurisdiction, cement))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] == ["名称不合规"]
    assert "创建时间：时间不对" in form.non_field_errors()
    assert "整体" in form.non_field_errors()


def test_integrity_error_becomes_a_form_error(
    client, county_officer, east_enterprise, jurisdiction, cement, monkeypatch
):
    # The race: another person registers the same code between validation and saving.
    monkeypatch.setattr(Enterprise, "validate_unique", lambda self, exclude=None: None)
    data = form_data(jurisdiction, cement) | {"credit_code": east_enterprise.credit_code}
    response = login(client, county_officer).post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_service_turns_a_save_race_into_a_validation_error(
    county_officer, east_enterprise, jurisdiction, cement, monkeypatch
):
    monkeypatch.setattr(Enterprise, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError, match="冲突"):
        services.create_enterprise(
            by=county_officer,
            credit_code=east_enterprise.credit_code,
            name="重复登记有限公司",
            region=jurisdiction["east"],
            industry=cement,
            size="above",
        )
    assert Enterprise.objects.filter(credit_code=east_enterprise.credit_code).count() == 1


def test_service_permission_denied_becomes_403(
    client, county_officer, jurisdiction, cement, monkeypatch
):
    def deny(**values):
        raise PermissionDenied("不在管辖范围内")

    monkeypatch.setattr(services, "create_enterprise", deny)
    response = login(client, county_officer).post(CREATE, form_data(jurisdiction, cement))
    assert response.status_code == 403
