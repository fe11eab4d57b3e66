"""The leadership summary workbook of a selection of reports (openpyxl, write-only mode).

Sheets: 汇总 (one row per report, the key figures, a totals row), 表二/表三/表四 (every cell of
each table, merged headers as printed), 问题清单 (every finding), 报送进度 (agencies without a
submitted report for the selection's years) and 图表 (a native bar chart). Rows are streamed in
one pass over the reports, so memory stays flat in their number.
"""
from itertools import islice

from django.db.models import OuterRef, Q, Subquery
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from reports import vocabulary as v
from reports.choices import GATED_STATUSES, FormatVersion, ReportStatus, Severity
from reports.models import Acknowledgement, Agency, Finding, WarningExplanation
from reports.models.submission import same_place_as_outer

from .cells import AMOUNT, COUNT, Totals, number, prepare, safe, text
from .tables import columns, table_sheets

CHUNK = 500
APPLICATIONS, ACTIVE, REVIEWS = v.APPLICATIONS.key, v.ACTIVE.key, v.REVIEW_LITIGATION.key

# (header, the cells added up for it as (table, row, column), number format); headers are the
# official labels.
FIGURES = [
    *[(v.APPLICATIONS.row_by_key[row].label, [(APPLICATIONS, row, "total")], COUNT)
      for row in ("new_received", "carried_over", "granted", "total_processed", "carried_forward")],
    (v.ACTIVE.row_by_key["licensing"].label, [(ACTIVE, "licensing", None)], COUNT),
    (v.ACTIVE.row_by_key["penalty"].label, [(ACTIVE, "penalty", None)], COUNT),
    (f"{v.ACTIVE.row_by_key['fees'].label}（万元）", [(ACTIVE, "fees", None)], AMOUNT),
    (f"{v.REVIEW_LITIGATION.rows[0].label}总计", [(REVIEWS, "reconsideration", "total")], COUNT),
    (f"{v.LITIGATION_LABEL}总计",
     [(REVIEWS, "litigation_direct", "total"), (REVIEWS, "litigation_after_reconsideration", "total")], COUNT),
]  # fmt: skip
IDENTITY = ["机关", "行政区划", "报告年度", "状态"]
COUNTS = ["错误数", "警告数"]
# What each report's row is made from, beside its tables' cells.
LISTED = ("pk", "agency__name", "agency__region__name", "year", "status", "format_version", "error_count",
          "warning_count")  # fmt: skip
STATUS = dict(ReportStatus.choices)


def _figure(cells):
    """A figure of a report from its table sheets' cells ({table: cells in the sheet's order, or
    None}): one cell as it is, several added up (a blank one as 0)."""
    where = [(table, _position(table, row, column)) for table, row, column in cells]
    if len(where) == 1:
        ((table, index),) = where
        return lambda tables: tables[table][index] if tables[table] else None
    return lambda tables: sum((tables[table][index] or 0) if tables[table] else 0 for table, index in where)


def _position(table, row, column):
    return next(i for i, c in enumerate(columns(v.TABLE_BY_KEY[table])) if (c.row, c.column) == (row, column))


class SummarySheet:
    """汇总: the key figures of each report, and their totals."""

    def __init__(self, workbook):
        self.ws = ws = workbook.create_sheet("汇总")
        prepare(ws, [28, 12, 9, 10] + [14] * len(FIGURES) + [8, 8])
        ws.append([text(ws, h, bold=True) for h in IDENTITY + [f[0] for f in FIGURES] + COUNTS])
        self.figures = [_figure(cells) for _, cells, _ in FIGURES]
        self.formats = [f[2] for f in FIGURES] + [COUNT, COUNT]
        self.amounts = [len(IDENTITY) + i for i, fmt in enumerate(self.formats) if fmt is AMOUNT]  # in a sheet row
        self.totals = Totals(len(self.formats))
        self.count = 0

    def add(self, report, tables):
        """A report's row: `report` as write_summary lists it, `tables` its table sheets' cells."""
        values = [figure(tables) for figure in self.figures] + [report.error_count, report.warning_count]
        self.totals.add(values)
        self.count += 1
        ws = self.ws
        region = report.agency__region__name or ""
        row = [safe(ws, report.agency__name), safe(ws, region), report.year, STATUS.get(report.status, report.status)]
        row += values
        for index in self.amounts:
            row[index] = number(ws, row[index], AMOUNT)
        ws.append(row)

    def close(self):
        ws = self.ws
        ws.append(
            [text(ws, "合计", bold=True), text(ws, f"{self.count} 份报告"), None, None]
            + [number(ws, t, fmt, bold=True) for t, fmt in zip(self.totals.values(), self.formats)]
        )


