"""Loading a year's holiday arrangement (法定节假日安排): the file and its checks, who may load
it, what loading does to provisional deadlines, and `phaseout calendar`.

TEST FIXTURE: the 2031 arrangement below is made up for these tests. It is not the official
arrangement of any year and must never be loaded into a real deployment.
"""

import datetime
import io
import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from phaseout.enforcement import calendars
from phaseout.enforcement.calendars import current_calendar, load_year, parse_year, read_year
from phaseout.enforcement.choices import CaseState, DueKind
from phaseout.enforcement.deadlines import LegalCalendar, due_date
from phaseout.enforcement.models import CalendarYear, Case
from phaseout.regions.choices import DepartmentKind, Role
from phaseout.regions.models import Department, Person

D = datetime.date

MADE_UP_2031 = textwrap.dedent(
    """\
    # 测试用虚构安排（TEST FIXTURE）：不是2031年的真实节假日安排，不得载入实际系统。
    year: 2031
    source: 测试用虚构通知〔2030〕0号 关于2031年部分节假日安排的通知（测试数据）
    published: 2030-11-10
    holidays:
      元旦: 2031-01-01
      春节: [2031-01-22, 2031-01-28]
      劳动节: [2031-05-01, 2031-05-05]
      国庆节: [2031-10-01, 2031-10-07]
    workdays: [2031-01-19, 2031-02-08, 2031-09-28, 2031-10-11]
    """
)


def made_up(**changes):
    data = yaml.safe_load(MADE_UP_2031)
    data.update(changes)
    return data


def problems_of(data) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        parse_year(data)
    return caught.value.messages


# — the file —


def test_the_made_up_year_reads_as_published():
    published = parse_year(made_up())
    arrangement = published.arrangement
    assert arrangement.year == 2031
    assert arrangement.holidays[D(2031, 1, 1)] == "元旦"
    assert [day for day, name in arrangement.holidays.items() if name == "春节"] == [
        D(2031, 1, 22) + datetime.timedelta(days=n) for n in range(7)
    ]
    assert len(arrangement.holidays) == 1 + 7 + 5 + 7
    assert arrangement.workdays == {D(2031, 1, 19), D(2031, 2, 8), D(2031, 9, 28), D(2031, 10, 11)}
    assert published.published == D(2030, 11, 10)
    assert published.source_line.endswith("（2030-11-10 发布）")


def test_dates_may_be_quoted_and_a_holiday_may_list_its_days():
    published = parse_year(
        made_up(
            holidays={
                "元旦": ["2031-01-01", "2031-01-03"],
                "清明节": ["2031-04-05", [D(2031, 4, 6), D(2031, 4, 7)], D(2031, 4, 4)],
            },
            workdays=[],
            published=None,
        )
    )
    holidays = published.arrangement.holidays
    assert {day for day, name in holidays.items() if name == "元旦"} == {
        D(2031, 1, 1),
        D(2031, 1, 2),
        D(2031, 1, 3),
    }
    assert {day for day, name in holidays.items() if name == "清明节"} == {
        D(2031, 4, 4),
        D(2031, 4, 5),
        D(2031, 4, 6),
        D(2031, 4, 7),
    }
    assert published.arrangement.workdays == frozenset()
    assert published.source_line == published.source


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": "二〇三一"}, "year：应为年份（整数，如 2031），而不是“二〇三一”。"),
        ({"year": 1999}, "year：年份 1999 不在 2000 至 9999 之间。"),
        ({"source": ""}, "source：应写明发布通知的文号和标题。"),
        ({"published": "2030-11-XX"}, "published：应为日期（年-月-日），而不是“2030-11-XX”。"),
        ({"holidays": {}}, "holidays：应为节日名称到放假日期的映射"),
        ({"holidays": {"元旦": "一月一日"}}, "holidays.元旦：应为一个日期、起止日期"),
        (
            {"holidays": {"元旦": [D(2030, 12, 31), D(2031, 1, 1)]}},
            "holidays.元旦：2030-12-31 不在 2031 年内。",
        ),
        (
            {"holidays": {"春节": [D(2031, 1, 28), D(2031, 1, 22)]}},
            "holidays.春节：起止日期颠倒：结束日 2031-01-22 早于起始日 2031-01-28。",
        ),
        (
            {"holidays": {"春节": [D(2031, 1, 22), D(2031, 1, 28)], "元宵": D(2031, 1, 28)}},
            "holidays.元宵：2031-01-28 已列在“春节”中。",
        ),
        (
            {"holidays": {"元旦": [D(2031, 1, 1), "x", D(2031, 1, 3)]}},
            "holidays.元旦：应为日期（年-月-日）或起止日期",
        ),
        (
            {"workdays": [D(2031, 1, 20)]},
            "workdays：2031-01-20 是星期一；调休上班日应为星期六或星期日。",
        ),
        ({"workdays": [D(2031, 1, 25)]}, "workdays：2031-01-25 同时列为法定节假日（春节）。"),
        ({"workdays": [D(2032, 1, 3)]}, "workdays：2032-01-03 不在 2031 年内。"),
        ({"workdays": [D(2031, 1, 19), D(2031, 1, 19)]}, "workdays：2031-01-19 重复列出。"),
        ({"workdays": ["2031-02-30"]}, "workdays：应为日期（年-月-日），而不是“2031-02-30”。"),
        ({"workdays": "2031-01-19"}, "workdays：应为调休上班日期的列表"),
        ({"workday": [D(2031, 1, 19)]}, "workday：未知的字段"),
    ],
)
def test_a_problem_names_its_field(changes, message):
    problems = problems_of(made_up(**changes))
    assert any(problem.startswith(message) for problem in problems), problems


