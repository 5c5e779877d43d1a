"""phaseout import-ledger PATH [PATH ...] [--dry-run] [--user USERNAME] [--progress]"""

from __future__ import annotations

import functools
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.core.commands import require_readable, user_named
from phaseout.registry.ledger.importer import import_ledger
from phaseout.registry.ledger.text import problem_table, summary


class Command(BaseCommand):
    help = (
        "导入企业台账（XLSX工作簿，或企业表、生产线表CSV）。先校验全部文件，有任何错误则不写入。"
        " Import the enterprise ledger; all or nothing (docs/ledger-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="XLSX or CSV files")
        parser.add_argument(
            "--dry-run", action="store_true", help="仅校验，不写入 (check only, write nothing)"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="以该用户的身份和管辖范围导入；不指定则为运维导入，范围为全部台账",
        )
        parser.add_argument("--progress", action="store_true", help="显示进度条（终端中默认显示）")

    def handle(self, *paths, **options):
        paths = options["paths"]
        require_readable(paths)
        user = user_named(options["user"])
        progress = None
        if options["progress"] or sys.stderr.isatty():
            from tqdm import tqdm

            progress = functools.partial(tqdm, file=sys.stderr, leave=False, mininterval=0.5)
        try:
            report = import_ledger(paths, by=user, dry_run=options["dry_run"], progress=progress)
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
        self.stdout.write(self.style.SUCCESS(summary(report)))
