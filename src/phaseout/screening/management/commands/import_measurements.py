"""phaseout import-measurements PATH [PATH ...] [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.core.commands import require_readable, user_named
from phaseout.registry.ledger.text import problem_table
from phaseout.screening.importer import import_measurements


class Command(BaseCommand):
    help = (
        "导入检测值（XLSX或CSV）。先校验全部文件，有任何错误则不写入。"
        " Import measurements; all or nothing (docs/measurement-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="XLSX or CSV files")
        parser.add_argument(
            "--dry-run", action="store_true", help="仅校验，不写入 (check only, write nothing)"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="以该用户的身份和管辖范围导入；不指定则为运维导入，范围为全部企业",
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        require_readable(paths)
        user = user_named(options["user"])
        try:
            report = import_measurements(paths, by=user, dry_run=options["dry_run"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if report.warnings:
            self.stdout.write(self.style.WARNING(_("提示：")))
            self.stdout.write(problem_table(report.warnings))
        if report.errors:
            self.stderr.write(problem_table(report.errors))
            raise CommandError(
                _("发现%(n)d个问题，未写入任何数据。请修正后重新导入。") % {"n": len(report.errors)}
            )
        text = _("新增检测值%(created)d条，已有（未重复记录）%(unchanged)d条。") % {
            "created": report.created,
            "unchanged": report.unchanged,
        }
        if report.dry_run:
            text = _("校验通过（仅校验，未写入）。") + text
        self.stdout.write(self.style.SUCCESS(text))
