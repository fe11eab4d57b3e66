"""The project's own report workbook (exported report or fill-in template) → ReportShape.

Its hidden sheet names the format version; every value is read from the cell the writer put it
in (exporters.report_workbook computes the positions), so the round trip is exact: numbers as
typed, a cell left empty is one nobody has filled in yet (E14) while "—" leaves it blank (W1),
text in a number cell is kept for E6 like any other document.
"""
from reports import vocabulary as v
from reports.exporters.report_workbook import MARKER, MARKER_SHEET, SHEET, YEAR_KEY, positions
from reports.parsers.blocks import norm
from reports.parsers.grid import parse_value
from reports.rules.shape import ReportShape
from reports.text import tidy

FORMATS = ("2021", "2019")


def template_format(workbook):
    """The format version a workbook of ours declares, or None for any other workbook."""
    if MARKER_SHEET not in workbook.sheetnames or SHEET not in workbook.sheetnames:
        return None
    marker = next(workbook[MARKER_SHEET].iter_rows(max_row=1, max_col=2, values_only=True), ())
    if len(marker) == 2 and marker[0] == MARKER and str(marker[1]) in FORMATS:
        return str(marker[1])
    return None


def read_template(workbook, format_version, text):
    """The shape the workbook holds; `text` turns a cell's value into its printed text."""
    places = positions(format_version)
    sheet = workbook[SHEET]
    sheet.reset_dimensions()
    last_row = max(p.row for p in places.values())
    values = {}
    for r, row in enumerate(sheet.iter_rows(max_row=last_row, max_col=max(p.column for p in places.values()), values_only=True), 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                values[(r, c)] = value
    cell = {key: text(values.get((p.row, p.column))) for key, p in places.items()}

    shape = ReportShape(agency=cell["agency"] or None, format_version=format_version)
    year, _ = parse_value(cell[YEAR_KEY])
    shape.year = year
    for key in ("overall", "other"):
        shape.sections[key] = tidy(cell[key])
    for key in ("problems", "improvements"):
        shape.sections[key] = [item for item in map(tidy, cell[key].split("\n")) if item]
    for table in v.tables_for(format_version):
        for row, column in table.cells():
            key = v.cell_key(table.key, row.key, column and column.key)
            value, invalid = parse_value(cell[key], row.is_decimal(column))
            shape.set_cell(table.key, row.key, column and column.key, value)
            if invalid is not None:
                shape.facts["invalid_cells"][key] = invalid
            elif not norm(cell[key]):  # an empty cell is not filled in yet; "—" leaves it blank
                shape.facts["unfilled"].append(key)
    return shape
