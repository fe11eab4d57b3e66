"""The leadership workbook, opened with openpyxl and checked against the database."""
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from django.core.management import call_command
from django.db.models import Sum

from reports.models.agency import OPERATOR
from reports import vocabulary as v
from reports.exporters.summary import write_summary
from reports.exporters.tables import columns
from reports.importing import import_paths
from reports.models import ActiveDisclosure, Agency, AnnualReport, ApplicationRow, Finding, Region

DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"


def export(tmp_path, *args):
    out = tmp_path / "汇总.xlsx"
    call_command("export_excel", *args, "-o", str(out), stdout=StringIO())
    return openpyxl.load_workbook(out)


def test_summary_has_one_row_per_report_and_totals_equal_database_sums(demo, tmp_path):
    book = export(tmp_path, "--year", "2023")
    assert book.sheetnames == ["汇总", "表二", "表三", "表四", "问题清单", "报送进度", "图表"]
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


FORMULA_LIKE = ['=HYPERLINK("http://x","点我")', "=1+1局", "+1+1局", "-1+1局", "@SUM(A1)局"]


@pytest.mark.parametrize("name", FORMULA_LIKE)
def test_text_cells_are_never_formulas(demo, tmp_path, name):
    Agency.objects.filter(pk=demo[0].agency_id).update(name=name)
    Region.objects.filter(agencies__pk=demo[0].agency_id).update(name=name)
    book = export(tmp_path, "--year", "2023")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    for sheet in ("汇总", "表二", "表三", "表四", "问题清单"):
        assert name in [c.value for c in book[sheet]["A"]], sheet
    assert name in [c.value for c in book["汇总"]["B"]]  # the region's name


def merged(sheet):
    """{label: merged range} of the header cells (the last, for a label printed more than once)."""
    return {sheet[str(r).split(":")[0]].value: str(r) for r in sheet.merged_cells.ranges}


def test_table_sheets_have_the_official_merged_headers(demo, tmp_path):
    book = export(tmp_path, "--year", "2023")
    two, three, four = (merged(book[name]) for name in ("表二", "表三", "表四"))
    assert two["机关"] == "A1:A3" and two["第二十条第（一）项"] == "D1:I1" and two["规章"] == "D2:F2"
    assert book["表二"]["D3"].value == "本年制发件数" and book["表二"]["J3"].value == "本年处理决定数量"
    # 表三: each row of the table is a block of its seven applicant columns, headed as printed.
    assert three["一、本年新收政府信息公开申请数量"] == "D1:J3"
    assert three["三、本年度办理结果"] == f"R1:{get_column_letter(17 + 7 * 22)}1"  # 22 rows
    assert three["（三）不予公开"].startswith("AF2:")
    assert book["表三"]["D4"].value == "自然人" and book["表三"]["E4"].value == "法人或其他组织"
    assert book["表三"]["E5"].value == "商业企业" and book["表三"]["J4"].value == "总计"
    assert {str(r) for r in book["表三"].merged_cells.ranges} >= {"D4:D5", "E4:I4", "J4:J5"}
    assert four["行政复议"] == "D1:H1" and four["行政诉讼"] == "I1:R1" and four["未经复议直接起诉"] == "I2:M2"
    assert {str(r) for r in book["表四"].merged_cells.ranges} >= {"D2:D3", "H2:H3"}
    assert book["表四"]["I3"].value == "结果维持"
    assert book["表三"].freeze_panes == "D6" and book["表三"].print_title_rows == "$1:$5"


def test_table_sheets_hold_every_cell_of_every_report_and_its_totals(demo, tmp_path):
    list(import_paths([DOCUMENTS / "2019_format_yuanping_2020.txt"], OPERATOR))
    write_summary(AnnualReport.objects.all(), tmp_path / "all.xlsx")
    book = openpyxl.load_workbook(tmp_path / "all.xlsx")
    reports = AnnualReport.objects.with_sections().order_by("agency__name", "year")
    sheet = book["表三"]
    body = list(sheet.iter_rows(min_row=6, values_only=True))
    rows, totals = body[:-1], body[-1]
    assert [(r[0], r[2]) for r in rows] == [(r.agency.name, r.year) for r in reports]
    for row, report in zip(rows, reports):
        shape = report.to_shape()
        expected = [shape.applications[r.key][c.key] for r in v.APPLICATIONS.rows for c in v.APPLICATIONS.columns]
        assert list(row[3:]) == expected
    # Every table sheet's cells, column by column as headed, are the report's own.
    sheets = {"表二": v.ACTIVE, "表二（2019年试行格式）": v.ACTIVE_2019, "表四": v.REVIEW_LITIGATION}
    for title, table in sheets.items():
        first = int(book[title].freeze_panes[1:])
        written = list(book[title].iter_rows(min_row=first, values_only=True))[:-1]
        mine = [r for r in reports if title != "表二" or r.format_version == "2021"]
        mine = [r for r in mine if title != "表二（2019年试行格式）" or r.format_version == "2019"]
        assert [(r[0], r[2]) for r in written] == [(r.agency.name, r.year) for r in mine], title
        for row, report in zip(written, mine):
            shape = report.to_shape()
            expected = [shape.cell(table.key, c.row, c.column) for c in columns(table)]
            assert list(row[3:]) == [float(x) if isinstance(x, Decimal) else x for x in expected], title
    received = ApplicationRow.objects.filter(row="new_received").aggregate(s=Sum("natural_person"))["s"]
    assert totals[0] == "合计" and totals[3] == received
    # 表二 holds the 2021-format reports, the 2019 trial format's 表二 the others.
    twenty_nineteen = AnnualReport.objects.filter(format_version="2019").count()
    assert twenty_nineteen and book["表二（2019年试行格式）"].max_row == 3 + twenty_nineteen + 1
    assert book["表二"].max_row == 3 + reports.count() - twenty_nineteen + 1
    fees = [c for c in book["表二"][4] if isinstance(c.value, (int, float)) and c.number_format == "#,##0.0000"]
    assert fees, "万元 cells keep four decimals"


def test_control_characters_in_stored_text_never_break_the_workbook(demo, tmp_path):
    Agency.objects.filter(pk=demo[0].agency_id).update(name="吴忠市利通区\x08卫生健康局")
    book = export(tmp_path, "--year", "2023")
    assert "吴忠市利通区卫生健康局" in [c.value for c in next(book["汇总"].iter_cols(min_col=1, max_col=1))]
