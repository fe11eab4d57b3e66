"""Cells and sheet setup shared by every workbook the product writes (openpyxl write-only mode)."""
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
