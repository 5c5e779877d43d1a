"""The legal calendar an administrator loads (法定节假日安排).

国务院办公厅 publishes each November the next year's arrangement (关于XXXX年部分节假日安排的
通知): the days off of each statutory holiday and the Saturdays and Sundays worked in their place
(调休上班). An administrator writes it into a YAML file and loads it (``phaseout calendar load``);
from then on deadlines in that year are computed on it, and the deadlines computed before on
weekends alone (provisional) are recomputed. The file format is in docs/deadlines.md:

    year: 2031
    source: 国办发明电〔2030〕N号 国务院办公厅关于2031年部分节假日安排的通知
    published: 2030-11-10
    holidays:
      元旦: 2031-01-01                    # one day
      春节: [2031-01-22, 2031-01-28]      # first and last day off, inclusive
    workdays: [2031-01-19, 2031-02-08]   # 调休上班: Saturdays or Sundays only

The first half of this module is pure (reading and checking a file); the second reads and writes
the database: :func:`current_calendar` (the package's calendar with the loaded years, for every
deadline computed), :func:`load_year` and :func:`recompute_provisional_deadlines`.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaseout.enforcement.choices import OPEN_STATES
from phaseout.enforcement.deadlines import LegalCalendar, YearArrangement, due_date, period_of
from phaseout.enforcement.models import CalendarYear
from phaseout.regions.choices import Role
from phaseout.regions.models import Person

__all__ = [
    "MAX_FILE_BYTES",
    "PublishedYear",
    "current_calendar",
    "load_year",
    "may_load_calendar",
    "may_view_calendar",
    "parse_year",
    "read_bytes",
    "read_year",
    "recompute_provisional_deadlines",
]

MAX_FILE_BYTES = 64 * 1024  # a year's arrangement is a few hundred bytes
FIELDS = ("year", "source", "published", "holidays", "workdays")
WEEKDAYS = (
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
)


@dataclass(frozen=True)
class PublishedYear:
    """A year's arrangement as published: what the file says, checked."""

    arrangement: YearArrangement
    source: str  # the notice: 文号 and title
    published: datetime.date | None = None

    @property
    def year(self) -> int:
        return self.arrangement.year

    @property
    def source_line(self) -> str:
        """The source as stored with the loaded year: the notice and the day it was published.
        Stored data, so in Chinese whatever the language of the person loading it."""
        if self.published is None:
            return self.source
        return f"{self.source}（{self.published.isoformat()} 发布）"


# — reading and checking a file (pure) —


