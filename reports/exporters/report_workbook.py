"""One report as an .xlsx laid out as on paper, and the fill-in template agencies type into.

Both are the same sheet: title, agency and year, the six sections, and tables 二/三/四 with the
official merged headers. The fill-in template locks every label, leaves only the data cells open,
and validates them (non-negative whole numbers; 万元 decimals). Each workbook carries a hidden
sheet naming its format version, from which parsers.template finds every cell again: positions
are computed from the format version by this module, never read from the file.
"""
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reports import vocabulary as v
from reports.layout import official_tables
from reports.parsers.grid import NUMBER
from reports.rules.shape import ReportShape

from .cells import AMOUNT, BOX, CENTRED, COUNT, put_text
from .document import IMPROVEMENTS_HEADING, PROBLEMS_HEADING, placed

SHEET = "年度报告"
MARKER_SHEET = "govinfo"
MARKER = "govinfo-report"  # A1 of the hidden sheet; B1 holds the format version
WIDTH = 15  # table 四's fifteen columns set the sheet's width
# How many sheet columns each grid column of a table takes, so every table spans the page.
SPANS = {
    "active": (6, 3, 3, 3),
    "active_2019": (6, 3, 3, 3),
    "applications": (2, 2, 4, 1, 1, 1, 1, 1, 1, 1),
    "review_litigation": (1,) * WIDTH,
}
NARRATIVE_HEIGHT = 160  # points: room for a few paragraphs
ITEMS_HEIGHT = 110
TEXT_KEYS = ("agency", *v.NARRATIVE)  # the cells that hold text rather than a figure
YEAR_KEY = "year"
INPUT = PatternFill("solid", fgColor="FFF9E0")
TITLE = Font(bold=True, size=16)
HEADING = Font(bold=True, size=12)
LABEL = Font(bold=True, size=9)
WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass
class Placed:
    """A cell of the sheet: its merged range (1-based), what it shows, and the key it holds."""

    row: int
    column: int
    last_row: int
    last_column: int
    text: str = ""
    key: str = ""  # a cell key, "agency", "year" or a narrative key; "" for a label
    style: str = "label"  # title, heading, label, input
    decimal: bool = False
    signed: bool = False

    @property
    def coordinate(self):
        return f"{get_column_letter(self.column)}{self.row}"


def _full_row(row, **fields):
    return Placed(row, 1, row, WIDTH, **fields)


def _table(top, table, spec):
    """The cells of one official table placed from sheet row `top`, and the row below it."""
    cells, _ = placed(table.rows)
    starts = [1]
    for span in SPANS[table.key]:
        starts.append(starts[-1] + span)
    out = []
    for r, c, cell in cells:
        first, last = starts[c], starts[c + cell.colspan] - 1
        item = Placed(top + r, first, top + r + cell.rowspan - 1, last, text=cell.text)
        if cell.key:
            row, column = _cell_of(spec, cell.key)
            item.key, item.style = cell.key, "input"
            item.decimal = row.is_decimal(column)
            item.signed = bool(column and column.signed)
        out.append(item)
    return out, top + len(table.rows)


def _cell_of(spec, key):
    _, row_key, *column = key.split("__")
    return spec.row_by_key[row_key], column and spec.column_by_key[column[0]]


def placements(shape):
    """Every cell of the sheet for `shape`; where each key sits depends on the format version only."""
    tables = {t.section: t for t in official_tables(shape)}
    specs = {t.key: t for t in v.tables_for(shape.format_version)}
    title = f"{shape.agency or '（机关名称）'}{shape.year or '    '}年政府信息公开工作年度报告"
    out = [_full_row(1, text=title, style="title")]
    out += [Placed(2, 1, 2, 3, text="机关名称"), Placed(2, 4, 2, WIDTH, text=shape.agency or "", key="agency", style="input")]
    out += [Placed(3, 1, 3, 3, text="报告年度"), Placed(3, 4, 3, 6, text=str(shape.year or ""), key=YEAR_KEY, style="input")]
    row = 5
    for section in v.SECTIONS:
        out.append(_full_row(row, text=v.heading(section.key), style="heading"))
        row += 1
        if section.key in tables:
            table = tables[section.key]
            cells, row = _table(row, table, specs[table.key])
            out += [_blank_shown(shape, item) for item in cells]
        elif section.key == "problems":
            for label, key in ((PROBLEMS_HEADING, "problems"), (IMPROVEMENTS_HEADING, "improvements")):
                out.append(_full_row(row, text=label))
                out.append(_full_row(row + 1, text="\n".join(shape.sections[key]), key=key, style="input"))
                row += 2
        else:
            out.append(_full_row(row, text=shape.sections[section.key], key=section.key, style="input"))
            row += 1
        row += 1  # a blank row between sections
    return out


