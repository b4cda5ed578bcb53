"""Files of many rows handed out as downloads: CSV that Excel opens as it should (UTF-8 with a
BOM, CRLF), every cell that a spreadsheet would read as a formula kept as text, written into a
spooled temporary file as the rows come (in memory while small, then on disk)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from portal.services.archive import FORMULA_STARTS

SPOOL_IN_MEMORY = 8 * 1024 * 1024
"""A file bigger than this is written to disk while it is made."""


def spool() -> tempfile.SpooledTemporaryFile:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)


def csv_cell(value) -> str:
    """A CSV cell: text that a spreadsheet would read as a formula gets a leading apostrophe
    (the OWASP advice for CSV injection); dates as YYYY-MM-DD."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def csv_file(header: Sequence[str], rows: Iterable[Sequence]) -> tempfile.SpooledTemporaryFile:
    """The CSV file of ``header`` and ``rows``, rewound."""
    file = spool()
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    text.flush()
    text.detach()
    file.seek(0)
    return file


def xlsx_file(
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int] = (),
    caption: str = "",
) -> tempfile.SpooledTemporaryFile:
    """The .xlsx file of one sheet, written row by row (openpyxl's write-only mode), rewound:
    ``caption`` (if any) above the header, text cells typed as text (never a formula), amounts
    with two decimals, dates as dates; ``widths`` of the columns in characters."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if caption:
        sheet.append([caption])
    sheet.append(list(header))
    sheet.freeze_panes = "A3" if caption else "A2"
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # typed text, never a formula
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    file = spool()
    book.save(file)
    file.seek(0)
    return file