def read_year(path: str | os.PathLike) -> PublishedYear:
    """Read and check a year's arrangement file. Raises ValidationError listing every problem,
    each naming the field it is in."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ValidationError(
            _("无法打开文件 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    return read_bytes(raw, name=str(path))


def read_bytes(raw: bytes, *, name: str) -> PublishedYear:
    """Read and check a year's arrangement file given as its bytes (an upload); ``name`` names
    it in the messages. Raises ValidationError listing every problem, each naming its field."""
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError(
            _("文件 %(path)s 超过 %(size)d KB，不是一个年度的节假日安排。")
            % {"path": name, "size": MAX_FILE_BYTES // 1024}
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("文件 %(path)s 不是 UTF-8 编码的文本。") % {"path": name}) from exc
    try:
        # An alias repeats a node without repeating its text: a few lines could expand into a
        # value too large to check or to quote in a message. A year's arrangement needs none.
        if any(isinstance(token, yaml.AliasToken) for token in yaml.scan(text)):
            raise ValidationError(
                _("文件 %(path)s 使用了 YAML 别名（*）；请逐项写出日期。") % {"path": name}
            )
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = where.line + 1 if where is not None else "?"
        raise ValidationError(
            _("文件 %(path)s 第 %(line)s 行不是有效的 YAML：%(problem)s")
            % {"path": name, "line": line, "problem": getattr(exc, "problem", None) or exc}
        ) from exc
    return parse_year(data)


def parse_year(data: Any) -> PublishedYear:
    """Check a year's arrangement given as a mapping (the YAML file, read). Raises
    ValidationError listing every problem, each beginning with the field it is in."""
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(f"{field}：{message}")

    if not isinstance(data, Mapping):
        raise ValidationError(
            _("节假日安排应为以 year、source、holidays、workdays 为键的映射（YAML 字典）。")
        )
    for key in data:
        if key not in FIELDS:
            problem(
                str(key),
                _("未知的字段；可用的字段为 %(fields)s。") % {"fields": "、".join(FIELDS)},
            )
    for key in ("year", "source", "holidays", "workdays"):
        if key not in data:
            problem(key, _("缺少此字段。"))

    year = data.get("year")
    if "year" in data and not (isinstance(year, int) and not isinstance(year, bool)):
        problem("year", _("应为年份（整数，如 2031），而不是“%(value)s”。") % {"value": year})
        year = None
    elif isinstance(year, int) and not 2000 <= year <= 9999:
        problem("year", _("年份 %(year)s 不在 2000 至 9999 之间。") % {"year": year})
        year = None

    source = data.get("source")
    if "source" in data:
        if not isinstance(source, str) or not source.strip():
            problem("source", _("应写明发布通知的文号和标题。"))
            source = ""
        elif len(source.strip()) > 250:
            problem("source", _("过长（不超过250字）。"))
        source = source.strip()

    published = None
    if data.get("published") is not None:
        published = _date(data["published"])
        if published is None:
            problem(
                "published",
                _("应为日期（年-月-日），而不是“%(value)s”。") % {"value": data["published"]},
            )

    holidays: dict[datetime.date, str] = {}
    raw_holidays = data.get("holidays")
    if "holidays" in data:
        if not isinstance(raw_holidays, Mapping) or not raw_holidays:
            problem("holidays", _("应为节日名称到放假日期的映射，如“春节: [起始日, 结束日]”。"))
            raw_holidays = {}
        for name, value in raw_holidays.items():
            field = f"holidays.{name}"
            if not isinstance(name, str) or not name.strip():
                problem(field, _("节日名称应为文字。"))
                continue
            for day in _holiday_days(value, field, problem):
                if year is not None and day.year != year:
                    problem(
                        field,
                        _("%(day)s 不在 %(year)s 年内。") % {"day": day.isoformat(), "year": year},
                    )
                elif day in holidays and holidays[day] != name.strip():
                    problem(
                        field,
                        _("%(day)s 已列在“%(other)s”中。")
                        % {"day": day.isoformat(), "other": holidays[day]},
                    )
                else:
                    holidays[day] = name.strip()

    workdays: set[datetime.date] = set()
    raw_workdays = data.get("workdays")
    if "workdays" in data:
        if raw_workdays is None:
            raw_workdays = []
        if not isinstance(raw_workdays, list):
            problem("workdays", _("应为调休上班日期的列表；没有调休上班日的写 []。"))
            raw_workdays = []
        for value in raw_workdays:
            day = _date(value)
            if day is None:
                problem(
                    "workdays", _("应为日期（年-月-日），而不是“%(value)s”。") % {"value": value}
                )
            elif year is not None and day.year != year:
                problem(
                    "workdays",
                    _("%(day)s 不在 %(year)s 年内。") % {"day": day.isoformat(), "year": year},
                )
            elif day.weekday() < 5:
                # A make-up workday is a weekend day worked; a weekday is a workday anyway.
                problem(
                    "workdays",
                    _("%(day)s 是%(weekday)s；调休上班日应为星期六或星期日。")
                    % {"day": day.isoformat(), "weekday": WEEKDAYS[day.weekday()]},
                )
            elif day in holidays:
                problem(
                    "workdays",
                    _("%(day)s 同时列为法定节假日（%(name)s）。")
                    % {"day": day.isoformat(), "name": holidays[day]},
                )
            elif day in workdays:
                problem("workdays", _("%(day)s 重复列出。") % {"day": day.isoformat()})
            else:
                workdays.add(day)

    if problems:
        raise ValidationError(problems)
    return PublishedYear(
        arrangement=YearArrangement(year=year, holidays=holidays, workdays=frozenset(workdays)),
        source=source,
        published=published,
    )


def _date(value: Any) -> datetime.date | None:
    """A date written in YAML (read as a date) or as a quoted "YYYY-MM-DD"."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _holiday_days(value: Any, field: str, problem) -> list[datetime.date]:
    """The days off a holiday's value lists: one date, a [first, last] range (inclusive), or a
    list of dates and ranges."""
    day = _date(value)
    if day is not None:
        return [day]
    if not isinstance(value, list) or not value:
        problem(
            field,
            _("应为一个日期、起止日期 [起始日, 结束日]，或日期的列表，而不是“%(value)s”。")
            % {"value": value},
        )
        return []
    if len(value) == 2 and all(_date(item) is not None for item in value):
        return _range(_date(value[0]), _date(value[1]), field, problem)
    days: list[datetime.date] = []
    for item in value:
        day = _date(item)
        if day is not None:
            days.append(day)
        elif (
            isinstance(item, list)
            and len(item) == 2
            and all(_date(part) is not None for part in item)
        ):
            days.extend(_range(_date(item[0]), _date(item[1]), field, problem))
        else:
            problem(
                field,
                _("应为日期（年-月-日）或起止日期 [起始日, 结束日]，而不是“%(value)s”。")
                % {"value": item},
            )
    return days


def _range(first: datetime.date, last: datetime.date, field: str, problem) -> list[datetime.date]:
    if last < first:
        problem(
            field,
            _("起止日期颠倒：结束日 %(last)s 早于起始日 %(first)s。")
            % {"first": first.isoformat(), "last": last.isoformat()},
        )
        return []
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


# — the database: the loaded years —


