"""Helpers for every table the platform hands out as a file (台账, lists, reports).

A spreadsheet program runs a cell that starts with =, +, - or @ as a formula (and a leading tab
or carriage return can smuggle one in), so a downloaded enterprise name such as
``=HYPERLINK(...)`` would execute on an officer's machine (CSV/formula injection, OWASP). Every
text cell that leaves the platform goes through `neutralise`, which prefixes one single quote;
importers undo exactly that prefix with `unneutralise`, so an export re-imports unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Excel reads a UTF-8 CSV correctly only when it starts with a byte order mark.
UTF8_BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """The value safe for a spreadsheet cell: text that could start a formula gets a leading '.

    Numbers, dates and None are returned as they are, so they stay numbers in the sheet.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def unneutralise(text: str) -> str:
    """Undo `neutralise`: drop one leading quote, but only before a formula character."""
    if len(text) > 1 and text[0] == QUOTE and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def csv_chunks(
    rows: Iterable[Iterable[Any]], *, bom: bool = True, every: int = 500
) -> Iterator[str]:
    """CSV text in chunks of `every` rows, cells neutralised; for StreamingHttpResponse or files.

    None becomes an empty cell; numbers are written as numbers. Line ends are CRLF (RFC 4180,
    and what Excel writes).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(UTF8_BOM)
    pending = 0
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
        pending += 1
        if pending >= every:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if buffer.tell():
        yield buffer.getvalue()
