"""phaseout deadline START MONTHS [--days N] [--json]: when a period served on START falls due,
on the legal calendar with the years an administrator has loaded (phaseout calendar load)."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.enforcement.calendars import current_calendar
from phaseout.enforcement.deadlines import due_date


def _count(value: str, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise CommandError(
            _("%(name)s 应为不小于0的整数，而不是“%(value)s”。") % {"name": name, "value": value}
        )
    return number


class Command(BaseCommand):
    help = (
        "计算法定期间的届满日：自送达次日起算，按月或按日计算，届满日为休息日或法定节假日的顺延至其后"
        "第一个工作日。 Compute the due date of a legal period."
    )

    def add_arguments(self, parser):
        parser.add_argument("start", metavar="START", help="送达日期，如 2025-08-31")
        parser.add_argument("months", metavar="MONTHS", help="期间的月数，如 6")
        parser.add_argument("--days", default="0", metavar="N", help="期间的日数（在月数之后计算）")
        parser.add_argument("--json", action="store_true", help="以JSON输出 (JSON output)")

    def handle(self, *args, **options):
        try:
            served = datetime.date.fromisoformat(str(options["start"]))
        except ValueError as exc:
            raise CommandError(
                _("START 应为日期（年-月-日，如 2025-08-31），而不是“%(value)s”。")
                % {"value": options["start"]}
            ) from exc
        months = _count(options["months"], "MONTHS")
        days = _count(options["days"], "--days")
        if months == 0 and days == 0:
            raise CommandError(_("MONTHS 和 --days 不能都为0：期间至少一日。"))
        try:
            deadline = due_date(served, months, days=days, calendar=current_calendar())
        except OverflowError as exc:
            raise CommandError(_("期间过长，届满日超出了可表示的日期范围。")) from exc
        if options["json"]:
            self.stdout.write(json.dumps(deadline.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(deadline.due.isoformat())
        self.stdout.write(deadline.explanation)
