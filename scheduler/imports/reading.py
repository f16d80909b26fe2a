"""Read a CSV or XLSX file into rows of text cells, numbered as the spreadsheet shows them."""

from __future__ import annotations

import codecs
import csv
import io
import os
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from scheduler.imports.columns import looks_like_header
from scheduler.imports.report import FILE_LEVEL, ImportRejected, RowError
from scheduler.imports.values import clean

Source = bytes | str | os.PathLike[str]
HEADER_SEARCH_ROWS = 10  # a header below this many title rows is not looked for

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx


@dataclass(frozen=True, slots=True)
class Table:
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells); blank rows left out


def _reject(code: str, zh: str, en: str) -> ImportRejected:
    return ImportRejected([RowError(FILE_LEVEL, "", code, zh, en)])


def read_table(*, source: Source, filename: str) -> Table:
    """The rows of the file's first sheet, from its header row on; a clear file-level error otherwise."""
    data = _read_bytes(source)
    suffix = Path(filename).suffix.casefold()
    if data.startswith(_OLE):
        raise _reject(
            "old_excel", "这是旧版 .xls 或加密的 Excel 文件：请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）",
            "this is an old .xls or a password-protected Excel file: save it as .xlsx or CSV (UTF-8)",
        )
    if suffix in (".xlsx", ".xlsm") and not data.startswith(_ZIP):
        raise _reject(
            "not_xlsx", f"{Path(filename).name} 不是有效的 XLSX 文件：请在 Excel 中另存为 .xlsx",
            f"{Path(filename).name} is not a valid XLSX file: save it from Excel as .xlsx",
        )
    # Other names go by content: a workbook renamed .csv still reads as a workbook.
    raw_rows = _xlsx_rows(data, filename) if data.startswith(_ZIP) else _csv_rows(data)
    return _table(raw_rows)


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise _reject(
            "file_unreadable", f"无法读取文件：{exc.strerror or exc}",
            f"cannot read the file: {exc.strerror or exc}",
        ) from exc


def _table(raw_rows: list[list[str]]) -> Table:
    numbered = [(i, cells) for i, cells in enumerate(raw_rows, start=1) if any(cells)]
    if not numbered:
        raise _reject("empty_file", "文件是空的：第一行应为列名（姓名、手机号 …）",
                      "the file is empty: the first row must name the columns (name, phone, ...)")
    header_at = next(
        (k for k, (_, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]) if looks_like_header(cells)), 0
    )
    header_row, header = numbered[header_at]
    return Table(header_row, header, numbered[header_at + 1:])


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if text.lstrip().startswith("<"):
        raise _reject(
            "not_a_table", "这是网页或 XML 文件，不是表格：请在 Excel 中打开后另存为 .xlsx 或 CSV",
            "this is a web page or XML file, not a table: open it in Excel and save as .xlsx or CSV",
        )
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; its CSV is comma-separated.
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[clean(c) for c in row] for row in reader]
    except csv.Error as exc:
        raise _reject("bad_csv", f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from exc


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK: Excel in China)."""
    candidates: tuple[str, ...]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif b"\x00" in data:
        raise _reject("not_text", "这不是文本格式的 CSV 文件", "this is not a CSV text file")
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _reject(
        "bad_encoding", "无法识别文件编码：请另存为 CSV UTF-8 或 XLSX",
        "cannot tell the text encoding: save as CSV UTF-8 or XLSX",
    )


def _xlsx_rows(data: bytes, filename: str) -> list[list[str]]:
    # Imported lazily: openpyxl is only needed for workbooks.
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, conditional formats): harmless here.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            finally:
                workbook.close()
    except Exception as exc:  # openpyxl raises a zoo of types (KeyError, BadZipFile, XML errors...)
        raise _reject(
            "not_xlsx", f"{Path(filename).name} 不是有效的 XLSX 文件：请在 Excel 中另存为 .xlsx",
            f"{Path(filename).name} is not a valid XLSX file: save it from Excel as .xlsx",
        ) from exc


def _cell_text(value: object) -> str:
    """A workbook cell as the text a coordinator sees: 13812345678, not 13812345678.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return clean(str(value))
