"""Cells and sheet setup shared by every workbook the product writes (openpyxl write-only mode),
and the one rule that keeps text from running as a formula in any spreadsheet or CSV it writes.

In an .xlsx a cell stored as a string never runs and keeps its value exactly; openpyxl stores any
str beginning with "=" as a formula unless told otherwise, so text goes through text()/put_text().
A CSV has no cell types: a spreadsheet runs a field beginning with = + - @ or a tab or carriage
return, so csv_field() puts an apostrophe before such text (not before a number such as -3) and
csv_value() takes it off again, so that the product reads back the values it wrote.
"""
import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

BOLD = Font(bold=True)
COUNT = "#,##0"
AMOUNT = "#,##0.0000"  # 万元 to four decimals (1 元)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def printable(value):
    """Text without the control characters an .xlsx or .docx cannot hold (one pasted backspace
    would make the writer fail; what is stored keeps it)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def text(ws, value, bold=False):
    """A text cell that is never a formula: an agency named "=HYPERLINK(…)" stays text."""
    cell = WriteOnlyCell(ws, value="" if value is None else printable(str(value)))
    cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


def put_text(cell, value):
    """Set a cell of an ordinary (not write-only) sheet to text that is never a formula."""
    cell.value = "" if value is None else printable(str(value))
    cell.data_type = "s"


def safe(ws, value):
    """`value` as written: plain, unless it is text Excel would read as a formula or cannot hold."""
    if isinstance(value, str) and (value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value)):
        return text(ws, value)
    return value


def number(ws, value, number_format, bold=False):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    if bold:
        cell.font = BOLD
    return cell


def header(ws, value):
    """A bordered, bold, centred header label (merged header blocks keep their borders)."""
    cell = text(ws, value, bold=True)
    cell.alignment, cell.border = CENTRED, BOX
    return cell


def prepare(ws, widths, header_rows=1, frozen_columns=1, landscape=True):
    """Column widths, frozen header rows, A4 paper, header rows repeated on every printed page.

    Write-only sheets write their view settings first, so this runs before any row is appended.
    """
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{header_rows + 1}"
    ws.print_title_rows = f"1:{header_rows}"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4


class Totals:
    """The column sums of the rows a sheet writes (a blank cell counts as 0), added up a chunk of
    rows at a time, column by column: summing cell by cell cost as much as reading the rows."""

    CHUNK = 500

    def __init__(self, width):
        self.sums, self.pending = [0] * width, []

    def add(self, values):
        self.pending.append(values)
        if len(self.pending) == self.CHUNK:
            self._fold()

    def _fold(self):
        if self.pending:
            self.sums = [total + sum(filter(None, column)) for total, column in zip(self.sums, zip(*self.pending))]
            self.pending = []

    def values(self):
        self._fold()
        return self.sums


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _runs(text):
    """Would a spreadsheet opening the CSV run this field? Apostrophes already in front are the
    text's own and are looked through, so that csv_value() can tell them from the one it adds."""
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(bare)


def csv_field(value):
    """`value` as a CSV field: text a spreadsheet would run gets a leading apostrophe."""
    if isinstance(value, str) and _runs(value):
        return "'" + value
    return value


def csv_value(field):
    """The value a CSV field stands for: csv_field() undone (any other field as it is)."""
    if isinstance(field, str) and field.startswith("'") and _runs(field[1:]):
        return field[1:]
    return field
