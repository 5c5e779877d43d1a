"""`phaseout calendar load FILE [--as USERNAME] [--dry-run]` and `phaseout calendar list`: the
legal calendar (法定节假日安排) deadlines are computed on.

load: a year's arrangement as published by 国务院办公厅, written as YAML (docs/deadlines.md),
checked, stored (replacing the year if loaded before) and the provisional deadlines it settles
recomputed. list: the years the calendar covers, where each comes from.
"""

from __future__ import annotations

import chinese_calendar
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.core.commands import require_readable, user_named
from phaseout.enforcement import calendars
from phaseout.enforcement.deadlines import LegalCalendar
from phaseout.enforcement.models import CalendarYear


class Command(BaseCommand):
    help = _(
        "法定节假日安排：load 载入国务院办公厅公布的一个年度的安排，list 列出已载入的年度。"
        " The legal holiday calendar: load a published year, list the years covered."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,list}")
        load = actions.add_parser(
            "load",
            help=_(
                "载入一个年度的节假日安排（YAML 文件，格式见 docs/deadlines.md），并重算暂定期限。"
            ),
        )
        load.add_argument("file", metavar="FILE", help=_("节假日安排文件（YAML）"))
        load.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=_("以该用户的身份载入（须为系统管理员）；不指定则为运维载入"),
        )
        load.add_argument(
            "--dry-run", action="store_true", help=_("只校验并显示内容，不载入 (check only)")
        )
        actions.add_parser("list", help=_("列出节假日安排覆盖的年度及其来源。"))

    def handle(self, *args, action: str, **options):
        if action == "load":
            self.load(options["file"], username=options["username"], dry_run=options["dry_run"])
        else:
            self.list_years()

    def load(self, path: str, *, username: str | None, dry_run: bool) -> None:
        require_readable([path])
        user = user_named(username)
        if user is not None and not calendars.may_load_calendar(user):
            raise CommandError(_("只有系统管理员可以载入法定节假日安排。"))
        try:
            published = calendars.read_year(path)
        except ValidationError as exc:
            for message in exc.messages:
                self.stdout.write(f"{path} · {message}")
            raise CommandError(
                _("%(path)s 有 %(count)d 个问题，未载入。")
                % {"path": path, "count": len(exc.messages)}
            ) from exc
        arrangement = published.arrangement
        self.describe(published)
        if dry_run:
            self.stdout.write(_("校验通过（--dry-run，未载入）。"))
            return
        replaces = []
        if LegalCalendar.from_package().covers(arrangement.year):
            replaces.append(_("已替换程序包 chinesecalendar 中的该年度数据。"))
        if CalendarYear.objects.filter(year=arrangement.year).exists():
            replaces.append(_("已替换此前载入的该年度安排。"))
        try:
            row = calendars.load_year(published, by=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        for line in replaces:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                _("已载入 %(year)d 年节假日安排；重算暂定期限 %(count)d 件。")
                % {"year": row.year, "count": row.recomputed}
            )
        )

    def describe(self, published: calendars.PublishedYear) -> None:
        arrangement = published.arrangement
        self.stdout.write(
            _("%(year)d 年：%(source)s")
            % {"year": arrangement.year, "source": published.source_line}
        )
        by_name: dict[str, list] = {}
        for day, name in sorted(arrangement.holidays.items()):
            by_name.setdefault(name, []).append(day)
        for name, days in by_name.items():
            self.stdout.write(
                _("  %(name)s：%(first)s 至 %(last)s，放假 %(count)d 天")
                % {
                    "name": name,
                    "first": days[0].isoformat(),
                    "last": days[-1].isoformat(),
                    "count": len(days),
                }
            )
        workdays = "、".join(day.isoformat() for day in sorted(arrangement.workdays))
        self.stdout.write(_("  调休上班：%(days)s") % {"days": workdays or _("无")})

    def list_years(self) -> None:
        package = LegalCalendar.from_package()
        rows = {row.year: row for row in CalendarYear.objects.select_related("loaded_by")}
        package_years = sorted(package.years - rows.keys())
        if package_years:
            self.stdout.write(
                _("%(first)d–%(last)d 年：程序包 chinesecalendar %(version)s")
                % {
                    "first": package_years[0],
                    "last": package_years[-1],
                    "version": getattr(chinese_calendar, "__version__", "?"),
                }
            )
        for year, row in sorted(rows.items()):
            by = row.loaded_by.get_username() if row.loaded_by else _("运维")
            note = _("（替换程序包数据）") if package.covers(year) else ""
            self.stdout.write(
                _(
                    "%(year)d 年：%(source)s；%(by)s 于 %(at)s 载入，"
                    "法定节假日 %(holidays)d 天，调休上班 %(workdays)d 天%(note)s"
                )
                % {
                    "year": year,
                    "source": row.source,
                    "by": by,
                    "at": timezone.localtime(row.loaded_at).strftime("%Y-%m-%d %H:%M"),
                    "holidays": len(row.holidays),
                    "workdays": len(row.workdays),
                    "note": note,
                }
            )
        covered = package.years | rows.keys()
        missing = sorted(set(range(min(covered), max(covered) + 1)) - covered)
        if missing:
            self.stdout.write(
                _("%(years)s 年未载入，其期限暂按周末计算（暂定）。")
                % {"years": "、".join(map(str, missing))}
            )
        self.stdout.write(
            _("%(year)d 年及以后的期限暂按周末计算（暂定）。") % {"year": max(covered) + 1}
        )
