"""phaseout export-ledger PATH [--lines PATH2] [--user USERNAME] [--region CODE]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.registry.ledger.columns import ENTERPRISES, LINES
from phaseout.registry.ledger.exporter import ledger_querysets, write_csv, write_xlsx


class Command(BaseCommand):
    help = (
        "导出企业台账：.xlsx 为一个工作簿（企业、生产线两张表）；.csv 为企业表，生产线表写入"
        " --lines 指定的文件或“<文件名>_生产线.csv”。The export re-imports unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help=".xlsx or .csv")
        parser.add_argument("--lines", metavar="PATH2", help="生产线表CSV (lines CSV)")
        parser.add_argument(
            "--user", metavar="USERNAME", help="只导出该用户管辖范围内的台账；不指定则导出全部"
        )
        parser.add_argument("--region", metavar="CODE", help="只导出该行政区划及其下级")

    def handle(self, *args, **options):
        path = Path(options["path"])
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(_("导出文件的扩展名应为.xlsx或.csv。"))
        if options["lines"] and suffix != ".csv":
            raise CommandError(_("--lines 只用于CSV导出；XLSX工作簿已包含生产线表。"))
        user = None
        if options["user"]:
            User = get_user_model()
            try:
                user = User.objects.get(**{User.USERNAME_FIELD: options["user"]})
            except User.DoesNotExist as exc:
                raise CommandError(_("没有用户“%(name)s”。") % {"name": options["user"]}) from exc
        try:
            enterprises, lines = ledger_querysets(user, region_code=options["region"])
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        try:
            if suffix == ".xlsx":
                n_enterprises, n_lines = write_xlsx(path, enterprises, lines)
                written = [path]
            else:
                lines_path = Path(options["lines"] or path.with_name(f"{path.stem}_生产线.csv"))
                n_enterprises = write_csv(path, ENTERPRISES, enterprises)
                n_lines = write_csv(lines_path, LINES, lines)
                written = [path, lines_path]
        except OSError as exc:
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("已导出企业%(e)d家、生产线%(l)d条：%(files)s")
                % {"e": n_enterprises, "l": n_lines, "files": "，".join(map(str, written))}
            )
        )
