"""phaseout export-case NUMBER -o FILE: one case file as a ZIP (documents, evidence, events with
their hashes, the chain's verification, the case's fields and a README on checking it by hand)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.enforcement.archive import export_case
from phaseout.enforcement.models import Case


class Command(BaseCommand):
    help = (
        "导出案卷：文书、证据、全部事件及其哈希、防篡改链核验结果、案件字段，以及手工核验说明，"
        "写成一个ZIP文件。 Export one case file as a ZIP archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", metavar="NUMBER", help="案件编号 (case number)")
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="ZIP文件 (the archive to write)"
        )

    def handle(self, *args, **options):
        try:
            case = Case.objects.get(number=options["number"])
        except Case.DoesNotExist as exc:
            raise CommandError(_("没有编号为“%(n)s”的案件。") % {"n": options["number"]}) from exc
        path = Path(options["output"])
        data = export_case(case)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            chain = json.loads(archive.read("chain.json"))
        verification = chain["verification"]
        self.stdout.write(
            _("已导出案卷 %(case)s（%(events)d 个事件，%(files)d 个文件）：%(path)s")
            % {
                "case": case.number,
                "events": chain["event_count"],
                "files": sum(1 for f in chain["files"] if f["present"]),
                "path": path,
            }
        )
        if not verification["ok"]:
            # The archive is still written: a tampered case file is itself evidence.
            self.stderr.write(
                _("注意：该案卷的防篡改链未通过核验（%(reason)s），详见压缩包中的 chain.json。")
                % {"reason": verification["reason"]}
            )
