"""phaseout deadline START MONTHS [--days N] [--json]: the same function, printed."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

# The command computes on the calendar with the years loaded in the database.
pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_due_date_and_the_explanation():
    assert run("2025-08-31", "6").splitlines() == [
        "2026-02-28",
        "送达 2025-08-31，6个月，届满 2026-02-28",
    ]


def test_the_command_prints_json():
    data = json.loads(run("2026-04-03", "6", "--json"))
    assert data == {
        "served": "2026-04-03",
        "months": 6,
        "days": 0,
        "nominal_end": "2026-10-03",
        "due": "2026-10-08",
        "shifted_from": "2026-10-03",
        "provisional": False,
        "explanation": (
            "送达 2026-04-03，6个月，届满 2026-10-03；2026-10-03 为法定节假日，顺延至 2026-10-08"
        ),
    }


def test_the_command_takes_days():
    data = json.loads(run("2026-03-02", "0", "--days", "15", "--json"))
    assert data["due"] == "2026-03-17" and data["days"] == 15 and data["months"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2026-13-01", "6"], "START 应为日期"),
        (["not-a-date", "6"], "START 应为日期"),
        (["2026-01-01", "-1"], "MONTHS 应为不小于0的整数"),
        (["2026-01-01", "six"], "MONTHS 应为不小于0的整数"),
        (["2026-01-01", "1", "--days", "-3"], "--days 应为不小于0的整数"),
        (["2026-01-01", "0"], "MONTHS 和 --days 不能都为0"),
        (["9999-12-01", "6"], "期间过长"),
    ],
)
def test_bad_input_is_a_command_error_naming_the_argument(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