def test_every_problem_is_reported_at_once_and_missing_fields_are_named():
    problems = problems_of({"year": 2031, "workdays": [D(2031, 1, 20)]})
    assert problems[:2] == ["source：缺少此字段。", "holidays：缺少此字段。"]
    assert problems[2].startswith("workdays：2031-01-20 是星期一")
    assert problems_of(["not", "a", "mapping"])[0].startswith("节假日安排应为")


def test_read_year_reads_yaml_and_refuses_what_is_not_an_arrangement(tmp_path):
    good = tmp_path / "2031.yaml"
    good.write_text(MADE_UP_2031, encoding="utf-8")
    assert read_year(good).year == 2031

    for name, content, message in [
        ("broken.yaml", b"year: [2031\n", "第 2 行不是有效的 YAML"),
        ("latin.yaml", b"year: 2031\nsource: \xff\xfe\n", "不是 UTF-8 编码的文本"),
        ("big.yaml", b"#" * (calendars.MAX_FILE_BYTES + 1), "超过 64 KB"),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValidationError, match=message):
            read_year(path)
    with pytest.raises(ValidationError, match="无法打开文件"):
        read_year(tmp_path / "missing.yaml")


# — loading a year —


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="x-Phaseout-1")


@pytest.fixture
def administrator(jurisdiction):
    user = get_user_model().objects.create_user("city_admin", password="x-Phaseout-1")
    Person.objects.create(user=user, role=Role.ADMINISTRATOR, region=jurisdiction["city"])
    return user


def _case(
    enterprise, *, served: datetime.date, months: int, number: str, state=CaseState.RECTIFYING
):
    """A case whose rectification period was served before 2031 was loaded (provisional)."""
    department, _ = Department.objects.get_or_create(
        region=enterprise.region,
        name="城东区经济和信息化局",
        defaults={"kind": DepartmentKind.INDUSTRY_IT},
    )
    deadline = due_date(served, months, calendar=current_calendar())
    opener = get_user_model().objects.get_or_create(username="opener")[0]
    return Case.objects.create(
        number=number,
        dimension="energy",
        enterprise=enterprise,
        subject_key=f"e{enterprise.pk}-{number}",
        region=enterprise.region,
        department=department,
        state=state,
        served_on=served,
        period_months=months,
        due_on=deadline.due,
        due_kind=DueKind.RECTIFICATION,
        due_explanation=deadline.explanation,
        due_provisional=deadline.provisional,
        opened_by=opener,
    )


def test_loading_the_year_settles_a_provisional_deadline(superuser, east_enterprise):
    case = _case(east_enterprise, served=D(2030, 7, 1), months=6, number="T-1")
    assert case.due_provisional and case.due_on == D(2031, 1, 1)  # a Wednesday, on weekends alone
    assert case.due_explanation == (
        "送达 2030-07-01，6个月，届满 2031-01-01（该年度节假日安排尚未载入，暂按周末计算）"
    )

    row = load_year(made_up(), by=superuser)

    assert row.year == 2031 and row.loaded_by == superuser and row.recomputed == 1
    assert row.holidays["2031-01-22"] == "春节" and "2031-01-19" in row.workdays
    case.refresh_from_db()
    assert not case.due_provisional
    assert case.due_on == D(2031, 1, 2)
    assert case.due_explanation == (
        "送达 2030-07-01，6个月，届满 2031-01-01；2031-01-01 为法定节假日，顺延至 2031-01-02"
    )
    assert case.version == 1
    # The change is in the case file, on its chain.
    event = case.events.get()
    assert event.kind == "deadline" and "2031-01-01 → 2031-01-02" in event.summary
    assert case.chain_head == event.hash
    assert current_calendar().covers(2031)


