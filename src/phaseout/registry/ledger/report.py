"""What an import says back: problems as data (so a page can list them all) and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LedgerError:
    """One problem in a ledger file, located as the office sees it in Excel.

    file: the file name, with the sheet for a workbook (``台账.xlsx［企业］``);
    row: the spreadsheet row number (the header is row 1), or None for the file as a whole;
    column: the column header, or None when the problem is not about one column.
    The same type carries warnings (`ImportReport.warnings`).
    """

    file: str
    row: int | None
    column: str | None
    message: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    """The outcome of `import_ledger`. Nothing was written unless `ok` and not `dry_run`."""

    files: list[str]
    dry_run: bool = False
    errors: list[LedgerError] = field(default_factory=list)
    warnings: list[LedgerError] = field(default_factory=list)
    enterprises: Counts = field(default_factory=Counts)
    lines: Counts = field(default_factory=Counts)
    record: Any = None  # the LedgerImport row of an import that was written

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def error(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(LedgerError(file, row, column, str(message)))

    def warn(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(LedgerError(file, row, column, str(message)))

    def sort(self, labels: list[str]) -> None:
        """Problems in the order of the files (`labels`), then by row; stable within a row."""
        order = {label: i for i, label in enumerate(labels)}

        def key(problem: LedgerError) -> tuple[int, int]:
            return (order.get(problem.file, len(order)), problem.row or 0)

        self.errors.sort(key=key)
        self.warnings.sort(key=key)
