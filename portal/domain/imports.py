"""Files from the trading system, read and checked (SPEC §2, Step 10): the monthly figures of
each account, one row per account and month.

A file is CSV (UTF-8 with or without a BOM, or GBK as Chinese Excel writes it) or ``.xlsx``.
Its first row names the columns; the columns this import needs are found by their names
(:data:`FIGURE_HEADERS`), in any order, and any others are ignored. Amounts may carry
thousands separators (``1,234,567.89``). Rows are read one at a time (never the whole file).

Every row is checked and every fault reported, with its row number as a spreadsheet shows it
(the header is row 1), its column, the value and what is wrong, in Chinese: the caller refuses
the whole file if there is any.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

FIGURE_HEADERS = {
    "资金账号": "fund_account",
    "月份": "month",
    "月日均总资产": "avg_assets",
    "月末总资产": "end_assets",
    "月末股票市值": "end_stock_value",
    "成交金额": "traded_amount",
    "净佣金": "net_commission",
}
"""The figures file's columns (as the trading system names them) → the monthly figure's field."""

AMOUNTS = ("avg_assets", "end_assets", "end_stock_value", "traded_amount", "net_commission")
AMOUNT_LIMIT = Decimal("1e14")
"""Larger than any account's amount, and within every amount column's precision."""

CENT = Decimal("0.01")
ENCODINGS = ("utf-8-sig", "gb18030")
"""Tried in this order; GB18030 reads everything GBK (and GB2312) writes."""

_MONTH = re.compile(r"(\d{4})[-/年.](\d{1,2})(?:月|[-/.]\d{1,2}(?: 00:00:00)?)?")
_SEPARATORS = str.maketrans("", "", ", \u00a0\u3000，")


class FileError(ValueError):
    """The file as a whole cannot be read (unknown format, bad encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class Figure:
    """One checked row of the figures file."""

    row: int
    fund_account: str
    month: date
    values: dict[str, Decimal]


def rows(path: Path, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {header: text}) of each non-empty data row of the file at ``path``;
    ``name`` (the uploaded file's name) tells its format."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        yield from _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        yield from _csv_rows(path)
    else:
        raise FileError("只能导入 CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx）文件。")


def _encoding(path: Path) -> str:
    """The first of :data:`ENCODINGS` that decodes the whole file (read in chunks)."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as file:
                while chunk := file.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件。")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding=_encoding(path), newline="") as file:
        reader = csv.reader(file)
        header = [cell.strip() for cell in next(reader, [])]
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                yield number, dict(zip(header, (cell.strip() for cell in cells), strict=False))


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook  # only for .xlsx files

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl's own errors alike
        raise FileError("无法读取 Excel 文件，请确认文件为 .xlsx 格式且未损坏。") from error
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [_cell_text(cell) for cell in next(values, ())]
        for number, cells in enumerate(values, start=2):
            texts = [_cell_text(cell) for cell in cells]
            if any(texts):
                yield number, dict(zip(header, texts, strict=False))
    finally:
        book.close()


def _cell_text(value) -> str:
    """An Excel cell as the text a CSV would hold: whole numbers without '.0', a number as
    its shortest exact decimal, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def check_headers(found: dict[str, str], wanted: dict[str, str]) -> None:
    missing = [title for title in wanted if title not in found]
    if missing:
        raise FileError(f"缺少列：{'、'.join(missing)}（第1行须为列名）。")


def parse_month(text: str, latest: date) -> date:
    """The first day of the month ``YYYY-MM`` (also ``YYYY/MM``, ``YYYY年MM月``, or a date in
    that month), not after the month of ``latest``; ValueError in Chinese otherwise."""
    match = _MONTH.fullmatch(text)
    if not match:
        raise ValueError("月份应为 YYYY-MM 格式")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 1990:
        raise ValueError("月份无效")
    first = date(year, month, 1)
    if first > latest.replace(day=1):
        raise ValueError("月份晚于本月")
    return first


def parse_amount(text: str) -> Decimal:
    """A non-negative amount in yuan with at most two decimals (thousands separators allowed);
    ValueError in Chinese otherwise."""
    cleaned = text.translate(_SEPARATORS)
    if not cleaned:
        raise ValueError("不能为空")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("不是有效的金额") from None
    if not amount.is_finite():
        raise ValueError("不是有效的金额")
    if amount < 0:
        raise ValueError("不能为负数")
    if amount != amount.quantize(CENT):
        raise ValueError("金额最多两位小数")
    if amount >= AMOUNT_LIMIT:
        raise ValueError("金额超出范围")
    return amount.quantize(CENT)


def figures(path: Path, name: str, today: date, errors: list[RowError]) -> Iterator[Figure]:
    """The checked rows of a figures file; each fault is appended to ``errors`` (a row with a
    fault is not yielded). A second row for the same account and month is a fault."""
    seen: dict[tuple[str, date], int] = {}
    header_checked = False
    for number, row in rows(path, name):
        if not header_checked:
            check_headers(row, FIGURE_HEADERS)
            header_checked = True
        before = len(errors)
        account = row["资金账号"]
        if not account:
            errors.append(RowError(number, "资金账号", "", "不能为空"))
        elif not account.isdigit() or len(account) > 20:
            errors.append(RowError(number, "资金账号", account, "应为数字，至多20位"))
        try:
            month = parse_month(row["月份"], today)
        except ValueError as error:
            errors.append(RowError(number, "月份", row["月份"], str(error)))
            month = None
        values = {}
        for title, field in FIGURE_HEADERS.items():
            if field not in AMOUNTS:
                continue
            try:
                values[field] = parse_amount(row[title])
            except ValueError as error:
                errors.append(RowError(number, title, row[title], str(error)))
        if len(errors) > before:
            continue
        key = (account, month)
        if key in seen:
            errors.append(
                RowError(number, "资金账号", account, f"与第{seen[key]}行重复（同一账号同一月份）")
            )
            continue
        seen[key] = number
        yield Figure(number, account, month, values)
    if not header_checked:
        raise FileError("文件没有数据行。")
