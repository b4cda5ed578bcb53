"""Files from the trading system, read and checked (SPEC §2, §8, Step 10): the monthly
figures of each account, one row per account and month, and the clients' master data, one row
per client.

A file is CSV (UTF-8 with or without a BOM, or GBK as Chinese Excel writes it) or ``.xlsx``.
Its first row names the columns; the columns this import needs are found by their names
(:data:`FIGURE_HEADERS`, :data:`CLIENT_HEADERS`), in any order, and any others are ignored.
Amounts may carry thousands separators (``1,234,567.89``). Rows are read one at a time (never
the whole file).

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

from portal.domain import idcard, identity

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

CLIENT_HEADERS = {
    "资金账号": "fund_account",
    "客户编号": "client_no",
    "姓名": "name",
    "客户类型": "client_type",
    "证件类型": "id_type",
    "证件号码": "id_number",
    "开户日期": "opened_on",
    "营业部": "branch",
    "客户经理工号": "manager",
    "手机号码": "mobile",
}
"""The client master-data file's columns → the client's field (营业部 by its name, 客户经理工号
is the manager's login name)."""

CLIENT_OPTIONAL_HEADERS = {
    "性别": "gender",
    "出生日期": "birthday",
    "经办人姓名": "agent_name",
    "经办人证件类型": "agent_id_type",
    "经办人证件号码": "agent_id_number",
    "经办人手机号码": "agent_phone",
}
"""Read when present: 性别 (and 出生日期) of a person whose ID is not a resident ID (a resident
ID carries both, and they must agree with it); the 经办人 of an institution."""

CLIENT_TYPES = {label: code for code, label in identity.CLIENT_TYPES.items()}
"""客户类型 as the file writes it (个人, 机构) → the client's type."""

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
            texts = [cell.strip() for cell in cells]
            if any(texts):
                yield number, _by_header(header, texts)


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
                yield number, _by_header(header, texts)
    finally:
        book.close()


def _by_header(header: list[str], texts: list[str]) -> dict[str, str]:
    """A row's cells by their column's name; a row shorter than the header has empty cells."""
    return {title: texts[i] if i < len(texts) else "" for i, title in enumerate(header)}


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


def _checked_rows(
    path: Path, name: str, headers: dict[str, str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """:func:`rows`, once the header is found to name every column of ``headers``."""
    header_checked = False
    for number, row in rows(path, name):
        if not header_checked:
            check_headers(row, headers)
            header_checked = True
        yield number, row
    if not header_checked:
        raise FileError("文件没有数据行。")


def _account(number: int, row: dict[str, str], errors: list[RowError]) -> str:
    account = row["资金账号"]
    if not account:
        errors.append(RowError(number, "资金账号", "", "不能为空"))
    elif not account.isdigit() or len(account) > 20:
        errors.append(RowError(number, "资金账号", account, "应为数字，至多20位"))
    return account


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
    for number, row in _checked_rows(path, name, FIGURE_HEADERS):
        before = len(errors)
        account = _account(number, row, errors)
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


_DATE = re.compile(
    r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?(?: 00:00:00)?|(\d{4})(\d{2})(\d{2})"
)
_CLIENT_NO = re.compile(r"[0-9A-Za-z]{1,20}")
_OTHER_ID = re.compile(r"[0-9A-Z()（）-]{4,30}")
ID_TYPE_CODES = {label: code for code, label in identity.ALL_ID_TYPES.items()} | {
    code: code for code in identity.ALL_ID_TYPES
}
"""证件类型 as a file may write it (the label, or the portal's own code) → the code."""


@dataclass(frozen=True)
class ClientRow:
    """One checked row of the client master-data file: the client's own fields (normalised:
    for a resident ID, birthday and gender as the number says), and the names of its branch
    and manager, which the caller resolves."""

    row: int
    values: dict
    branch: str
    manager: str


def parse_date(text: str, latest: date) -> date:
    """A date as ``YYYY-MM-DD`` (also ``YYYY/MM/DD``, ``YYYY年M月D日``, ``YYYYMMDD``), not after
    ``latest``; ValueError in Chinese otherwise."""
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError("日期应为 YYYY-MM-DD 格式")
    year, month, day = (
        int(part) for part in (match.groups()[:3] if match[1] else match.groups()[3:])
    )
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError("日期无效") from None
    if result.year < 1900:
        raise ValueError("日期无效")
    if result > latest:
        raise ValueError("日期晚于今天")
    return result


def clients(path: Path, name: str, today: date, errors: list[RowError]) -> Iterator[ClientRow]:
    """The checked rows of a client master-data file; each fault is appended to ``errors``. A
    row with a fault is yielded too, so that the caller's own checks of it (against the
    portal's data) are reported with the rest. A second row for the same 客户编号 or 资金账号
    is a fault."""
    first_row: dict[str, dict[str, int]] = {"客户编号": {}, "资金账号": {}}
    for number, row in _checked_rows(path, name, CLIENT_HEADERS):
        faults: list[tuple[str, str]] = []
        values = {"fund_account": _account(number, row, errors)}
        values["client_no"] = row["客户编号"]
        if not _CLIENT_NO.fullmatch(values["client_no"]):
            faults.append(
                ("客户编号", "不能为空" if not row["客户编号"] else "应为字母或数字，至多20位")
            )
        values["name"] = row["姓名"]
        if not values["name"]:
            faults.append(("姓名", "不能为空"))
        elif len(values["name"]) > 40:
            faults.append(("姓名", "至多40个字"))
        values["client_type"] = CLIENT_TYPES.get(row["客户类型"] or "个人")
        if values["client_type"] is None:
            faults.append(("客户类型", f"应为{'或'.join(f'“{t}”' for t in CLIENT_TYPES)}"))
        else:
            values |= _identity(row, today, faults)
        try:
            values["opened_on"] = parse_date(row["开户日期"], today)
        except ValueError as error:
            faults.append(("开户日期", str(error)))
        values["mobile"] = row["手机号码"]
        if values["mobile"] and not idcard.is_mobile(values["mobile"]):
            faults.append(("手机号码", "应为以1开头的11位数字"))
        for column in ("营业部", "客户经理工号"):
            if not row[column]:
                faults.append((column, "不能为空"))
        for column, seen in first_row.items():
            if row[column] and row[column] in seen:
                faults.append((column, f"与第{seen[row[column]]}行重复（同一{column}）"))
            elif row[column]:
                seen[row[column]] = number
        errors.extend(
            RowError(number, column, row.get(column, ""), message) for column, message in faults
        )
        yield ClientRow(number, values, row["营业部"], row["客户经理工号"])


COLUMNS = {field: title for title, field in (CLIENT_HEADERS | CLIENT_OPTIONAL_HEADERS).items()}
"""A client's field → the column it is read from."""


def _identity(row: dict[str, str], today: date, faults: list[tuple[str, str]]) -> dict:
    """The identity columns of a person or an institution, checked together
    (:func:`portal.domain.identity.check`); a document type is read by its label or code."""
    values = {"client_type": CLIENT_TYPES[row["客户类型"] or "个人"]}
    for field in ("id_type", "agent_id_type"):
        text = row.get(COLUMNS[field], "")
        values[field] = ID_TYPE_CODES.get(text, text)
        if text and text not in ID_TYPE_CODES:
            faults.append((COLUMNS[field], "未知的证件类型"))
            return values
    values |= {
        field: row.get(COLUMNS[field], "")
        for field in ("id_number", "gender", "agent_name", "agent_id_number", "agent_phone")
    }
    birthday = row.get("出生日期", "")
    try:
        values["birthday"] = parse_date(birthday, today) if birthday else None
    except ValueError as error:
        faults.append(("出生日期", str(error)))
        return values
    if values["gender"] not in ("", "男", "女"):
        faults.append(("性别", "应为“男”或“女”"))
        return values
    checked = identity.check(values, today)
    person = values["client_type"] == "individual"
    if person and values["id_type"] not in ("", "resident") and not values["gender"]:
        checked.errors["gender"] = "非居民身份证的客户须填写性别"
    faults.extend((COLUMNS[field], message) for field, message in checked.errors.items())
    return checked.values
