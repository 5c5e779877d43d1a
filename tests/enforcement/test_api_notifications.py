"""/api/notifications/: a person's own reminders only; marking them read."""

from __future__ import annotations

import datetime

import pytest

from phaseout.enforcement.models import Notification
from tests.conftest import login

LIST = "/api/notifications/"


@pytest.fixture
def reminders(rectifying, county_officer, enterprise_user):
    def remind(user, days):
        return Notification.objects.create(
            user=user,
            case=rectifying,
            due_on=datetime.date(2026, 2, 28),
            days_before=days,
            message=f"{rectifying.number} 整改期限还有{days}天届满",
        )

    return {
        "officer": [remind(county_officer, 30), remind(county_officer, 7)],
        "enterprise": [remind(enterprise_user, 7)],
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_is_refused(client, reminders):
    assert client.get(LIST).status_code in (401, 403)
    mine = reminders["officer"][0]
    assert client.post(f"{LIST}{mine.pk}/read/").status_code in (401, 403)


def test_each_person_sees_only_their_own(client, reminders, enterprise_user, city_leader):
    login(client, enterprise_user)
    assert ids(client.get(LIST)) == {n.pk for n in reminders["enterprise"]}
    other = reminders["officer"][0]
    assert client.get(f"{LIST}{other.pk}/").status_code == 404
    assert client.post(f"{LIST}{other.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert ids(login(client, city_leader).get(LIST)) == set()


def test_marking_read(client, reminders, county_officer, rectifying):
    first, second = reminders["officer"]
    login(client, county_officer)
    row = client.get(f"{LIST}{first.pk}/").json()
    assert row["case"] == rectifying.pk and row["case_number"] == rectifying.number
    assert row["read"] is False and row["days_before"] == 30

    body = client.post(f"{LIST}{first.pk}/read/").json()
    assert body["read"] is True and body["read_at"]
    assert ids(client.get(LIST, {"unread": "true"})) == {second.pk}
    assert ids(client.get(LIST, {"unread": "false"})) == {first.pk}

    assert client.post(f"{LIST}read-all/").json() == {"marked": 1}
    assert ids(client.get(LIST, {"unread": "true"})) == set()
    # The enterprise's reminder was not touched.
    assert Notification.objects.get(pk=reminders["enterprise"][0].pk).read_at is None
