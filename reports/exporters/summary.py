"""The leadership summary workbook of a selection of reports (openpyxl, write-only mode).

Sheets: 汇总 (one row per report, the key figures, a totals row), 问题清单 (every finding),
报送进度 (agencies without a submitted report for the selection's years) and 图表 (a native bar
chart). Rows are streamed, so memory stays flat in the number of reports.
"""
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports import vocabulary as v
from reports.choices import ReportStatus, Severity
from reports.models import Agency, Finding

BOLD = Font(bold=True)
COUNT = "#,##0"
AMOUNT = "#,##0.0000"  # 万元 to four decimals (1 元)
CHUNK = 500


def _application_total(row):
    return lambda shape: shape.applications[row]["total"]


# (header, value from the shape, number format); headers are the official labels.
FIGURES = [
    *[(v.APPLICATIONS.row_by_key[row].label, _application_total(row), COUNT)
      for row in ("new_received", "carried_over", "granted", "total_processed", "carried_forward")],
    (v.ACTIVE.row_by_key["licensing"].label, lambda s: s.active["licensing"], COUNT),
    (v.ACTIVE.row_by_key["penalty"].label, lambda s: s.active["penalty"], COUNT),
    (f"{v.ACTIVE.row_by_key['fees'].label}（万元）", lambda s: s.active["fees"], AMOUNT),
    (f"{v.REVIEW_LITIGATION.rows[0].label}总计", lambda s: s.review_litigation["reconsideration"]["total"], COUNT),
    (f"{v.LITIGATION_LABEL}总计", lambda s: sum(
        s.review_litigation[g]["total"] or 0 for g in ("litigation_direct", "litigation_after_reconsideration")
    ), COUNT),
]  # fmt: skip
IDENTITY = ["机关", "行政区划", "报告年度", "状态"]
COUNTS = ["错误数", "警告数"]


def text(ws, value, bold=False):
    """A text cell that is never a formula: an agency named "=HYPERLINK(…)" stays text."""
    cell = WriteOnlyCell(ws, value="" if value is None else str(value))
    cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


def number(ws, value, number_format, bold=False):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    if bold:
        cell.font = BOLD
    return cell


def _prepare(ws, widths):
    """Column widths, frozen header row, A4 landscape, header repeated on every printed page."""
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4


def write_summary(reports, out, agencies=None):
    """Write the workbook of `reports` (a queryset) to `out` (a path or a binary file)."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("汇总")
    _prepare(summary, [28, 12, 9, 10] + [14] * len(FIGURES) + [8, 8])
    summary.append([text(summary, h, bold=True) for h in IDENTITY + [f[0] for f in FIGURES] + COUNTS])
    totals = [0] * (len(FIGURES) + len(COUNTS))
    count, years = 0, set()
    for report in reports.with_sections().order_by("agency__name", "year").iterator(chunk_size=CHUNK):
        shape = report.to_shape()
        values = [figure(shape) for _, figure, _ in FIGURES] + [report.error_count, report.warning_count]
        totals = [t + (x or 0) for t, x in zip(totals, values)]
        formats = [f[2] for f in FIGURES] + [COUNT, COUNT]
        region = report.agency.region.name if report.agency.region_id else ""
        summary.append(
            [text(summary, report.agency.name), text(summary, region), number(summary, report.year, "0"),
             text(summary, report.get_status_display())]
            + [number(summary, x, fmt) for x, fmt in zip(values, formats)]
        )  # fmt: skip
        count += 1
        years.add(report.year)
    summary.append(
        [text(summary, "合计", bold=True), text(summary, f"{count} 份报告"), text(summary, ""), text(summary, "")]
        + [number(summary, t, fmt, bold=True) for t, fmt in zip(totals, [f[2] for f in FIGURES] + [COUNT, COUNT])]
    )
    _findings_sheet(workbook, reports)
    _progress_sheet(workbook, reports, agencies, years)
    _chart_sheet(workbook, count)
    workbook.save(out)
    return count


def _findings_sheet(workbook, reports):
    ws = workbook.create_sheet("问题清单")
    _prepare(ws, [28, 9, 8, 8, 80, 40])
    ws.append([text(ws, h, bold=True) for h in ("机关", "报告年度", "规则", "级别", "说明", "位置")])
    severity = dict(Severity.choices)
    findings = Finding.objects.filter(report__in=reports).select_related("report__agency").order_by(
        "report__agency__name", "report__year", "id"
    )
    for f in findings.iterator(chunk_size=CHUNK):
        where = v.cell_label(f.table, f.row or None, f.column or None) if f.table else f.field
        ws.append(
            [text(ws, f.report.agency.name), number(ws, f.report.year, "0"), text(ws, f.code),
             text(ws, severity.get(f.severity, f.severity)), text(ws, f.message), text(ws, where)]
        )  # fmt: skip


def _progress_sheet(workbook, reports, agencies, years):
    """Agencies with no submitted report for each year of the selection."""
    ws = workbook.create_sheet("报送进度")
    _prepare(ws, [28, 12, 9, 12])
    ws.append([text(ws, h, bold=True) for h in ("机关", "行政区划", "报告年度", "状态")])
    done = {ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.PUBLISHED}
    status = {(a, y): s for a, y, s in reports.values_list("agency_id", "year", "status")}
    agencies = (agencies if agencies is not None else Agency.objects.all()).select_related("region").order_by("name")
    for year in sorted(years):
        for agency in agencies.iterator(chunk_size=CHUNK):
            state = status.get((agency.pk, year))
            if state not in done:
                label = ReportStatus(state).label if state else "未填报"
                region = agency.region.name if agency.region_id else ""
                ws.append([text(ws, agency.name), text(ws, region), number(ws, year, "0"), text(ws, label)])


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
