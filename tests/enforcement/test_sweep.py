"""期限巡检 (the deadline sweep): overdue cases moved on once, reminders sent once, and nothing
done twice — however often it runs, and whatever an officer changed meanwhile.

Most cases here are written straight to the table (no services, no PDFs) with an empty chain:
the sweep's event is then their first, and the chain must still verify. A few are opened through
``services.open_case`` so the sweep appends to a real chain.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from phaseout.enforcement import services
from phaseout.enforcement import sweep as sweeping
from phaseout.enforcement.chain import verify
from phaseout.enforcement.choices import CaseState, DueKind, EventKind
from phaseout.enforcement.models import Case, CaseEvent, Notification
from phaseout.regions.choices import Role
from phaseout.regions.models import Person
from phaseout.registry.models import ProductionLine
from tests.conftest import _person

from .conftest import TODAY

S = CaseState
DUE_KIND = {
    S.RECTIFYING: DueKind.RECTIFICATION,
    S.EXTENSION_REQUESTED: DueKind.EXTENSION_DECISION,
    S.EXIT_ORDERED: DueKind.EXIT,
    S.SEALED: DueKind.DISMANTLING,
    S.EXITED: DueKind.FOLLOW_UP,
}


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_cases(officer, enterprise, specs) -> list[Case]:
    """Cases written directly, one per (state, due_on, overdue_since), with no events yet."""
    department = Person.objects.get(user=officer).department
    cases = [
        Case(
            number=f"T-{n:04d}",
            dimension="ENERGY",
            enterprise=enterprise,
            subject_key=f"t{n}",
            region=enterprise.region,
            department=department,
            state=state,
            due_on=due_on,
            due_kind=DUE_KIND.get(state, "") if due_on else "",
            due_explanation=f"送达 2025-08-31，6个月，届满 {due_on}" if due_on else "",
            overdue_since=overdue_since,
            opened_by=officer,
        )
        for n, (state, due_on, overdue_since) in enumerate(specs)
    ]
    return Case.objects.bulk_create(cases)


def snapshot() -> dict:
    """Everything the sweep may touch, per case."""
    return {
        "cases": {
            row[0]: row[1:]
            for row in Case.objects.values_list(
                "id", "state", "version", "event_count", "chain_head", "overdue_since"
            )
        },
        "events": CaseEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def rectifying_cases(county_officer, east_enterprise):
    """Five cases opened through the services (a real OPENED event each), then put in
    rectification with due dates around today: two of them ended before today."""
    cases = []
    for n, due in enumerate([days(-10), days(-1), days(0), days(1), days(45)]):
        line = ProductionLine.objects.create(
            enterprise=east_enterprise,
            code=f"SW-{n}",
            equipment_type="cement_kiln",
            capacity=2500,
            capacity_unit="t/d",
            commissioning_year=2004,
        )
        case = services.open_case(
            by=county_officer,
            dimension="ENERGY",
            enterprise=east_enterprise,
            line=line,
            facts="熟料综合能耗超过限额",
        )
        Case.objects.filter(pk=case.pk).update(
            state=S.RECTIFYING,
            due_on=due,
            due_kind=DueKind.RECTIFICATION,
            due_explanation=f"送达 2025-08-31，6个月，届满 {due}",
        )
        cases.append(case)
    return cases


def test_overdue_rectifying_cases_become_overdue_with_one_deadline_event_each(rectifying_cases):
    result = sweeping.sweep(today=TODAY, remind=False)

    overdue = {c.pk for c in rectifying_cases[:2]}
    assert result.overdue == 2 and result.flagged == 0
    assert set(result.cases) == overdue
    for case in Case.objects.filter(pk__in=[c.pk for c in rectifying_cases]):
        deadline_events = case.events.filter(kind=EventKind.DEADLINE)
        if case.pk in overdue:
            assert case.state == S.OVERDUE
            assert case.overdue_since == TODAY
            assert case.event_count == 2
            event = deadline_events.get()
            assert (event.seq, event.from_state, event.to_state) == (2, S.RECTIFYING, S.OVERDUE)
            assert event.actor is None and event.actor_name == "系统"
            assert event.payload == {"due_on": case.due_on.isoformat(), "swept_on": "2026-03-02"}
            assert f"整改期限 {case.due_on} 届满，逾期未整改" in event.summary
        else:
            # Due today or later: the period has not ended yet.
            assert case.state == S.RECTIFYING and case.overdue_since is None
            assert not deadline_events.exists()
        assert verify(case).ok


def test_the_real_procedure_s_case_falls_overdue_the_day_after_its_deadline(
    rectifying, county_officer
):
    """Served 2025-08-31: six months end 2026-02-28 (a make-up workday)."""
    assert sweeping.sweep(today=datetime.date(2026, 2, 28)).overdue == 0
    assert sweeping.sweep(today=datetime.date(2026, 3, 1)).overdue == 1
    case = Case.objects.get(pk=rectifying.pk)
    assert case.state == S.OVERDUE and case.overdue_since == datetime.date(2026, 3, 1)
    assert verify(case).ok
    # The officer carries on from the overdue state: 逾期未整改的，依法关停退出.
    case = services.order_exit(case, by=county_officer, reason="逾期未整改")
    assert case.state == S.EXIT_ORDERED and verify(case).ok


def test_a_second_sweep_changes_nothing(rectifying_cases, county_officer, enterprise_user):
    first = sweeping.sweep(today=TODAY)
    assert first.overdue == 2 and first.reminders > 0
    before = snapshot()

    second = sweeping.sweep(today=TODAY)

    assert (second.overdue, second.flagged, second.reminders, second.cases) == (0, 0, 0, [])
    assert snapshot() == before


def test_a_case_changed_between_read_and_update_is_left_alone(
    rectifying_cases, monkeypatch, county_officer
):
    """An officer acts on a case after the sweep read it but before its UPDATE: the version no
    longer matches, so the sweep neither moves it nor appends an event."""
    raced, other = rectifying_cases[:2]
    apply = sweeping._apply

    def officer_acts_first(candidates, today):
        assert raced.pk in [row[0] for row in candidates]
        Case.objects.filter(pk=raced.pk).update(version=F("version") + 1)
        return apply(candidates, today)

    monkeypatch.setattr(sweeping, "_apply", officer_acts_first)
    result = sweeping.sweep(today=TODAY, remind=False)

    assert result.cases == [other.pk] and result.overdue == 1
    raced_now = Case.objects.get(pk=raced.pk)
    assert raced_now.state == S.RECTIFYING and raced_now.overdue_since is None
    assert raced_now.event_count == 1
    assert not raced_now.events.filter(kind=EventKind.DEADLINE).exists()
    assert verify(raced_now).ok
    # The next run sees the case as it is now and moves it.
    monkeypatch.setattr(sweeping, "_apply", apply)
    assert sweeping.sweep(today=TODAY, remind=False).cases == [raced.pk]
    assert verify(Case.objects.get(pk=raced.pk)).ok


def test_apply_with_a_stale_version_writes_nothing(rectifying_cases):
    case = Case.objects.get(pk=rectifying_cases[0].pk)
    stale = (
        case.pk,
        case.version - 1 if case.version else case.version + 1,
        case.state,
        case.chain_head,
        case.event_count,
        case.due_on,
        case.due_explanation,
    )
    assert sweeping._apply([stale], TODAY) == {}
    assert Case.objects.get(pk=case.pk).state == S.RECTIFYING
    assert case.events.count() == 1


def test_exit_past_its_deadline_is_flagged_once_and_keeps_its_state(
    county_officer, east_enterprise
):
    """未按期完成退出: overdue_since and an event (for joint punishment), no change of state."""
    exit_late, sealed_late, exit_in_time, flagged_before = make_cases(
        county_officer,
        east_enterprise,
        [
            (S.EXIT_ORDERED, days(-3), None),
            (S.SEALED, days(-1), None),
            (S.EXIT_ORDERED, days(3), None),
            (S.EXIT_ORDERED, days(-30), days(-29)),
        ],
    )

    result = sweeping.sweep(today=TODAY, remind=False)

    assert (result.overdue, result.flagged) == (0, 2)
    assert set(result.cases) == {exit_late.pk, sealed_late.pk}
    for case, state in ((exit_late, S.EXIT_ORDERED), (sealed_late, S.SEALED)):
        case = Case.objects.get(pk=case.pk)
        assert case.state == state and case.overdue_since == TODAY
        event = case.events.get()
        assert (event.kind, event.seq, event.from_state, event.to_state) == (
            EventKind.DEADLINE,
            1,
            state,
            state,
        )
        assert "退出（拆除）期限" in event.summary and "未按期完成" in event.summary
        assert verify(case).ok
    assert Case.objects.get(pk=exit_in_time.pk).overdue_since is None
    assert Case.objects.get(pk=flagged_before.pk).overdue_since == days(-29)
    assert not CaseEvent.objects.filter(case__in=[exit_in_time, flagged_before]).exists()

    before = snapshot()
    again = sweeping.sweep(today=days(1), remind=False)
    assert (again.overdue, again.flagged) == (0, 0) and snapshot() == before


def test_batches_cover_every_overdue_case(county_officer, east_enterprise, monkeypatch):
    monkeypatch.setattr(sweeping, "BATCH", 7)
    cases = make_cases(
        county_officer, east_enterprise, [(S.RECTIFYING, days(-1 - n % 5), None) for n in range(30)]
    )
    result = sweeping.sweep(today=TODAY, remind=False)
    assert sorted(result.cases) == sorted(c.pk for c in cases) and result.overdue == 30
    assert CaseEvent.objects.filter(kind=EventKind.DEADLINE).count() == 30
    assert all(verify(c).ok for c in Case.objects.all())


# — reminders —


def reminders_of(user) -> list[int]:
    return sorted(Notification.objects.filter(user=user).values_list("days_before", flat=True))


def test_reminders_30_7_and_1_days_before_once_per_user(
    county_officer, enterprise_user, other_county_officer, east_enterprise
):
    (case,) = make_cases(county_officer, east_enterprise, [(S.RECTIFYING, days(30), None)])
    created = []
    for day in range(31):  # every day up to the deadline, twice a day
        created.append(sweeping.sweep(today=days(day)).reminders)
        assert sweeping.sweep(today=days(day)).reminders == 0
    # Two people: the case's officer and the enterprise's user; three thresholds each.
    assert [(day, n) for day, n in enumerate(created) if n] == [(0, 2), (23, 2), (29, 2)]
    assert reminders_of(county_officer) == reminders_of(enterprise_user) == [1, 7, 30]
    assert reminders_of(other_county_officer) == []
    first = Notification.objects.filter(user=county_officer, days_before=30).get()
    assert first.case == case and first.due_on == days(30)
    assert first.message.startswith("T-0000 城东水泥有限公司：整改期限 2026-04-01 届满（还有30天）")


def test_a_deadline_first_seen_inside_the_window_gets_that_threshold_only(
    county_officer, east_enterprise
):
    make_cases(county_officer, east_enterprise, [(S.RECTIFYING, days(5), None)])
    assert sweeping.sweep(today=TODAY).reminders == 1
    assert reminders_of(county_officer) == [7]


def test_reminders_are_emailed_when_configured(
    settings, county_officer, enterprise_user, east_enterprise
):
    settings.PHASEOUT_REMINDER_EMAIL = True
    county_officer.email = "officer@example.gov.cn"
    county_officer.save()
    make_cases(county_officer, east_enterprise, [(S.RECTIFYING, days(7), None)])

    result = sweeping.sweep(today=TODAY)

    # The enterprise user has no address: reminded in the application only.
    assert (result.reminders, result.emails) == (2, 1)
    (message,) = mail.outbox
    assert message.to == ["officer@example.gov.cn"] and "期限提醒" in message.subject
    assert sweeping.sweep(today=TODAY).emails == 0 and len(mail.outbox) == 1


def test_no_email_unless_configured(settings, county_officer, east_enterprise):
    settings.PHASEOUT_REMINDER_EMAIL = False
    county_officer.email = "officer@example.gov.cn"
    county_officer.save()
    make_cases(county_officer, east_enterprise, [(S.RECTIFYING, days(1), None)])
    assert sweeping.sweep(today=TODAY).emails == 0 and mail.outbox == []


def test_inactive_users_are_not_reminded(county_officer, enterprise_user, east_enterprise):
    enterprise_user.is_active = False
    enterprise_user.save()
    make_cases(county_officer, east_enterprise, [(S.RECTIFYING, days(1), None)])
    sweeping.sweep(today=TODAY)
    assert reminders_of(enterprise_user) == [] and reminders_of(county_officer) == [1]


# — the property: whatever the mix of cases, one sweep does exactly its part, and a second none —

STATES = [S.OPENED, S.RECTIFYING, S.EXTENSION_REQUESTED, S.OVERDUE, S.EXIT_ORDERED, S.SEALED]
STATES += [S.EXITED, S.COMPLIANT, S.WITHDRAWN]
case_specs = st.lists(
    st.tuples(
        st.sampled_from(STATES),
        st.none() | st.integers(min_value=-40, max_value=40),
        st.booleans(),  # already flagged overdue (a few days after its deadline)
    ),
    max_size=12,
)


def expected_change(state, due, flagged) -> str | None:
    if due is None or due >= 0:
        return None
    if state == S.RECTIFYING:
        return S.OVERDUE
    if state in (S.EXIT_ORDERED, S.SEALED) and not flagged:
        return state
    return None


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=case_specs, later=st.integers(min_value=0, max_value=3))
def test_property_one_sweep_does_its_part_and_a_second_nothing(
    county_officer, enterprise_user, east_enterprise, specs, later
):
    with transaction.atomic():
        rows = [
            (
                state,
                None if due is None else days(due),
                days(due + 2) if flagged and due is not None and due < -2 else None,
            )
            for state, due, flagged in specs
        ]
        cases = make_cases(county_officer, east_enterprise, rows)
        before = snapshot()

        result = sweeping.sweep(today=TODAY)

        changed = {}
        for case, (state, due, overdue_since) in zip(cases, rows, strict=True):
            flagged = overdue_since is not None
            due_days = None if due is None else (due - TODAY).days
            if (target := expected_change(state, due_days, flagged)) is not None:
                changed[case.pk] = target
        assert sorted(result.cases) == sorted(changed)
        assert result.overdue == sum(1 for s in changed.values() if s == S.OVERDUE)
        assert result.flagged == len(changed) - result.overdue
        after = snapshot()
        assert after["events"] == before["events"] + len(changed)
        for pk, (state, version, count, _head, since) in after["cases"].items():
            old = before["cases"][pk]
            if pk in changed:
                assert (state, version, count, since) == (changed[pk], old[1] + 1, 1, TODAY)
                event = CaseEvent.objects.get(case_id=pk)
                assert event.kind == EventKind.DEADLINE and event.to_state == changed[pk]
            else:
                assert after["cases"][pk] == old
        assert all(verify(case).ok for case in Case.objects.filter(pk__in=changed))

        # Again the same day: nothing more to do.
        again = sweeping.sweep(today=TODAY)
        assert (again.overdue, again.flagged, again.reminders, again.cases) == (0, 0, 0, [])
        assert snapshot() == after

        # A few days later: only the deadlines that ended in between.
        newly = {
            case.pk
            for case, (state, due, overdue_since) in zip(cases, rows, strict=True)
            if due is not None
            and case.pk not in changed
            and expected_change(state, (due - TODAY).days - later, overdue_since is not None)
        }
        later_run = sweeping.sweep(today=TODAY + datetime.timedelta(days=later), remind=False)
        assert sorted(later_run.cases) == sorted(newly)
        transaction.set_rollback(True)


def test_someone_who_joins_later_gets_the_current_reminder_once(
    county_officer, east_enterprise, jurisdiction
):
    make_cases(county_officer, east_enterprise, [(S.RECTIFYING, days(6), None)])
    assert sweeping.sweep(today=TODAY).reminders == 1
    newcomer = _person(
        "east_cement_new",
        role=Role.ENTERPRISE,
        region=jurisdiction["east"],
        enterprise=east_enterprise,
    )
    assert sweeping.sweep(today=TODAY).reminders == 1
    assert reminders_of(newcomer) == [7] and reminders_of(county_officer) == [7]
    assert sweeping.sweep(today=days(1)).reminders == 0
