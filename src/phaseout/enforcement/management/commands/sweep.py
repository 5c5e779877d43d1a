"""phaseout sweep [--date YYYY-MM-DD] [--no-remind] [--json] [--schedule]: the deadline sweep
(期限巡检) now, or its daily run queued for the task worker."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.enforcement import sweep, tasks


class Command(BaseCommand):
    help = (
        "期限巡检：整改期限届满的案件转为逾期未整改，退出（拆除）期限届满的标记未按期完成，并在期限前"
        "30、7、1天提醒。可重复运行。 Run the deadline sweep; --schedule queues the daily run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", metavar="YYYY-MM-DD", help="按这一天巡检（默认今天） (sweep as of this day)"
        )
        parser.add_argument(
            "--no-remind", action="store_true", help="不发送期限提醒 (no reminders)"
        )
        parser.add_argument("--json", action="store_true", help="以JSON输出 (JSON output)")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="不立即巡检，为后台任务安排每日 01:00 的巡检（已安排的不重复） "
            "(queue the daily run instead of sweeping now)",
        )

    def handle(self, *args, **options):
        if options["schedule"]:
            return self.schedule(as_json=options["json"])
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    _("--date 应为日期（年-月-日，如 2026-03-02），而不是“%(value)s”。")
                    % {"value": options["date"]}
                ) from exc
        result = sweep.sweep(today=today, remind=not options["no_remind"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            _(
                "期限巡检 %(today)s：%(overdue)d 件案件转为逾期未整改，%(flagged)d 件退出（拆除）"
                "期限届满未完成。"
            )
            % {
                "today": result.today.isoformat(),
                "overdue": result.overdue,
                "flagged": result.flagged,
            }
        )
        if options["no_remind"]:
            self.stdout.write(_("未发送期限提醒（--no-remind）。"))
        else:
            self.stdout.write(
                _("期限提醒：%(reminders)d 条站内提醒，%(emails)d 封邮件。")
                % {"reminders": result.reminders, "emails": result.emails}
            )

    def schedule(self, *, as_json: bool) -> None:
        waiting, created = tasks.schedule()
        if waiting is None:
            raise CommandError(
                _("当前的后台任务后端不能定时运行任务；每日巡检需要数据库任务队列（db_worker）。")
            )
        run_after = timezone.localtime(waiting.run_after)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "task": str(waiting.id),
                        "run_after": run_after.isoformat(),
                        "created": created,
                    }
                )
            )
            return
        when = run_after.strftime("%Y-%m-%d %H:%M")
        if created:
            self.stdout.write(
                _("已安排每日期限巡检，首次运行 %(when)s，由 db_worker 执行。") % {"when": when}
            )
        else:
            self.stdout.write(
                _("已有待运行的期限巡检任务（%(when)s），未重复安排。") % {"when": when}
            )
