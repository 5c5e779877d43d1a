"""Deleting a registry record entered by mistake: the keeper of its region only, and never one
that other records still refer to."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phaseout.registry import services
from phaseout.registry.models import Enterprise, License, ProductionLine
from tests.registry.records import make_license, make_line


def test_keeper_deletes_and_the_history_says_who(county_officer, east_enterprise):
    line = make_line(east_enterprise)
    line_pk = line.pk
    license_ = make_license(east_enterprise)
    services.delete_line(line, by=county_officer)
    services.delete_license(license_, by=county_officer)
    assert not ProductionLine.objects.exists()
    assert not License.objects.exists()
    last = ProductionLine.history.filter(id=line_pk).first()
    assert (last.history_type, last.history_user) == ("-", county_officer)


@pytest.mark.parametrize("who", ["city_leader", "power_officer", "other_county_officer"])
def test_others_may_not_delete(request, who, east_enterprise):
    user = request.getfixturevalue(who)
    line = make_line(east_enterprise)
    with pytest.raises(PermissionDenied):
        services.delete_line(line, by=user)
    with pytest.raises(PermissionDenied):
        services.delete_enterprise(east_enterprise, by=user)
    assert ProductionLine.objects.exists()


def test_enterprise_with_lines_or_users_is_kept(county_officer, enterprise_user, east_enterprise):
    make_line(east_enterprise)
    with pytest.raises(ValidationError, match="生产线"):
        services.delete_enterprise(east_enterprise, by=county_officer)
    east_enterprise.lines.all().delete()
    # Its enterprise user still refers to it.
    with pytest.raises(ValidationError, match="人员"):
        services.delete_enterprise(east_enterprise, by=county_officer)
    assert Enterprise.objects.filter(pk=east_enterprise.pk).exists()
