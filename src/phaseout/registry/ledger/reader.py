"""Reading ledger files: XLSX (python-calamine) and CSV (UTF-8, UTF-8 with BOM, GBK).

A file becomes one or more `Table`s (a workbook sheet or a CSV file), each knowing whether it
holds enterprises or lines and which cell holds which column. Rows are produced lazily, so a
file of 250,000 lines is never held twice. Whatever is wrong with a file is added to the
report; nothing here raises on bad input.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import logging
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from phaseout.registry.ledger.columns import (
    COLUMNS,
    ENTERPRISES,
    HEADER_MAPS,
    LINES,
    SHEET_NAMES,
    Column,
    detect_kind,
    known_header_count,
    normalise_header,
)
from phaseout.registry.ledger.report import ImportReport

logger = logging.getLogger(__name__)

CHUNK = 1 << 20
# A title row or two (“XX县落后产能企业台账”) may stand above the header.
HEADER_SCAN_ROWS = 5
ZIP_MAGIC = b"PK\x03\x04"
# Old binary .xls, and password-protected .xlsx, are OLE compound files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An XLSX is compressed XML; refuse one that would inflate beyond this ratio (a zip bomb).
MAX_INFLATION = 30


@dataclass
class Source:
    """A ledger file: a path (the CLI) or an open binary file (an upload)."""

    name: str
    size: int
    path: Path | None = None
    fileobj: IO[bytes] | None = None

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        if self.path is not None:
            with self.path.open("rb") as fh:
                yield fh
        else:
            self.fileobj.seek(0)
            yield self.fileobj

    @property
    def extension(self) -> str:
        return Path(self.name).suffix.lower()

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def as_source(item: Any) -> Source:
    """A path, a Django UploadedFile, a ``(name, binary file)`` pair, or a Source."""
    if isinstance(item, Source):
        return item
    if isinstance(item, (str, os.PathLike)):
        path = Path(item)
        return Source(name=path.name, size=path.stat().st_size, path=path)
    if isinstance(item, tuple):
        name, fileobj = item
    else:
        name, fileobj = getattr(item, "name", None) or "upload", item
    # An UploadedFile proxies its real file; io.TextIOWrapper wants the real one.
    raw = getattr(fileobj, "file", None) or fileobj
    size = getattr(fileobj, "size", None)
    if size is None:
        raw.seek(0, io.SEEK_END)
        size = raw.tell()
    return Source(name=Path(name).name, size=size, fileobj=raw)


@dataclass
class Table:
    """One table of a ledger file: a sheet of a workbook, or a CSV file."""

    label: str  # the `file` of its errors: the file name, and the sheet for a workbook
    kind: str  # ENTERPRISES or LINES
    header_row: int
    columns: dict[str, int] = field(default_factory=dict)  # column key → cell index
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    missing: list[Column] = field(default_factory=list)
    rows: Iterator[tuple[int, tuple]] = iter(())  # (spreadsheet row number, cells)

    def header(self, key: str) -> str:
        """The header of a column as the office wrote it (for error messages)."""
        if key in self.headers:
            return self.headers[key]
        return next(c.header for c in COLUMNS[self.kind] if c.key == key)


def iter_tables(source: Source, report: ImportReport) -> Iterator[Table]:
    """The tables of one file. Consume each table's rows before asking for the next table."""
    return iter_file(source, report, xlsx=_xlsx_tables, csv=_csv_tables)


