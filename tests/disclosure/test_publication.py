"""Publication is an act: draft → reviewed → published by named officers of the department,
numbered and immutable; delisting is checked against 3 working days."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from phaseout.core.errors import ProcedureError
from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind, SnapshotStatus
from phaseout.disclosure.models import Immutable, ListSnapshot, SnapshotEntry
from phaseout.enforcement import services as enforcement
from tests.enforcement.conftest import at, open_case

D = datetime.date


@pytest.fixture
def rectifying(county_officer, east_enterprise, line):
    with at("2026-01-05"):
        case = open_case(county_officer, east_enterprise, line=line)
        return enforcement.serve_order(case, by=county_officer, served_on=D(2026, 1, 5))


def publish(kind, region, cut_off, *, preparer, reviewer, publisher=None):
    snapshot = services.prepare_list(kind, region=region, cut_off=cut_off, by=preparer)
    snapshot = services.review_list(snapshot, by=reviewer)
    return services.publish_list(snapshot, by=publisher or reviewer)


def test_draft_reviewed_published_with_a_gap_free_number(
    rectifying, county_officer, reviewer, bureau_leader, jurisdiction
):
    east = jurisdiction["east"]
    snapshot = services.prepare_list(
        ListKind.YELLOW, region=east, cut_off=D(2026, 3, 1), by=county_officer
    )
    assert snapshot.status == SnapshotStatus.DRAFT and snapshot.entry_count == 1
    assert snapshot.number == "" and snapshot.department.kind == "industry_it"
    snapshot = services.review_list(snapshot, by=reviewer)
    assert snapshot.status == SnapshotStatus.REVIEWED and snapshot.reviewed_by == reviewer
    snapshot = services.publish_list(snapshot, by=bureau_leader)
    assert snapshot.status == SnapshotStatus.PUBLISHED
    assert snapshot.number == "〔2026〕黄牌第1号" and snapshot.published_at is not None
    again = publish(
        ListKind.YELLOW, east, D(2026, 3, 2), preparer=county_officer, reviewer=reviewer
    )
    assert again.number == "〔2026〕黄牌第2号"
    red = publish(ListKind.RED, east, D(2026, 3, 2), preparer=county_officer, reviewer=reviewer)
    assert red.number == "〔2026〕红牌第1号" and red.entry_count == 0


def test_the_preparer_neither_reviews_nor_publishes(
    rectifying, county_officer, reviewer, jurisdiction
):
    snapshot = services.prepare_list(
        ListKind.YELLOW, region=jurisdiction["east"], cut_off=D(2026, 3, 1), by=county_officer
    )
    with pytest.raises(PermissionDenied, match="编制人不能审核"):
        services.review_list(snapshot, by=county_officer)
    with pytest.raises(ProcedureError, match="须经审核"):
        services.publish_list(snapshot, by=reviewer)
    snapshot = services.review_list(snapshot, by=reviewer)
    with pytest.raises(PermissionDenied, match="编制人不能公布"):
        services.publish_list(snapshot, by=county_officer)
    with pytest.raises(ProcedureError):
        services.review_list(snapshot, by=reviewer)


def test_only_the_publishing_department_in_scope_acts(
    rectifying,
    county_officer,
    other_county_officer,
    environment_officer,
    market_officer,
    city_leader,
    power_officer,
    enterprise_user,
    jurisdiction,
):
    east = jurisdiction["east"]
    cut_off = D(2026, 3, 1)
    for outsider in (other_county_officer, environment_officer, city_leader, power_officer):
        with pytest.raises(PermissionDenied):
            services.prepare_list(ListKind.YELLOW, region=east, cut_off=cut_off, by=outsider)
    with pytest.raises(PermissionDenied):
        services.prepare_list(
            ListKind.ENV_EXCEEDING, region=east, cut_off=cut_off, by=county_officer
        )
    with pytest.raises(PermissionDenied):
        services.prepare_list(ListKind.YELLOW, region=east, cut_off=cut_off, by=enterprise_user)
    env = services.prepare_list(
        ListKind.ENV_EXCEEDING, region=east, cut_off=cut_off, by=environment_officer
    )
    assert env.department.kind == "ecology_environment"
    # 市场监管 publishes yellow lists too, but reviews only its own department's.
    snapshot = services.prepare_list(
        ListKind.YELLOW, region=east, cut_off=cut_off, by=county_officer
    )
    for outsider in (market_officer, city_leader, other_county_officer):
        with pytest.raises(PermissionDenied):
            services.review_list(snapshot, by=outsider)


def test_published_snapshots_and_entries_are_immutable_and_stay_readable(
    rectifying, county_officer, reviewer, east_enterprise, jurisdiction
):
    snapshot = publish(
        ListKind.YELLOW,
        jurisdiction["east"],
        D(2026, 3, 1),
        preparer=county_officer,
        reviewer=reviewer,
    )
    entry = snapshot.entries.get()
    snapshot.number = "〔2026〕黄牌第9号"
    with pytest.raises(Immutable):
        snapshot.save()
    with pytest.raises(Immutable):
        snapshot.delete()
    with pytest.raises(Immutable):
        ListSnapshot.objects.filter(pk=snapshot.pk).update(number="x")
    with pytest.raises(Immutable):
        ListSnapshot.objects.filter(pk=snapshot.pk).delete()
    entry.enterprise_name = "改名"
    with pytest.raises(Immutable):
        entry.save()
    with pytest.raises(Immutable):
        entry.delete()
    with pytest.raises(Immutable):
        SnapshotEntry.objects.filter(snapshot=snapshot).update(enterprise_name="x")
    with pytest.raises(Immutable):
        SnapshotEntry.objects.filter(snapshot=snapshot).delete()
    with pytest.raises(ProcedureError):
        services.publish_list(snapshot, by=reviewer)
    # A later change to the registry makes no change to what was published.
    east_enterprise.name = "城东新材料有限公司"
    east_enterprise.save()
    assert SnapshotEntry.objects.get(pk=entry.pk).enterprise_name == "城东水泥有限公司"
    later = publish(
        ListKind.YELLOW,
        jurisdiction["east"],
        D(2026, 3, 2),
        preparer=county_officer,
        reviewer=reviewer,
    )
    assert later.entries.get().enterprise_name == "城东新材料有限公司"
    assert (
        ListSnapshot.objects.get(pk=snapshot.pk).entries.get().enterprise_name == "城东水泥有限公司"
    )


def test_a_draft_may_be_discarded(rectifying, county_officer, jurisdiction):
    snapshot = services.prepare_list(
        ListKind.YELLOW, region=jurisdiction["east"], cut_off=D(2026, 3, 1), by=county_officer
    )
    snapshot.delete()
    assert not SnapshotEntry.objects.exists()


def test_a_future_cut_off_is_refused(county_officer, jurisdiction):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.prepare_list(
            ListKind.YELLOW, region=jurisdiction["east"], cut_off=D(2026, 3, 3), by=county_officer
        )
    with pytest.raises(ValidationError):
        services.prepare_list(
            ListKind.ANNUAL_EXIT,
            region=jurisdiction["east"],
            cut_off=D(2026, 3, 1),
            by=county_officer,
        )


@pytest.mark.parametrize(("published_on", "on_time"), [("2026-02-24", True), ("2026-02-25", False)])
def test_delisting_is_published_within_three_working_days(
    rectifying, county_officer, reviewer, jurisdiction, published_on, on_time
):
    east = jurisdiction["east"]
    with at("2026-02-06"):
        first = publish(
            ListKind.YELLOW, east, D(2026, 2, 6), preparer=county_officer, reviewer=reviewer
        )
    assert first.entry_count == 1 and first.delistings == []
    with at("2026-02-12"):
        enforcement.record_reinspection(
            rectifying, by=county_officer, inspected_on=D(2026, 2, 12), compliant=True, notes="达标"
        )
    with at(published_on):
        second = publish(
            ListKind.YELLOW,
            east,
            datetime.date.fromisoformat(published_on),
            preparer=county_officer,
            reviewer=reviewer,
        )
    assert second.entry_count == 0
    [removal] = second.delistings
    assert removal["case_number"] == rectifying.number and removal["previous"] == first.number
    # 02-13 (Fri), 02-14 (Sat, 调休上班), 春节 02-15..23, 02-24 (Tue).
    assert removal["left_on"] == "2026-02-12" and removal["due_by"] == "2026-02-24"
    assert removal["on_time"] is on_time
    assert second.late_removals == (0 if on_time else 1)
    # The check is recomputable from the two snapshots.
    assert [r["left_on"] for r in services.delistings(second)] == [D(2026, 2, 12)]
