"""Excel .xlsx laid out like the official tables → paragraphs and grids, sheet by sheet.

WPS writes a wrong <dimension> into its sheets, so the dimensions are reset and every row read.
A row with one text cell outside a table is a paragraph (titles, headings, narrative). The
project's own workbooks (exported reports, fill-in templates) are read cell by cell instead.
"""
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from reports.parsers.archive import open_package
from reports.parsers.blocks import Grid, Paragraph, ParseError, padded
from reports.parsers.document import heading_section
from reports.parsers.template import read_template, template_format

MAX_ROWS = 5000
MAX_COLUMNS = 64
LONG_TEXT = 25


def read_xlsx(data):
    """Blocks of any workbook laid out like the official tables, or the shape of one of ours."""
    data = open_package(data, "Excel 文件")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        version = template_format(workbook)
        if version:
            shape = read_template(workbook, version, _text)
            workbook.close()
            return shape
        blocks = []
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") == "visible":
                sheet.reset_dimensions()
                blocks.extend(_sheet_blocks(sheet))
        workbook.close()
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError) as exc:
        raise ParseError("无法读取该 Excel 文件，文件可能已损坏；请在 Excel 或 WPS 中另存为 .xlsx 再上传。") from exc
    return blocks


def _sheet_blocks(sheet):
    blocks, rows = [], []

    def close_grid():
        if rows:  # a row's trailing blank cells are read without their value: put back
            blocks.append(Grid(padded(list(rows), MAX_COLUMNS)))
            rows.clear()

    for values in sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True):
        cells = [_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        filled = [cell for cell in cells if cell]
        if not filled:
            close_grid()
        elif len(filled) == 1 and (not rows or len(filled[0]) > LONG_TEXT or heading_section(filled[0])):
            close_grid()
            blocks.append(Paragraph(filled[0]))
        else:
            rows.append(cells)
    close_grid()
    return blocks


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y年%m月%d日")
    return str(value).strip()
