"""`phaseout catalog check` and `phaseout catalog test`: the standards catalogue's two checks.

check: every rule file read and validated (catalog.check), each problem printed as
"path · rule · field: message", exit status 1 on any problem; rules tagged U are counted as a
warning. test: the rule-test cases (standards.ruletests) run through the reference evaluator,
one line per case and rule, exit status 1 on any failure or malformed case.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaseout.standards import catalog, ruletests


class Command(BaseCommand):
    help = _("标准目录：check 校验规则文件，test 运行规则测试用例。")
    # Reads files only: no database, so no system checks (CI runs it before any database exists).
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{check,test}")
        check = actions.add_parser(
            "check",
            help=_("校验目录中的规则文件（缺少依据、日期重叠、单位不能换算、复核逾期两年等）。"),
        )
        check.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help=_("要校验的规则文件或目录；不写则校验随程序发布的国家目录。"),
        )
        test = actions.add_parser("test", help=_("运行规则测试用例，逐条比较预期结论和判定结果。"))
        test.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help=_("用例文件或目录；不写则运行随程序发布的全部用例（standards/rule_tests）。"),
        )

    def handle(self, *args, action: str, paths: list[Path], **options):
        if action == "check":
            self.check_catalog(paths)
        else:
            self.run_rule_tests(paths)

    # — check —
    def check_catalog(self, paths: list[Path]) -> None:
        today = datetime.date.today()
        if paths:
            files = []
            for path in paths:
                files.extend(catalog.catalog_files(path) if path.is_dir() else [path])
            sources, problems = catalog.parse_files(files, Path.cwd())
            rules, more = catalog.read_rules(sources, today=today)
            problems = problems + more
        else:
            rules, problems = catalog.check(today=today)
        for problem in problems:
            self.stdout.write(str(problem))
        unverified = [rule for rule in rules if not rule.verified]
        summary = _("规则 %(rules)d 条，问题 %(problems)d 个。") % {
            "rules": len(rules),
            "problems": len(problems),
        }
        self.stdout.write(summary)
        if unverified:
            # A warning, not an error: U rules are shipped on purpose, shown as unverified.
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "提示：其中 %(count)d 条标记为 U（未核实），界面显示为未核实，须对照原文核实。"
                    )
                    % {"count": len(unverified)}
                )
            )
        if problems:
            raise CommandError(_("目录校验未通过。"), returncode=1)

    # — test —
    def run_rule_tests(self, paths: list[Path]) -> None:
        report = ruletests.run(paths or None)
        for problem in report.problems:
            self.stdout.write(str(problem))
        for result in report.results:
            self.stdout.write(self.line(result))
        cases = len(report.cases)
        summary = _(
            "用例 %(cases)d 个，判定 %(checks)d 项：符合预期 %(passed)d，不符合 %(failed)d；"
            "用例格式问题 %(problems)d 个。"
        ) % {
            "cases": cases,
            "checks": len(report.results),
            "passed": len(report.results) - len(report.failures),
            "failed": len(report.failures),
            "problems": len(report.problems),
        }
        self.stdout.write(summary)
        if not report.ok:
            raise CommandError(_("规则测试未通过。"), returncode=1)

    def line(self, result: ruletests.Result) -> str:
        mark = "✓" if result.ok else "✗"
        where = f"{result.case.path} · {result.case.label} · {result.rule_id}"
        if result.verdict is None:
            return f"{mark} {where}: " + _("预期 %(expected)s，目录中没有此规则") % {
                "expected": result.expected
            }
        text = f"{mark} {where}: " + _("预期 %(expected)s，结果 %(got)s") % {
            "expected": result.expected,
            "got": result.got,
        }
        verdict = result.verdict
        if verdict.value is not None and verdict.threshold is not None:
            text += _("（判定值 %(value)s，限值 %(threshold)s）") % {
                "value": _number(verdict.value),
                "threshold": _number(verdict.threshold),
            }
        return text


def _number(value: float) -> str:
    return f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
