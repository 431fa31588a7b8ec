"""Excel exports of report pages (openpyxl): one workbook, one sheet per table, a bold header row,
columns wide enough for Chinese text, and the filename given to the browser in UTF-8."""
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COLUMN_WIDTH = 60
# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
SHEET_TITLE_MAX = 31
# A text beginning with one of these is a formula to a spreadsheet (or becomes one when the cell is
# edited): respondent names and complaint texts come from the public, so they are always text.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]


def _width(value) -> int:
    text = "" if value is None else str(value)
    # A CJK character takes about two Latin columns.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def sheet_title(title) -> str:
    """A sheet name Excel accepts: a level label such as "街道/乡镇" goes into titles."""
    return SHEET_TITLE_FORBIDDEN.sub("・", str(title))[:SHEET_TITLE_MAX] or "-"


def text_keep(cell) -> None:
    """Write a formula-like text as text: a string cell, marked so that Excel keeps it one when edited."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_LEADS):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        table = book.create_sheet(title=sheet_title(sheet.title))
        table.append([str(header) for header in sheet.headers])
        for cell in table[1]:
            cell.font = Font(bold=True)
        widths = [_width(header) for header in sheet.headers]
        for row in sheet.rows:
            table.append(list(row))
            for cell in table[table.max_row]:
                text_keep(cell)
            widths = [max(w, _width(v)) for w, v in zip(widths, row, strict=False)] + widths[len(row):]
        for index, width in enumerate(widths, start=1):
            table.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
        table.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def streamed_book(*, path, title: str, headers: Sequence[str], rows: Iterable[Sequence],
                  widths: Sequence[int] = ()) -> int:
    """Write one sheet to `path` as rows come (openpyxl write_only: memory does not grow with the
    rows), formula-like texts kept as text as in `workbook_bytes`. Returns the rows written."""
    book = Workbook(write_only=True)
    table = book.create_sheet(title=sheet_title(title))
    for index, width in enumerate(widths or [_width(header) for header in headers], start=1):
        table.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    table.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(table, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    table.append(header_cells)
    written = 0
    for row in rows:
        table.append([_streamed_cell(table, value) for value in row])
        written += 1
    book.save(path)
    return written


def _streamed_cell(table, value):
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        cell = WriteOnlyCell(table, value=value)
        text_keep(cell)
        return cell
    return value