def iter_file(source: Source, report, *, xlsx, csv) -> Iterator:
    """Check one uploaded file (size, and whether its content is what its extension says) and
    hand it to the XLSX or CSV reader; every refusal is reported against the file.

    ``xlsx`` and ``csv`` are ``(source, fh, report) -> Iterator``: the ledger's table readers,
    or another import's (screening's measurements) on the same checks."""
    limit = settings.LEDGER_MAX_BYTES
    if source.size > limit:
        # Checked before a single byte is read (settings.LEDGER_MAX_BYTES).
        report.error(
            source.name,
            None,
            None,
            _("文件大小为%(size)s，超过上限%(limit)s，请分成几个文件导入。")
            % {"size": filesizeformat(source.size), "limit": filesizeformat(limit)},
        )
        return
    if source.size == 0:
        report.error(source.name, None, None, _("文件为空。"))
        return
    with source.open() as fh:
        magic = fh.read(8)
        fh.seek(0)
        ext = source.extension
        if magic.startswith(OLE_MAGIC):
            report.error(
                source.name,
                None,
                None,
                _(
                    "这是旧版Excel（.xls）文件或加了密码的工作簿：请在Excel中取消密码，"
                    "另存为“Excel工作簿（*.xlsx）”后再导入。"
                ),
            )
        elif ext == ".xlsx":
            if magic.startswith(ZIP_MAGIC):
                yield from xlsx(source, fh, report)
            else:
                report.error(
                    source.name,
                    None,
                    None,
                    _("该文件不是有效的XLSX工作簿（内容不是Excel 2007及以上的格式）。"),
                )
        elif ext == ".csv":
            if magic.startswith(ZIP_MAGIC):
                report.error(
                    source.name,
                    None,
                    None,
                    _("扩展名是.csv，但内容是Excel工作簿：请另存为CSV，或把扩展名改为.xlsx。"),
                )
            else:
                yield from csv(source, fh, report)
        else:
            report.error(
                source.name,
                None,
                None,
                _("不支持的文件类型“%(ext)s”：请使用.xlsx工作簿或.csv文件。")
                % {"ext": ext or _("无扩展名")},
            )


# — XLSX —


def open_workbook(source: Source, fh: IO[bytes], report):
    """The calamine workbook of an upload, or None with the error reported: a damaged file, or
    one that inflates beyond MAX_INFLATION times its size (a zip bomb), is refused."""
    from python_calamine import CalamineWorkbook

    broken = _("无法读取该XLSX文件：文件已损坏，或不是Excel工作簿。")
    try:
        with zipfile.ZipFile(fh) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        fh.seek(0)
        if inflated > MAX_INFLATION * max(source.size, CHUNK):
            report.error(source.name, None, None, broken)
            return None
        return CalamineWorkbook.from_filelike(fh)
    except Exception:  # a damaged upload can fail anywhere inside zipfile or the XML parser
        logger.info("unreadable workbook %s", source.name, exc_info=True)
        report.error(source.name, None, None, broken)
        return None


def _xlsx_tables(source: Source, fh: IO[bytes], report: ImportReport) -> Iterator[Table]:
    """The sheets of a workbook, read with python-calamine.

    openpyxl (which writes our exports) needed ~50 s to read a 350,000-row workbook in its
    read-only mode; calamine reads the same file in ~4 s (docs/performance.md). It returns
    formulas' cached values, "" for an empty cell and floats for every number.
    """
    workbook = open_workbook(source, fh, report)
    if workbook is None:
        return
    found = False
    for title in workbook.sheet_names:
        label = f"{source.name}［{title}］"
        try:
            sheet = workbook.get_sheet_by_name(title)
        except Exception:  # a chart sheet, or a damaged one
            logger.info("ledger sheet %s unreadable", label, exc_info=True)
            continue
        rows = _guarded(_calamine_rows(sheet), label, report)
        named = {v: k for k, v in SHEET_NAMES.items()}.get(title.strip())
        table = _table(label, rows, report, kind=named, quiet=True)
        if table is None:
            continue
        found = True
        yield table
    if not found:
        report.error(
            source.name,
            None,
            None,
            _("工作簿中没有可导入的表：应有“企业”或“生产线”工作表，或表头能识别的工作表。"),
        )


def _cell(value: Any) -> Any:
    """A calamine cell as openpyxl gave it: None when empty, integers as int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _calamine_rows(sheet) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, cells from column A) — the numbers an office sees in Excel.

    calamine yields rows from row 1 but cells only from the used range's first column
    (`sheet.start`); the cells before it are put back, so columns line up with the header.
    A test (a sheet starting at B3) holds this to the pinned calamine version.
    """
    if sheet.start is None:
        return
    pad = (None,) * sheet.start[1]
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, pad + tuple(_cell(c) for c in cells)


def _guarded(rows: Iterator, label: str, report: ImportReport) -> Iterator:
    """Rows of a sheet; a file damaged half-way becomes an error instead of an exception."""
    try:
        yield from rows
    except Exception:
        logger.info("ledger sheet %s broke while reading", label, exc_info=True)
        report.error(label, None, None, _("读取中断：文件已损坏，请重新保存后再导入。"))