def write_summary(reports, out, agencies=None, progress=None):
    """Write the workbook of `reports` (a queryset) to `out` (a path or a binary file);
    `progress(count)` is told the reports written so far, a chunk at a time.

    Reports are listed as values (no model instances), a chunk at a time, and each table sheet
    reads its cells of the chunk in one query, as the rows of the sheet: a few queries per chunk,
    memory flat in the count."""
    workbook = Workbook(write_only=True)
    summary = SummarySheet(workbook)
    tables = table_sheets(workbook, reports.filter(format_version=FormatVersion.V2019).exists())
    years = set()
    listed = reports.order_by("agency__name", "year").values_list(*LISTED, named=True).iterator(chunk_size=CHUNK)
    while batch := list(islice(listed, CHUNK)):
        pks = [report.pk for report in batch]
        cells = [(sheet, sheet.read(pks)) for sheet in tables]
        for report in batch:
            mine = {sheet.table.key: by_report.get(report.pk) for sheet, by_report in cells}
            summary.add(report, mine)
            for sheet in tables:
                sheet.add(report, mine[sheet.table.key])
            years.add(report.year)
        if progress:
            progress(summary.count)
    for sheet in [summary, *tables]:
        sheet.close()
    _findings_sheet(workbook, reports)
    _progress_sheet(workbook, reports, agencies, years)
    _chart_sheet(workbook, summary.count)
    workbook.save(out)
    return summary.count


def _findings_sheet(workbook, reports):
    """Every finding, with the agency's 上报说明 and the reviewer's acknowledgement (已核实) of a
    warning beside it."""
    ws = workbook.create_sheet("问题清单")
    prepare(ws, [28, 9, 8, 8, 80, 40, 40, 40])
    headers = ("机关", "报告年度", "规则", "级别", "说明", "位置", "上报说明", "审核核实")
    ws.append([text(ws, h, bold=True) for h in headers])
    severity = dict(Severity.choices)
    explanation = WarningExplanation.objects.filter(same_place_as_outer()).values("text")[:1]
    acknowledgement = Acknowledgement.objects.filter(same_place_as_outer(), message=OuterRef("message")).values("note")[:1]
    findings = Finding.objects.filter(report__in=reports).order_by("report__agency__name", "report__year", "id")
    findings = findings.annotate(explanation=Subquery(explanation), acknowledgement=Subquery(acknowledgement))
    rows = findings.values_list("report__agency__name", "report__year", "code", "severity", "message", "table",
                                "row", "column", "field", "explanation", "acknowledgement")  # fmt: skip
    for name, year, code, level, message, table, row, column, field, explained, acknowledged in rows.iterator(
        chunk_size=CHUNK
    ):
        where = v.location_label(table, row or None, column or None, field)
        ws.append([safe(ws, name), year, code, severity.get(level, level), safe(ws, message), safe(ws, where),
                   safe(ws, explained or ""), safe(ws, acknowledged or "")])  # fmt: skip


def _progress_sheet(workbook, reports, agencies, years):
    """Agencies with no submitted report for each year of the selection."""
    ws = workbook.create_sheet("报送进度")
    prepare(ws, [28, 12, 9, 12])
    ws.append([text(ws, h, bold=True) for h in ("机关", "行政区划", "报告年度", "状态")])
    agencies = (agencies if agencies is not None else Agency.objects.all()).order_by("name")
    labels = dict(ReportStatus.choices)
    for year in sorted(years):
        # The database pairs each agency with its report's status, so nothing grows with the count.
        state = reports.filter(agency=OuterRef("pk"), year=year).values("status")[:1]
        rows = agencies.annotate(state=Subquery(state)).filter(Q(state__isnull=True) | ~Q(state__in=GATED_STATUSES))
        for name, region, status in rows.values_list("name", "region__name", "state").iterator(chunk_size=CHUNK):
            ws.append([safe(ws, name), safe(ws, region or ""), year, labels.get(status, "未填报")])


def _chart_sheet(workbook, count):
    """A native Excel chart of the applications received per report (汇总's first figure)."""
    ws = workbook.create_sheet("图表")
    if not count:
        return
    chart = BarChart()
    chart.title = "本年新收政府信息公开申请数量"
    chart.y_axis.title = "件"
    summary = workbook["汇总"]
    first = len(IDENTITY) + 1
    chart.add_data(Reference(summary, min_col=first, min_row=1, max_row=count + 1), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=count + 1))
    chart.width, chart.height = 24, 12
    ws.add_chart(chart, "A1")