def test_only_deadlines_the_year_settles_change(superuser, east_enterprise, north_enterprise):
    stays = _case(east_enterprise, served=D(2031, 7, 1), months=6, number="T-2")  # ends 2032
    closed = _case(
        north_enterprise, served=D(2030, 7, 1), months=6, number="T-3", state=CaseState.WITHDRAWN
    )
    # a Sunday worked in the made-up year: on weekends alone it moved to the Monday
    worked = _case(north_enterprise, served=D(2030, 10, 19), months=3, number="T-4")
    assert worked.due_on == D(2031, 1, 20) and worked.due_provisional

    row = load_year(made_up(), by=superuser)

    assert row.recomputed == 1
    for case in (stays, closed):
        before = (case.due_on, case.due_explanation, case.due_provisional, case.version)
        case.refresh_from_db()
        assert (case.due_on, case.due_explanation, case.due_provisional, case.version) == before
    worked.refresh_from_db()
    assert worked.due_on == D(2031, 1, 19) and not worked.due_provisional
    assert worked.due_explanation == "送达 2030-10-19，3个月，届满 2031-01-19"


def test_an_extension_is_recomputed_from_the_period_it_records(superuser, east_enterprise):
    case = _case(east_enterprise, served=D(2030, 7, 1), months=6, number="T-5")
    # 延期: three more months from the original end, recorded as such in the explanation
    extended = due_date(case.due_on, 3, calendar=current_calendar())
    Case.objects.filter(pk=case.pk).update(
        period_months=9,
        due_on=extended.due,
        due_explanation=extended.explanation,
        due_provisional=True,
    )
    load_year(made_up(), by=superuser)
    case.refresh_from_db()
    assert case.due_explanation.startswith("送达 2031-01-01，3个月，届满 2031-04-01")
    assert case.due_on == D(2031, 4, 1) and not case.due_provisional


def test_a_system_administrator_may_load_and_reloading_replaces_the_year(administrator):
    load_year(made_up(), by=administrator)
    row = load_year(made_up(workdays=[D(2031, 1, 19)]), by=administrator)
    assert CalendarYear.objects.get().pk == row.pk
    assert row.workdays == ["2031-01-19"] and row.loaded_by == administrator
    assert current_calendar().is_workday(D(2031, 1, 19))
    assert not current_calendar().is_workday(D(2031, 2, 8))


@pytest.mark.parametrize(
    "who", ["county_officer", "city_leader", "city_auditor", "enterprise_user"]
)
def test_anyone_else_is_refused(db, request, who):
    # `db` named here: pytest-django orders tests by the fixtures they name, and a test that
    # only asks for them by name at run time would run after the transactional tests, whose
    # flush drops the industries the enterprise fixtures need.
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="只有系统管理员可以载入法定节假日安排"):
        load_year(made_up(), by=user)
    assert not CalendarYear.objects.exists()


def test_a_file_with_problems_loads_nothing(superuser):
    with pytest.raises(ValidationError):
        load_year(made_up(workdays=[D(2031, 1, 20)]), by=superuser)
    assert not CalendarYear.objects.exists()


def test_a_loaded_year_replaces_the_package_data_for_that_year(superuser):
    assert LegalCalendar.from_package().rest_kind(D(2026, 10, 3)) == "法定节假日"
    load_year(
        {
            "year": 2026,
            "source": "测试用虚构更正（测试数据）",
            "holidays": {"元旦": D(2026, 1, 1)},
            "workdays": [],
        },
        by=superuser,
    )
    calendar = current_calendar()
    assert calendar.rest_kind(D(2026, 10, 3)) == "休息日"
    assert calendar.is_workday(D(2026, 10, 5)) and calendar.is_workday(D(2026, 2, 16))
    assert calendar.is_workday(D(2025, 10, 8)) == LegalCalendar.from_package().is_workday(
        D(2025, 10, 8)
    )


def test_the_current_calendar_costs_one_query_and_is_rebuilt_after_a_load(
    superuser, django_assert_num_queries
):
    first = current_calendar()
    with django_assert_num_queries(1):
        assert current_calendar() is first
    assert first == LegalCalendar.from_package()
    load_year(made_up(), by=superuser)
    with django_assert_num_queries(2):
        second = current_calendar()
    assert second.covers(2031) and not first.covers(2031)
    with django_assert_num_queries(1):
        assert current_calendar() is second


