"""One sheet per statistics table: one row per report, one column per official cell.

A report's table is a grid, a sheet row is flat, so each column is headed by the path of labels
that leads to its cell on paper — block, row, then the official (two- or three-level) column
headers — merged where neighbouring columns share a label, as the official tables merge them.
"""
from dataclasses import dataclass
from itertools import chain, repeat

from openpyxl.worksheet.cell_range import CellRange

from reports import vocabulary as v
from reports.models import ApplicationRow, ReviewLitigationRow
from reports.models.sections import TABLE_TWO_MODELS, active_field

from .cells import AMOUNT, COUNT, Totals, header, number, prepare, safe, text

IDENTITY = ("机关", "行政区划", "报告年度")


@dataclass(frozen=True)
class Column:
    path: tuple  # header labels top to bottom; None continues the label above it
    row: str
    column: str | None
    decimal: bool


def _active_paths(table):
    for row in table.rows:
        for column in row.columns or (None,):
            below = column.label if column else v.ACTIVE_VALUE_HEADERS[row.key]
            yield (row.block, row.label, below), row, column


def _applicant_path(column):
    """Table 三's official column header: 法人或其他组织 groups five applicant types."""
    if column.key in v.LEGAL_PERSON_PARTS:
        return (v.LEGAL_PERSON_GROUP_LABEL, column.label)
    return (column.label, None)


def _application_paths(table):
    for row in table.rows:
        if not row.block:
            above = (row.label, None, None)
        elif row.block == v.OUTCOMES_BLOCK:
            above = (v.OUTCOMES_BLOCK, row.label, None)
        else:  # a numbered reason under （三）不予公开 and its siblings
            above = (v.OUTCOMES_BLOCK, row.block, row.label)
        for column in table.columns:
            yield above + _applicant_path(column), row, column


def _review_paths(table):
    first, *litigation = table.rows
    for column in table.columns:
        yield (first.label, column.label, None), first, column
    for row in litigation:
        for column in table.columns:
            yield (v.LITIGATION_LABEL, row.label, column.label), row, column


PATHS = {"active": _active_paths, "active_2019": _active_paths, "applications": _application_paths,
         "review_litigation": _review_paths}  # fmt: skip


def columns(table):
    return [
        Column(path, row.key, column and column.key, row.is_decimal(column))
        for path, row, column in PATHS[table.key](table)
    ]


# Tables 三 and 四: the model of their rows, and the field naming the row.
MATRICES = {v.APPLICATIONS.key: (ApplicationRow, "row"), v.REVIEW_LITIGATION.key: (ReviewLitigationRow, "group")}


def reader(table, sheet_columns):
    """A function from some reports' pks to {report pk: its stored cells in `sheet_columns`'
    order} (a report with nothing stored is left out), in one query: the sheet's row is read
    straight from the stored rows, with no report shape built in between."""
    if table.key in TABLE_TWO_MODELS:
        fields = [active_field(c.row, c.column) for c in sheet_columns]
        query = TABLE_TWO_MODELS[table.key].objects.values_list("report_id", *fields)
        return lambda pks: {pk: values for pk, *values in query.filter(report_id__in=pks)}
    model, row_field = MATRICES[table.key]
    keys = [c.key for c in table.columns]
    rows = list(dict.fromkeys(c.row for c in sheet_columns))
    # The sheet's columns go row by row through every column of the table, as it is printed.
    if [(c.row, c.column) for c in sheet_columns] != [(row, key) for row in rows for key in keys]:
        raise ValueError(f"{table.key}: the sheet's columns are not the table's rows in turn")
    query = model.objects.values_list("report_id", row_field, *keys)
    blank = (None,) * len(keys)

    def read(pks):
        stored = {}
        for pk, row, *values in query.filter(report_id__in=pks):
            stored.setdefault(pk, {})[row] = values
        return {pk: list(chain.from_iterable(map(by_row.get, rows, repeat(blank)))) for pk, by_row in stored.items()}

    return read


def header_blocks(paths):
    """(level, first column, last column, last level, label) of each merged header cell.

    Neighbouring columns merge at a level while their paths agree up to it; a None below a
    label extends that label downwards.
    """
    depth = max(len(p) for p in paths)
    blocks = []
    for level in range(depth):
        start = 0
        while start < len(paths):
            label = paths[start][level]
            end = start
            while end + 1 < len(paths) and paths[end + 1][: level + 1] == paths[start][: level + 1]:
                end += 1
            if label is not None:
                bottom = level
                while bottom + 1 < depth and paths[start][bottom + 1] is None:
                    bottom += 1
                blocks.append((level, start, end, bottom, label))
            start = end + 1
    return depth, blocks


class TableSheet:
    """The sheet of one table: merged headers, a row per report, and a totals row."""

    def __init__(self, workbook, table, title):
        self.table, self.columns = table, columns(table)
        self.ws = ws = workbook.create_sheet(title)
        depth, blocks = header_blocks([c.path for c in self.columns])
        prepare(ws, [28, 12, 9] + [11] * len(self.columns), header_rows=depth, frozen_columns=len(IDENTITY))
        grid = [[None] * (len(IDENTITY) + len(self.columns)) for _ in range(depth)]
        for index, label in enumerate(IDENTITY):
            grid[0][index] = header(ws, label)
            ws.merged_cells.add(CellRange(min_col=index + 1, max_col=index + 1, min_row=1, max_row=depth))
        offset = len(IDENTITY) + 1
        for level, first, last, bottom, label in blocks:
            grid[level][first + offset - 1] = header(ws, label)
            if last > first or bottom > level:
                ws.merged_cells.add(
                    CellRange(min_col=first + offset, max_col=last + offset, min_row=level + 1, max_row=bottom + 1)
                )
        for row in grid:
            ws.append(row)
        self.formats = [AMOUNT if c.decimal else COUNT for c in self.columns]
        self.amounts = [len(IDENTITY) + i for i, c in enumerate(self.columns) if c.decimal]  # in a sheet row
        self.blank = [None] * len(self.columns)
        self.totals = Totals(len(self.columns))
        self.count = 0
        self.read = reader(table, self.columns)
        # Each format's table 二 counts different things: a report appears in its own format's sheet.
        self.format_version = {v.ACTIVE.key: "2021", v.ACTIVE_2019.key: "2019"}.get(table.key)

    def add(self, report, values):
        """A report's row: `report` as write_summary lists it, `values` what read() gave for it."""
        if self.format_version and report.format_version != self.format_version:
            return
        values = values or self.blank
        self.totals.add(values)
        self.count += 1
        ws = self.ws
        row = [safe(ws, report.agency__name), safe(ws, report.agency__region__name or ""), report.year, *values]
        for index in self.amounts:
            row[index] = number(ws, row[index], AMOUNT)
        ws.append(row)

    def close(self):
        self.ws.append(
            [text(self.ws, "合计", bold=True), text(self.ws, f"{self.count} 份报告"), None]
            + [number(self.ws, t, fmt, bold=True) for t, fmt in zip(self.totals.values(), self.formats)]
        )


def table_sheets(workbook, with_2019):
    """表二 (and the 2019 trial format's own 表二 when the selection holds such reports), 表三, 表四."""
    sheets = [(v.ACTIVE, "表二")]
    if with_2019:
        sheets.append((v.ACTIVE_2019, "表二（2019年试行格式）"))
    sheets += [(v.APPLICATIONS, "表三"), (v.REVIEW_LITIGATION, "表四")]
    return [TableSheet(workbook, table, title) for table, title in sheets]
