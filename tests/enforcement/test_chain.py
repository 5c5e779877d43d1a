"""The case file's hash chain: any change to any event, or to a stored file, is detected and the
first broken event is named."""

from __future__ import annotations

import datetime
import itertools
import os

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phaseout.enforcement import services
from phaseout.enforcement.chain import GENESIS, verify
from phaseout.enforcement.models import CaseEvent
from phaseout.registry.models import ProductionLine

from .conftest import open_case, png_upload

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40
).filter(str.strip)


_cases = itertools.count(1)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    comments=st.lists(texts, min_size=1, max_size=6),
    victim=st.integers(min_value=0),
    field=st.sampled_from(["summary", "payload", "actor_name", "at"]),
)
def test_changing_any_event_breaks_the_chain_there(
    east_enterprise, county_officer, comments, victim, field
):
    line = ProductionLine.objects.create(
        enterprise=east_enterprise,
        code=f"L{next(_cases)}",
        equipment_type="cement_kiln",
        capacity=1000,
        capacity_unit="t/d",
    )
    case = open_case(county_officer, east_enterprise, line=line)
    for text in comments:
        services.add_comment(case, by=county_officer, text=text)
    assert verify(case).ok
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    target = events[victim % len(events)]
    value = {
        "summary": "篡改",
        "payload": '{"text": "篡改"}',
        "actor_name": "他人",
        "at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    }[field]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CaseEvent._meta.db_table} SET {field} = %s WHERE id = %s", [value, target.pk]
        )
    result = verify(case)
    assert not result.ok and result.broken_seq == target.seq


def test_deleting_the_last_event_is_detected(energy_case, county_officer):
    services.add_comment(energy_case, by=county_officer, text="现场核查")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CaseEvent._meta.db_table} WHERE case_id = %s AND seq = 2",
            [energy_case.pk],
        )
    result = verify(energy_case)
    assert not result.ok and "链头" in result.reason


def test_replacing_a_stored_file_is_detected(rectifying, enterprise_user):
    evidence = services.add_evidence(rectifying, by=enterprise_user, upload=png_upload())
    assert verify(rectifying).ok
    with open(evidence.file.path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n" + b"\x01" * 64)
    result = verify(rectifying)
    assert not result.ok and "内容已被改动" in result.reason
    assert result.broken_seq == rectifying.events.get(kind="evidence").seq


def test_events_refuse_to_change_through_the_orm(energy_case):
    event = energy_case.events.get()
    event.summary = "改"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_a_stored_file_gone_from_storage_is_named_not_a_crash(rectifying, enterprise_user):
    evidence = services.add_evidence(rectifying, by=enterprise_user, upload=png_upload())
    os.remove(evidence.file.path)
    result = verify(rectifying)
    assert not result.ok and "文件已丢失" in result.reason
    assert result.broken_seq == rectifying.events.get(kind="evidence").seq