def arrangement_of(row: CalendarYear) -> YearArrangement:
    """The arrangement stored in a CalendarYear row."""
    return YearArrangement(
        year=row.year,
        holidays={datetime.date.fromisoformat(day): name for day, name in row.holidays.items()},
        workdays=frozenset(datetime.date.fromisoformat(day) for day in row.workdays),
    )


# (number of loaded years, last load time) → the calendar built from them, for this process.
_cached: tuple[tuple, LegalCalendar] | None = None


def current_calendar() -> LegalCalendar:
    """The package's calendar with every year an administrator has loaded.

    One small query per call (the number of loaded years and the last load time): the calendar
    itself is built once per process and rebuilt when a year is loaded — in this process at
    once (a saved or deleted CalendarYear forgets it), in any other when the count or the last
    load time changes. Take it once per request or sweep and pass it on, not once per deadline."""
    global _cached
    stamp = CalendarYear.objects.aggregate(count=Count("id"), last=Max("loaded_at"))
    key = (stamp["count"], stamp["last"])
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    calendar = _calendar_from_database()
    _cached = (key, calendar)
    return calendar


@receiver(post_save, sender=CalendarYear, dispatch_uid="calendar-year-saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="calendar-year-deleted")
def _forget_calendar(**kwargs) -> None:
    # The stamp alone would miss a reload in the same second under a pinned clock, or a change
    # rolled back; forgetting costs one rebuild.
    global _cached
    _cached = None


def _calendar_from_database() -> LegalCalendar:
    rows = CalendarYear.objects.only("year", "holidays", "workdays")
    return LegalCalendar.from_package().with_years(arrangement_of(row) for row in rows)


def may_load_calendar(user) -> bool:
    """Superusers and system administrators (系统管理员) load the legal calendar."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Person.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()


def may_view_calendar(user) -> bool:
    """Superusers and government staff (every role but enterprise users) read the loaded years."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Person.objects.filter(user=user).exclude(role=Role.ENTERPRISE).exists()


def load_year(data_or_path: Mapping | str | os.PathLike | PublishedYear, *, by) -> CalendarYear:
    """载入一个年度的法定节假日安排 and recompute the provisional deadlines it settles.

    ``data_or_path`` is the file, its content read as a mapping, or a checked PublishedYear;
    ``by`` the user loading it (None for an operator at the command line, as ``phaseout
    calendar load`` without ``--as``). A year loaded before is replaced, and so is the package's
    data for a year it covers. Returns the CalendarYear row, with ``recomputed`` set to the
    number of cases whose deadline changed. Raises PermissionDenied, or ValidationError listing
    the problems of the file."""
    if by is not None and not may_load_calendar(by):
        raise PermissionDenied(_("只有系统管理员可以载入法定节假日安排。"))
    if isinstance(data_or_path, PublishedYear):
        published = data_or_path
    elif isinstance(data_or_path, Mapping):
        published = parse_year(data_or_path)
    else:
        published = read_year(data_or_path)
    arrangement = published.arrangement
    with transaction.atomic():
        row, _created = CalendarYear.objects.update_or_create(
            year=arrangement.year,
            defaults={
                "holidays": {
                    day.isoformat(): name for day, name in sorted(arrangement.holidays.items())
                },
                "workdays": [day.isoformat() for day in sorted(arrangement.workdays)],
                "source": published.source_line[:300],
                "loaded_by": by,
            },
        )
        row.recomputed = recompute_provisional_deadlines(_calendar_from_database())
    return row


def recompute_provisional_deadlines(calendar: LegalCalendar) -> int:
    """Recompute on ``calendar`` the deadline of every open case whose deadline is provisional
    (computed on weekends alone because its year was not loaded); return how many changed.

    A deadline changes when its years are now covered (it is no longer provisional, and may move
    off a holiday) or its day moves. It is recomputed from the period its explanation records
    (``送达 …，N个月，届满 …``: an extension, for one, runs from the original end, not from
    service), or failing that from the case's ``served_on``, ``period_months`` and
    ``period_days``. Each update is conditional on the case's ``version``: a case changed
    meanwhile is left as it is, still provisional, for the next run. A no-op while the Case
    model does not exist."""
    try:
        Case = apps.get_model("enforcement", "Case")
    except LookupError:
        return 0
    cases = Case.objects.filter(due_provisional=True, state__in=sorted(OPEN_STATES)).only(
        "id", "version", "served_on", "period_months", "period_days", "due_on", "due_explanation"
    )
    changed = 0
    for case in cases.iterator():
        period = period_of(case.due_explanation)
        if period is None and case.served_on and (case.period_months or case.period_days):
            period = (case.served_on, case.period_months, case.period_days)
        if period is None:
            continue
        served, months, days = period
        deadline = due_date(served, months, days=days, calendar=calendar)
        if deadline.provisional and deadline.due == case.due_on:
            continue
        from phaseout.enforcement.services import apply_recomputed_deadline

        changed += apply_recomputed_deadline(case.pk, version=case.version, deadline=deadline)
    return changed
