"""phaseout verify-case-files [--case NUMBER] [--json]: recompute every case file's hash chain
(chain.verify: events, links, the stored files, the head) and name the first broken event of each
case that does not hold. Exit status 1 when any does not."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.enforcement.chain import verify
from phaseout.enforcement.models import Case


class Command(BaseCommand):
    help = (
        "核验案卷防篡改链：逐件重新计算事件哈希、前后链接和所附文件，列出未通过的案件及第一个出错的"
        "事件；有未通过的，退出状态为1。 Verify every case file's hash chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", metavar="NUMBER", help="只核验这一案件 (only this case)")
        parser.add_argument("--json", action="store_true", help="以JSON输出 (JSON output)")

    def handle(self, *args, **options):
        cases = Case.objects.order_by("id").only("id", "number")
        if options["case"]:
            cases = cases.filter(number=options["case"])
            if not cases.exists():
                raise CommandError(_("没有编号为“%(n)s”的案件。") % {"n": options["case"]})
        checked, broken = 0, []
        for case in cases.iterator(chunk_size=2000):
            result = verify(case)
            checked += 1
            if not result.ok:
                broken.append((case, result))
                if not options["json"]:
                    self.stdout.write(self.describe(case, result))
            elif options["verbosity"] >= 2 and not options["json"]:
                self.stdout.write(
                    _("%(case)s：完整（%(n)d 个事件）") % {"case": case.number, "n": result.events}
                )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "checked": checked,
                        "ok": not broken,
                        "broken": [
                            {"case": case.number, "id": case.pk, **result.as_dict()}
                            for case, result in broken
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(
                _("已核验 %(checked)d 件案卷：%(ok)d 件完整，%(broken)d 件未通过。")
                % {"checked": checked, "ok": checked - len(broken), "broken": len(broken)}
            )
        if broken:
            raise CommandError(
                _("%(n)d 件案卷的防篡改链未通过核验：%(cases)s")
                % {"n": len(broken), "cases": "、".join(case.number for case, _r in broken[:20])}
                + ("…" if len(broken) > 20 else "")
            )

    @staticmethod
    def describe(case: Case, result) -> str:
        if result.broken_seq is None:
            return _("%(case)s：%(reason)s") % {"case": case.number, "reason": result.reason}
        return _("%(case)s：第 %(seq)d 号事件未通过 — %(reason)s") % {
            "case": case.number,
            "seq": result.broken_seq,
            "reason": result.reason,
        }
