"""Ledger files for tests, written into tmp_path with openpyxl and csv (no binary fixtures)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import make_credit_code

ENTERPRISE_HEADER = [
    "统一社会信用代码*",
    "企业名称*",
    "行政区划代码*",
    "行业代码*",
    "企业规模*",
    "合法手续",
    "地址",
    "法定代表人",
    "从业人数",
    "企业状态",
    "备注",
]
LINE_HEADER = [
    "统一社会信用代码*",
    "生产线编号*",
    "生产线名称",
    "设备类型*",
    "产能*",
    "产能单位*",
    "投产年份",
    "状态",
    "备注",
]


def enterprise_row(code: str, name: str, region: str = "990102", **cells) -> list:
    row = dict(
        zip(
            ENTERPRISE_HEADER,
            [code, name, region, "3011", "规上", "手续完备", "城东路1号", "张三", 120, "在产", ""],
            strict=True,
        )
    )
    row.update({_header(ENTERPRISE_HEADER, k): v for k, v in cells.items()})
    return list(row.values())


def line_row(code: str, line_code: str = "L1", **cells) -> list:
    row = dict(
        zip(
            LINE_HEADER,
            [code, line_code, "1号熟料线", "水泥熟料回转窑", 1200, "吨/日", 2005, "运行", ""],
            strict=True,
        )
    )
    row.update({_header(LINE_HEADER, k): v for k, v in cells.items()})
    return list(row.values())


def _header(header: list[str], name: str) -> str:
    return next(h for h in header if h.rstrip("*") == name)


class Ledger:
    """A small good ledger of `n` enterprises in a region, two lines each; edit, then write."""

    def __init__(self, n: int = 3, region: str = "990102"):
        self.codes = [make_credit_code(region) for _ in range(n)]
        self.enterprise_header = list(ENTERPRISE_HEADER)
        self.line_header = list(LINE_HEADER)
        self.enterprises = [
            enterprise_row(code, f"测试水泥{i}有限公司", region)
            for i, code in enumerate(self.codes)
        ]
        self.lines = [line_row(code, f"L{k}") for code in self.codes for k in (1, 2)]

    def set(self, table: str, index: int, column: str, value) -> None:
        """Change one cell; index 0 is the first data row (spreadsheet row 2)."""
        header = self.enterprise_header if table == "enterprises" else self.line_header
        rows = self.enterprises if table == "enterprises" else self.lines
        rows[index][header.index(_header(header, column))] = value

    def xlsx(self, path: Path, *, title_row: str | None = None) -> Path:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, header, rows in (
            ("企业", self.enterprise_header, self.enterprises),
            ("生产线", self.line_header, self.lines),
        ):
            sheet = workbook.create_sheet(name)
            if title_row:
                sheet.append([title_row])
            sheet.append(header)
            for row in rows:
                sheet.append(row)
        workbook.save(path)
        return path

    def csv(self, directory: Path, *, encoding: str = "utf-8") -> tuple[Path, Path]:
        enterprises = write_csv(
            directory / "企业.csv", self.enterprise_header, self.enterprises, encoding
        )
        lines = write_csv(directory / "生产线.csv", self.line_header, self.lines, encoding)
        return enterprises, lines


def write_csv(path: Path, header: list, rows: list, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path