# — phaseout calendar —


def run(*args):
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def made_up_file(tmp_path):
    path = tmp_path / "2031.yaml"
    path.write_text(MADE_UP_2031, encoding="utf-8")
    return str(path)


def test_the_command_loads_a_file_and_lists_the_years(administrator, east_enterprise, made_up_file):
    case = _case(east_enterprise, served=D(2030, 7, 1), months=6, number="T-6")
    before = io.StringIO()
    call_command("deadline", "2030-07-01", "6", "--json", stdout=before)
    assert json.loads(before.getvalue())["provisional"] is True

    out = run("load", made_up_file, "--as", "city_admin")

    assert "春节：2031-01-22 至 2031-01-28，放假 7 天" in out
    assert "调休上班：2031-01-19、2031-02-08、2031-09-28、2031-10-11" in out
    assert "已载入 2031 年节假日安排；重算暂定期限 1 件。" in out
    case.refresh_from_db()
    assert not case.due_provisional

    after = io.StringIO()
    call_command("deadline", "2030-07-01", "6", stdout=after)
    assert after.getvalue().splitlines()[0] == "2031-01-02"

    listing = run("list")
    assert "2004–2026 年：程序包 chinesecalendar" in listing
    assert "2031 年：测试用虚构通知〔2030〕0号" in listing and "city_admin 于" in listing
    assert "2027、2028、2029、2030 年未载入" in listing
    assert "2032 年及以后的期限暂按周末计算（暂定）。" in listing

    again = run("load", made_up_file)  # an operator's run, replacing the year
    assert "已替换此前载入的该年度安排。" in again
    assert CalendarYear.objects.get().loaded_by is None


def test_the_command_checks_without_loading(superuser, made_up_file):
    out = run("load", made_up_file, "--dry-run")
    assert "校验通过（--dry-run，未载入）。" in out
    assert not CalendarYear.objects.exists()


def test_the_command_prints_every_problem_and_loads_nothing(db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(MADE_UP_2031.replace("2031-01-19,", "2031-01-20,"), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="有 1 个问题，未载入"):
        call_command("calendar", "load", str(path), stdout=out)
    assert f"{path} · workdays：2031-01-20 是星期一" in out.getvalue()
    assert not CalendarYear.objects.exists()


def test_the_command_refuses_others_and_unreadable_files(county_officer, made_up_file, tmp_path):
    with pytest.raises(CommandError, match="只有系统管理员可以载入"):
        run("load", made_up_file, "--as", "east_officer")
    with pytest.raises(CommandError, match="没有用户“nobody”"):
        run("load", made_up_file, "--as", "nobody")
    with pytest.raises(CommandError, match="无法打开文件"):
        run("load", str(tmp_path / "missing.yaml"))
    assert not CalendarYear.objects.exists()


def test_the_admin_shows_loaded_years_read_only(client, superuser):
    row = load_year(made_up(), by=superuser)
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get("/admin/enforcement/calendaryear/")
    assert listing.status_code == 200
    assert "测试用虚构通知" in listing.content.decode()
    assert client.get(f"/admin/enforcement/calendaryear/{row.pk}/change/").status_code == 200
    assert client.get("/admin/enforcement/calendaryear/add/").status_code == 403
    response = client.post(f"/admin/enforcement/calendaryear/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CalendarYear.objects.filter(pk=row.pk).exists()


def test_the_example_in_the_docs_reads_as_written():
    docs = Path(__file__).resolve().parents[2] / "docs" / "deadlines.md"
    [block] = re.findall(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    arrangement = parse_year(yaml.safe_load(block)).arrangement
    assert arrangement.year == 2031
    assert {day for day, name in arrangement.holidays.items() if name == "清明节"} == {
        D(2031, 4, 4),
        D(2031, 4, 6),
        D(2031, 4, 7),
    }
    separate = yaml.safe_load("[[2031-04-04, 2031-04-04], 2031-04-06]")
    assert set(parse_year(made_up(holidays={"清明节": separate})).arrangement.holidays) == {
        D(2031, 4, 4),
        D(2031, 4, 6),
    }


def test_problems_are_translated():
    from django.utils import translation

    with translation.override("en"):
        problems = problems_of(made_up(workdays=[D(2031, 1, 20)]))
    assert problems == [
        "workdays：2031-01-20 is a Monday; a make-up workday is a Saturday or a Sunday."
    ]
