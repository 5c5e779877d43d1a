"""phaseout screen --campaign ID [--as USERNAME]: runs the campaign and prints its summary."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from phaseout.screening.models import Finding


def test_the_command_runs_a_campaign_and_prints_the_summary(campaign, failing_kiln):
    out = io.StringIO()
    call_command("screen", "--campaign", str(campaign.pk), "--no-progress", stdout=out)
    text = out.getvalue()
    assert "运行完成" in text
    assert "不达标发现" in text and "覆盖情况：企业 1 家" in text
    assert Finding.objects.filter(rule_id="gb16780-2021.clinker-energy").exists()
    campaign.refresh_from_db()
    assert campaign.status == "run" and campaign.last_run_by is None


def test_the_command_runs_as_a_user(campaign, failing_kiln, county_officer):
    call_command(
        "screen", "--campaign", str(campaign.pk), "--as", "east_officer", stdout=io.StringIO()
    )
    campaign.refresh_from_db()
    assert campaign.last_run_by == county_officer


def test_a_user_who_may_not_screen_is_refused(campaign, city_leader):
    with pytest.raises(CommandError):
        call_command("screen", "--campaign", str(campaign.pk), "--as", "city_leader")
    assert not Finding.objects.exists()


def test_an_unknown_campaign_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("screen", "--campaign", "999")
