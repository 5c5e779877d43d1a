"""The scoping helper: who sees which region's enterprises, who may change them."""

import pytest
from django.core.exceptions import PermissionDenied

from phaseout.regions.scope import Scope


def test_county_officer_sees_own_county_only(county_officer, east_enterprise, north_enterprise):
    assert list(Scope.of(county_officer).enterprises()) == [east_enterprise]


def test_other_county_officer_never_reads_east(
    other_county_officer, east_enterprise, north_enterprise
):
    assert list(Scope.of(other_county_officer).enterprises()) == [north_enterprise]


def test_city_leader_reads_all_counties(city_leader, east_enterprise, north_enterprise):
    assert set(Scope.of(city_leader).enterprises()) == {east_enterprise, north_enterprise}


def test_enterprise_user_sees_only_own(enterprise_user, east_enterprise, north_enterprise):
    assert list(Scope.of(enterprise_user).enterprises()) == [east_enterprise]


def test_leader_and_power_supplier_cannot_edit(city_leader, power_officer, jurisdiction):
    for user in (city_leader, power_officer):
        with pytest.raises(PermissionDenied):
            Scope.of(user).require_registry_edit(jurisdiction["east"])


def test_officer_edits_own_county_not_other(county_officer, jurisdiction):
    scope = Scope.of(county_officer)
    scope.require_registry_edit(jurisdiction["east"])
    with pytest.raises(PermissionDenied, match="北山县"):
        scope.require_registry_edit(jurisdiction["north"])


def test_park_is_inside_city_not_county(city_leader, county_officer, jurisdiction):
    park = jurisdiction["park"]
    assert Scope.of(city_leader).can_read_region(park)
    assert not Scope.of(county_officer).can_read_region(park)
