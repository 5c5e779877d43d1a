"""Plain-text rendering of an import's outcome, for the command line."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from phaseout.registry.ledger.report import ImportReport, LedgerError


def _width(text: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def problem_table(problems: list[LedgerError]) -> str:
    """The problems as an aligned table: 文件, 行, 列, 问题."""
    head = (_("文件"), _("行"), _("列"), _("问题"))
    rows = [
        (p.file, "" if p.row is None else str(p.row), p.column or "", p.message) for p in problems
    ]
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(3)]
    lines = []
    for row in [head, *rows]:
        lines.append(
            "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        )
    return "\n".join(lines)


def summary(report: ImportReport) -> str:
    e, li = report.enterprises, report.lines
    text = _(
        "企业：新增%(ec)d，更新%(eu)d，未变%(en)d；生产线：新增%(lc)d，更新%(lu)d，未变%(ln)d。"
    ) % {
        "ec": e.created,
        "eu": e.updated,
        "en": e.unchanged,
        "lc": li.created,
        "lu": li.updated,
        "ln": li.unchanged,
    }
    if report.dry_run:
        text = _("校验通过（仅校验，未写入）。") + text
    return text