def _blank_shown(shape, item):
    """A blank value cell as the template must give it back: "—" when the report leaves it blank,
    the text that was not a number (E6), empty when nobody has filled it in yet."""
    if item.key and not item.text:
        cell = v.CELL_BY_KEY[item.key]
        if shape.left_blank(*cell):
            item.text = v.BLANK_MARK
        else:
            item.text = shape.facts["invalid_cells"].get(item.key, "")
    return item


def positions(format_version):
    """{key: Placed} of every value cell of a format version's sheet."""
    return {p.key: p for p in placements(ReportShape(format_version=format_version)) if p.key}


def write_report_workbook(shape, fill_in=False):
    """The .xlsx bytes of `shape` as on paper; `fill_in` makes it the protected fill-in template."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET
    for index in range(1, WIDTH + 1):
        ws.column_dimensions[get_column_letter(index)].width = 7.2
    validations = _validations(ws) if fill_in else {}
    for item in placements(shape):
        _write(ws, item, validations)
    for validation in validations.values():
        if validation.sqref:
            ws.add_data_validation(validation)
    _page_setup(ws)
    if fill_in:
        ws.protection.sheet = True  # labels stay as printed; only the input cells are open
        ws.protection.formatRows = False  # a clerk may still make a row taller to read a paragraph
    marker = workbook.create_sheet(MARKER_SHEET)
    marker.append([MARKER, shape.format_version])
    marker.sheet_state = "veryHidden"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write(ws, item, validations):
    cell = ws.cell(row=item.row, column=item.column)
    if item.last_row > item.row or item.last_column > item.column:
        ws.merge_cells(start_row=item.row, start_column=item.column, end_row=item.last_row, end_column=item.last_column)
    if item.style == "title":  # it begins with the agency's name, which may begin with "="
        put_text(cell, item.text)
        cell.font, cell.alignment = TITLE, CENTRED
        ws.row_dimensions[item.row].height = 30
    elif item.style == "heading":
        put_text(cell, item.text)
        cell.font = HEADING
    elif item.key in TEXT_KEYS:
        put_text(cell, item.text)
        cell.alignment = WRAP
        if item.key != "agency":
            ws.row_dimensions[item.row].height = ITEMS_HEIGHT if item.key in ("problems", "improvements") else NARRATIVE_HEIGHT
    else:
        if not item.key:
            put_text(cell, item.text)
            cell.font = LABEL
        elif NUMBER.match(item.text):  # a figure: the layout's text of an int or a Decimal
            cell.value = Decimal(item.text) if item.decimal else int(item.text)
        elif item.text:  # "—", or text that was not a number
            put_text(cell, item.text)
        if item.key:
            cell.number_format = "0" if item.key == YEAR_KEY else AMOUNT if item.decimal else COUNT
        cell.alignment = CENTRED
        for r in range(item.row, item.last_row + 1):  # a merged range shows the borders of all its cells
            for c in range(item.column, item.last_column + 1):
                ws.cell(row=r, column=c).border = BOX
    if item.key and validations:
        cell.protection = Protection(locked=False)
        cell.fill = INPUT
        if item.key not in TEXT_KEYS:
            validations[_check(item)].add(cell.coordinate)


def _check(item):
    if item.key == YEAR_KEY:
        return "year"
    return "decimal" if item.decimal else "signed" if item.signed else "count"


def _validations(ws):
    """Excel's own input checks on the data cells, with the message a clerk sees."""

    def rule(kind, low, high, prompt):
        check = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True)
        check.error, check.errorTitle = prompt, "输入有误"
        check.prompt, check.showInputMessage, check.showErrorMessage = prompt, True, True
        return check

    return {
        "count": rule("whole", 0, v.MAX_COUNT, "请填写不小于0的整数（件）；没有发生的填0。"),
        "signed": rule("whole", -v.MAX_COUNT, v.MAX_COUNT, "请填写整数（可为负数，表示减少）。"),
        "decimal": rule("decimal", 0, 10 ** (v.FEE_DIGITS - v.FEE_PLACES) - 1, "请填写金额，单位万元，可保留4位小数。"),
        "year": rule("whole", 2008, 2100, "请填写报告所属年度，如2024。"),
    }


def _page_setup(ws):
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