# — CSV —


def detect_encoding(fh: IO[bytes]) -> str | None:
    """UTF-8 (with or without BOM) if the whole file decodes strictly, else GB18030, else None.

    Offices still save CSV from Excel in GBK (“ANSI” on a Chinese Windows); GB18030 is its
    superset. Decoding is checked over the whole file in chunks, never held in memory at once.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        fh.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            while chunk := fh.read(CHUNK):
                if b"\x00" in chunk:
                    return None  # text files have no NUL bytes: this is binary
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        fh.seek(0)
        return encoding
    return None


def _csv_tables(source: Source, fh: IO[bytes], report: ImportReport) -> Iterator[Table]:
    encoding = detect_encoding(fh)
    if encoding is None:
        report.error(
            source.name,
            None,
            None,
            _("无法读取该CSV文件：它不是UTF-8或GBK（GB18030）编码的文本文件。"),
        )
        return
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    try:
        first = text.readline()
        # Excel's “Unicode text” export is tab-separated; everything else here uses commas.
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        rows = _guarded_csv(enumerate(reader, start=1), source.name, report)
        table = _table(source.name, rows, report, kind=None, quiet=False)
        if table is not None:
            yield table
    finally:
        # Leave the caller's file open (an upload is closed by Django, a path by `Source`).
        text.detach()


def _guarded_csv(rows: Iterator, label: str, report: ImportReport) -> Iterator:
    number = 0
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            report.error(
                label,
                number + 1,
                None,
                _("CSV格式错误（单元格过长或引号不成对）：%(detail)s") % {"detail": exc},
            )
            return
        yield number, cells


# — tables —


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table(
    label: str, rows: Iterator, report: ImportReport, *, kind: str | None, quiet: bool
) -> Table | None:
    """Find the header row, tell which table this is, and map its columns.

    quiet: an unrecognisable table is a warning (an extra sheet of a workbook, such as 填表说明),
    not an error (a CSV file given for import).
    """
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    if all(_blank(cells) for _, cells in head):
        if kind is not None:
            report.warn(label, None, None, _("工作表为空，已忽略。"))
        elif not quiet:
            report.error(label, None, None, _("文件为空。"))
        return None
    header_at = next(
        (i for i, (_, cells) in enumerate(head) if known_header_count(cells) >= 2),
        next(i for i, (_, cells) in enumerate(head) if not _blank(cells)),
    )
    header_row, header_cells = head[header_at]
    headers = [normalise_header(c) for c in header_cells]
    detected = detect_kind(headers)
    if kind is None:
        if detected == "mixed":
            report.error(
                label,
                header_row,
                None,
                _("表头同时含有企业表和生产线表的列：请分成“企业”和“生产线”两张表。"),
            )
            return None
        if detected is None:
            message = _(
                "无法识别这张表：企业表应有“行政区划代码”“行业代码”“企业规模”等列，"
                "生产线表应有“生产线编号”“设备类型”“产能”等列。"
            )
            if quiet:
                report.warn(label, None, None, _("已忽略：") + message)
            else:
                report.error(label, header_row, None, message)
            return None
        kind = detected

    table = Table(label=label, kind=kind, header_row=header_row)
    mapping = HEADER_MAPS[kind]
    for index, (raw, name) in enumerate(zip(header_cells, headers, strict=True)):
        if not name:
            continue
        column = mapping.get(name)
        written = str(raw).strip()
        if column is None:
            report.warn(label, header_row, written, _("无法识别的列，已忽略。"))
        elif column.key in table.columns:
            report.error(
                label,
                header_row,
                written,
                _("与“%(other)s”列重复。") % {"other": table.headers[column.key]},
            )
        elif not column.informational:
            table.columns[column.key] = index
            table.headers[column.key] = written
    for column in COLUMNS[kind]:
        if column.required and column.key not in table.columns:
            table.missing.append(column)
            report.error(
                label,
                header_row,
                column.header,
                _("缺少必填列“%(column)s”。") % {"column": column.header},
            )
    rest = itertools.chain(head[header_at + 1 :], rows)
    table.rows = ((n, tuple(cells)) for n, cells in rest if not _blank(cells))
    return table


__all__ = ["ENTERPRISES", "LINES", "Source", "Table", "as_source", "iter_tables"]
