"""`phaseout demo` into an empty database: it refuses outside DEBUG, writes exactly the
deterministic plan in bulk, and a second run changes nothing (or puts back what was changed)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from phaseout.core import demo
from phaseout.disclosure import demo as disclosure_demo
from phaseout.enforcement import demo as enforcement_demo
from phaseout.regions.models import Department, Person, Region
from phaseout.registry.models import Enterprise, License, ProductionLine
from phaseout.screening.models import Measurement
from phaseout.standards.catalog import national


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row the demo writes, with keys and timestamps, and the size of the history."""
    return {
        "regions": list(Region.objects.order_by("code").values()),
        "departments": list(Department.objects.order_by("pk").values()),
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "lines": list(ProductionLine.objects.order_by("pk").values()),
        "licenses": list(License.objects.order_by("pk").values()),
        "users": list(get_user_model().objects.order_by("pk").values()),
        "people": list(Person.objects.order_by("pk").values()),
        "history": [
            Enterprise.history.count(),
            ProductionLine.history.count(),
            License.history.count(),
        ],
    }


def test_plan_is_deterministic():
    assert demo.build_plan() == demo.build_plan()
    assert demo.build_plan(seed=1) != demo.build_plan()


def test_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run_demo()
    assert not Enterprise.objects.exists()
    run_demo("--force")
    assert Enterprise.objects.exists()


def test_fresh_database_holds_exactly_the_plan(db, settings, django_assert_max_num_queries):
    settings.DEBUG = True
    # Row-by-row writes of ~1 300 records and their history would blow this bound; the demo's two
    # campaigns (city and 城东区) add one set-based query per catalogue rule each, whatever the
    # registry's size. Only the few people (about 13 queries each, lock-out reset included) and
    # the enforcement desk's cases, driven act by act through the services (about 60 queries a
    # case), are written one at a time, and so are the city's lists (prepared, reviewed and
    # published through the services, about 25 queries a list).
    bound = (
        100
        + 2 * len(national().rules)
        + 15 * len(demo.PEOPLE)
        + 70 * len(enforcement_demo.CASES)
        + 25 * len(disclosure_demo.PUBLISHERS)
    )
    with django_assert_max_num_queries(bound):
        run_demo()
    plan = demo.build_plan()
    assert sorted(Enterprise.objects.values_list("credit_code", flat=True)) == sorted(
        e.credit_code for e in plan.enterprises
    )
    assert sorted(
        ProductionLine.objects.values_list("enterprise__credit_code", "code", "capacity")
    ) == sorted((e.credit_code, x.code, x.capacity) for e in plan.enterprises for x in e.lines)
    assert sorted(License.objects.values_list("number", flat=True)) == sorted(
        x.number for e in plan.enterprises for x in e.licenses
    )
    # one history row per record, saying where it came from
    assert Enterprise.history.filter(history_change_reason=demo.CHANGE_REASON).count() == 300


def test_second_run_changes_nothing(db, settings):
    settings.DEBUG = True
    run_demo()
    before = snapshot()
    second = run_demo()
    assert snapshot() == before
    assert "企业 300（新增 0，更新 0）" in second


def test_second_run_puts_back_what_was_changed(db, settings):
    settings.DEBUG = True
    run_demo()
    enterprise = Enterprise.objects.get(name="城东区金盛水泥有限公司")
    Enterprise.objects.filter(pk=enterprise.pk).update(name="改过的名字", employees=1)
    # Its demo readings protect the line; an officer removing a line removes them first.
    Measurement.objects.filter(line__enterprise=enterprise, line__code="FM-2").delete()
    ProductionLine.objects.filter(enterprise=enterprise, code="FM-2").delete()
    get_user_model().objects.filter(username="east_officer").update(is_active=False)
    output = run_demo()
    assert "企业 300（新增 0，更新 1）" in output
    enterprise.refresh_from_db()
    assert enterprise.name == "城东区金盛水泥有限公司" and enterprise.employees == 460
    assert enterprise.lines.filter(code="FM-2").exists()
    assert enterprise.history.first().history_type == "~"
    assert get_user_model().objects.get(username="east_officer").is_active
