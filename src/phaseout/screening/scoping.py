"""What a person may see of screening, decided in one place on top of ``Scope.filter``.

Campaigns, and the findings and data gaps they produce, belong to a region: officers, leaders
and auditors see those of their region's subtree, enterprise users none (a campaign is the
authorities' working list). Measurements and inspections belong to an enterprise: an
enterprise user sees their own. A record outside the scope is a 404, never a 403.
"""

from __future__ import annotations

from django.db.models import QuerySet

from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.screening.models import DataGap, Finding, Inspection, Measurement, ScreeningCampaign


def campaigns(user) -> QuerySet[ScreeningCampaign]:
    return Scope.of(user).filter(ScreeningCampaign.objects.all(), region_field="region")


def findings(user) -> QuerySet[Finding]:
    # A finding lies inside its campaign's region, so the campaign's scope is the finding's.
    return Scope.of(user).filter(Finding.objects.all(), region_field="campaign__region")


def gaps(user) -> QuerySet[DataGap]:
    return Scope.of(user).filter(DataGap.objects.all(), region_field="campaign__region")


def measurements(user) -> QuerySet[Measurement]:
    return Scope.of(user).filter(
        Measurement.objects.all(),
        region_field="enterprise__region",
        enterprise_field="enterprise_id",
    )


def inspections(user) -> QuerySet[Inspection]:
    return Scope.of(user).filter(
        Inspection.objects.all(),
        region_field="enterprise__region",
        enterprise_field="enterprise_id",
    )


def screening_regions(user) -> QuerySet[Region]:
    """The current regions a person may open a campaign in: only registry keepers, in scope."""
    scope = Scope.of(user)
    if not scope.keeps_registry or scope.is_enterprise_user:
        return Region.objects.none()
    return scope.regions().current().order_by("code")


def can_screen(user) -> bool:
    """Whether to show the screening actions at all (the services check each region again)."""
    scope = Scope.of(user)
    return scope.keeps_registry and not scope.is_enterprise_user
