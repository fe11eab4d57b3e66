"""The leadership workbook, opened with openpyxl and checked against the database."""
from io import StringIO

import openpyxl
from django.core.management import call_command
from django.db.models import Sum

from reports.models import ActiveDisclosure, Agency, AnnualReport, ApplicationRow, Finding


def export(tmp_path, *args):
    out = tmp_path / "汇总.xlsx"
    call_command("export_excel", *args, "-o", str(out), stdout=StringIO())
    return openpyxl.load_workbook(out)


def test_summary_has_one_row_per_report_and_totals_equal_database_sums(demo, tmp_path):
    book = export(tmp_path, "--year", "2023")
    assert book.sheetnames == ["汇总", "问题清单", "报送进度", "图表"]
    rows = list(book["汇总"].iter_rows(values_only=True))
    header, body, totals = rows[0], rows[1:-1], rows[-1]
    assert [r[0] for r in body] == ["吴忠市利通区卫生健康局", "哈尔滨市呼兰区卫生健康局"]
    reports = AnnualReport.objects.filter(year=2023)
    column = header.index("行政许可")
    assert totals[column] == ActiveDisclosure.objects.filter(report__in=reports).aggregate(s=Sum("licensing"))["s"]
    received = header.index("一、本年新收政府信息公开申请数量")
    expected = ApplicationRow.objects.filter(report__in=reports, row="new_received").aggregate(s=Sum("total"))["s"]
    assert totals[received] == expected and totals[0] == "合计"
    assert totals[header.index("错误数")] == 4
    sheet = book["汇总"]
    assert sheet.freeze_panes == "B2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    fees = header.index("行政事业性收费（万元）") + 1
    assert sheet.cell(row=2, column=fees).number_format == "#,##0.0000"
    assert book["图表"]._charts


def test_findings_and_progress_sheets(demo, tmp_path):
    book = export(tmp_path, "--year", "2023")
    findings = list(book["问题清单"].iter_rows(values_only=True))[1:]
    stored = Finding.objects.filter(report__year=2023).values_list("report__agency__name", "code", "message")
    assert sorted((r[0], r[2], r[4]) for r in findings) == sorted(stored)
    assert any(r[2] == "E9" and r[5] == "表三「1.本机关不掌握相关政府信息」行「总计」列" for r in findings)
    progress = list(book["报送进度"].iter_rows(values_only=True))[1:]
    assert len(progress) == Agency.objects.count()  # every agency: drafts and reports not started
    assert ("泰安市泰山区卫生健康局", "泰山区", 2023, "未填报") in progress


def test_region_and_status_select_the_reports(demo, tmp_path):
    book = export(tmp_path, "--year", "2023", "--region", "640000")
    assert [r[0] for r in book["汇总"].iter_rows(values_only=True)][1:-1] == ["吴忠市利通区卫生健康局"]
    book = export(tmp_path, "--year", "2023", "--status", "approved")
    assert len(list(book["汇总"].iter_rows(values_only=True))) == 2  # header and totals only


def test_text_cells_are_never_formulas(demo, tmp_path):
    Agency.objects.filter(pk=demo[0].agency_id).update(name='=HYPERLINK("http://x","点我")')
    book = export(tmp_path, "--year", "2023")
    cells = [c for c in next(book["汇总"].iter_cols(min_col=1, max_col=1))]
    assert any(c.value == '=HYPERLINK("http://x","点我")' and c.data_type == "s" for c in cells)
