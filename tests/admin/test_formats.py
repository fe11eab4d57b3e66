"""导入/导出 of row-shaped data (every import-export admin): no formula written, caps, audit log."""
import csv
import hashlib
import io
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.admin.formats import MAX_BYTES, MAX_ROWS, TableXLSX
from reports.models import Agency, AuditAction, AuditEvent, AuditResult, Region
from reports.resources import AgencyResource, RegionResource, ReportStatisticsResource

XLSX, CSV = "0", "1"  # TableFormats' order
FORMULA_LIKE = ['=HYPERLINK("http://x","点我")', "=1+1局", "+1+1局", "-1+1局", "@SUM(A1)局", "\t=1局"]


def export(client, model, resource, fmt, query=""):
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    response = client.post(reverse(f"admin:reports_{model}_export") + query, {"format": fmt, "resource": "0", **fields})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    return response.content


def upload(client, model, name, data, fmt):
    """The upload step: the preview page, with the confirm form when nothing is wrong."""
    return client.post(
        reverse(f"admin:reports_{model}_import"),
        {"format": fmt, "resource": "0", "import_file": SimpleUploadedFile(name, data)},
    )


def import_file(client, model, name, data, fmt):
    response = upload(client, model, name, data, fmt)
    confirm = response.context.get("confirm_form")
    assert confirm, response.content.decode()
    return client.post(reverse(f"admin:reports_{model}_process_import"), confirm.initial, follow=True)


def errors(response):
    return " ".join(str(m) for messages in response.context["form"].errors.values() for m in messages)


@pytest.fixture
def registry(db):
    root = Region.objects.create(code="640000", name="宁夏回族自治区")
    for index, name in enumerate(FORMULA_LIKE):
        region = Region.objects.create(code=f"64030{index}", name=name, parent=root)
        Agency.objects.create(name=name, region=region)
    return root


def test_xlsx_export_holds_no_formula_and_keeps_every_value(client, superuser, registry):
    client.force_login(superuser)
    for model, resource, column in (("agency", AgencyResource, 0), ("region", RegionResource, 1)):
        sheet = openpyxl.load_workbook(io.BytesIO(export(client, model, resource, XLSX))).active
        cells = [c for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert set(FORMULA_LIKE) <= {row[column] for row in sheet.iter_rows(values_only=True)}


def test_csv_export_quotes_what_a_spreadsheet_would_run_and_reads_back_as_written(client, superuser, registry):
    client.force_login(superuser)
    data = export(client, "agency", AgencyResource, CSV)
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only after a byte order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    names = {row[0] for row in rows[1:]}
    assert names == {"'" + name for name in FORMULA_LIKE}
    assert ["'-1+1局", "部门", "640303", "'-1+1局", ""] in rows
    # The product reads its own file back as it was: the agencies come back with their names.
    Agency.objects.all().delete()
    import_file(client, "agency", "机关.csv", data, CSV)
    assert dict(Agency.objects.values_list("name", "region__code")) == {
        name: f"64030{index}" for index, name in enumerate(FORMULA_LIKE)
    }


def test_xlsx_export_reads_back_as_written(client, superuser, registry):
    client.force_login(superuser)
    data = export(client, "region", RegionResource, XLSX)
    Agency.objects.all().delete()
    Region.objects.exclude(parent=None).delete()
    Region.objects.all().delete()
    import_file(client, "region", "区划.xlsx", data, XLSX)
    assert set(Region.objects.values_list("name", flat=True)) == {"宁夏回族自治区", *FORMULA_LIKE}
    assert Region.objects.get(code="640302").path == "/640000/640302/"


def test_statistics_export_keeps_numbers_as_numbers(client, superuser, demo):
    client.force_login(superuser)
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, "annualreport", ReportStatisticsResource, XLSX))).active
    header = [c.value for c in sheet[1]]
    column = header.index("applications__new_received__natural_person") + 1
    values = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    assert values and all(c.data_type == "n" for c in values if c.value is not None)
    assert sheet.cell(2, header.index("year") + 1).value in {2022, 2023, 2024}


def test_exports_are_recorded_with_what_was_selected(client, reviewer, registry):
    client.force_login(reviewer)
    export(client, "agency", AgencyResource, CSV, query="?kind__exact=department")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.username, event.target, event.result) == ("alice", "机关", AuditResult.SUCCESS)
    assert event.detail == {"model": "reports.agency", "format": "csv", "rows": 6, "query": "kind__exact=department"}


def test_imports_are_recorded_with_the_file_and_the_rows(client, superuser, registry):
    client.force_login(superuser)
    data = "机关名称,机关类型,行政区划代码\n新局,部门,640300\n'=1+1局,部门,640301\n".encode()
    import_file(client, "agency", "机关.csv", data, CSV)
    event = AuditEvent.objects.get(action=AuditAction.REGISTRY_IMPORT)
    assert (event.target, event.result) == ("机关", AuditResult.SUCCESS)
    assert event.detail["file"] == "机关.csv" and event.detail["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.detail["rows"] == {"new": 1, "update": 1, "skip": 0, "invalid": 0, "error": 0}


def test_a_refused_import_is_recorded_as_a_failure_and_stores_nothing(client, superuser, registry):
    client.force_login(superuser)
    data = "行政区划代码,名称,上级区划代码\n-1,负数,\n".encode()
    response = upload(client, "region", "区划.csv", data, CSV)
    assert "confirm_form" not in response.context
    assert "行政区划代码应为 6、9 或 12 位数字。" in response.content.decode()
    assert not Region.objects.filter(code="-1").exists()
    event = AuditEvent.objects.get(action=AuditAction.REGISTRY_IMPORT)
    assert event.result == AuditResult.FAILURE and event.detail["rows"]["invalid"] == 1


def test_statistics_imports_are_recorded_as_imports_of_reports(client, superuser, demo):
    client.force_login(superuser)
    data = "agency,year,format_version,active__licensing\n不存在的局,2023,2021,5\n".encode()
    upload(client, "annualreport", "统计.csv", data, CSV)
    assert AuditEvent.objects.filter(username="root").exclude(action=AuditAction.LOGIN).get().action == AuditAction.IMPORT


def test_a_file_above_the_size_cap_is_refused_before_it_is_read(client, superuser, db):
    client.force_login(superuser)
    data = b"\xff" * (MAX_BYTES + 1)  # not even a CSV: only its size is looked at
    response = upload(client, "region", "区划.csv", data, CSV)
    assert f"上限为 {MAX_BYTES // 1024 // 1024} MB" in errors(response)
    event = AuditEvent.objects.exclude(action=AuditAction.LOGIN).get()
    assert event.result == AuditResult.FAILURE and "上限" in event.detail["reasons"][0]


def test_a_csv_longer_than_the_row_cap_is_refused_where_the_cap_is_reached(client, superuser, db):
    client.force_login(superuser)
    rows = "".join(f"{110000 + i % 9000},区划{i},\n" for i in range(MAX_ROWS + 1))
    # A field past csv's own size limit after the cap: had the reader gone on, it would have failed there.
    data = f"行政区划代码,名称,上级区划代码\n{rows}110000,{'长' * 200_000},\n".encode()
    response = upload(client, "region", "区划.csv", data, CSV)
    assert f"表格超过 {MAX_ROWS} 行" in errors(response)
    assert not Region.objects.exists()
    copy = Path(tempfile.gettempdir()) / response.wsgi_request.FILES["import_file"].tmp_storage_name
    assert not copy.exists()  # nobody can confirm a refused upload: its copy is not kept


def sheet_xlsx(rows, tail="", dimension=None):
    """An .xlsx whose sheet XML is written directly (fast for many rows), after a tail of raw XML."""
    book = openpyxl.Workbook()
    book.active.append(["行政区划代码", "名称", "上级区划代码"])
    base = io.BytesIO()
    book.save(base)
    xml = io.StringIO()
    xml.write('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    xml.write(f'<dimension ref="{dimension or f"A1:C{rows + 1}"}"/><sheetData>')
    xml.write('<row r="1"><c r="A1" t="inlineStr"><is><t>行政区划代码</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>名称</t></is></c></row>')  # fmt: skip
    for r in range(2, rows + 2):
        code, name = f'<c r="A{r}"><v>{110000 + r % 9000}</v></c>', f'<c r="B{r}" t="inlineStr"><is><t>区划</t></is></c>'
        xml.write(f'<row r="{r}">{code}{name}</row>')
    xml.write(tail or "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = xml.getvalue().encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def test_an_xlsx_longer_than_the_row_cap_is_refused_without_reading_on(client, superuser, db):
    client.force_login(superuser)
    # It claims a million rows; what follows row MAX_ROWS + 1 is not even well-formed XML.
    data = sheet_xlsx(MAX_ROWS + 1, tail="<row r=", dimension="A1:C1000000")
    response = upload(client, "region", "区划.xlsx", data, XLSX)
    assert f"表格超过 {MAX_ROWS} 行" in errors(response)
    assert not Region.objects.exists()


def test_an_xlsx_at_the_row_cap_is_read_whole():
    assert len(TableXLSX().create_dataset(sheet_xlsx(MAX_ROWS))) == MAX_ROWS


def test_an_xlsx_with_a_wrong_dimension_is_read_whole(client, superuser, db):
    client.force_login(superuser)
    response = upload(client, "region", "区划.xlsx", sheet_xlsx(3, dimension="A1"), XLSX)  # as WPS writes them
    assert response.context["result"].totals["new"] == 3


def test_blank_rows_are_not_records(client, superuser, db):
    client.force_login(superuser)
    data = "行政区划代码,名称,上级区划代码\n640000,宁夏回族自治区,\n,,\n\n".encode()
    import_file(client, "region", "区划.csv", data, CSV)
    assert list(Region.objects.values_list("code", flat=True)) == ["640000"]


@pytest.mark.parametrize(
    "name, data, fmt, message",
    [
        ("区划.xlsx", b"not a zip", XLSX, "Excel 文件已损坏或不是有效的压缩格式"),
        ("区划.csv", "行政区划代码,名称\n640000,宁夏".encode("gbk"), CSV, "CSV 文件须为 UTF-8 编码"),
    ],
)
def test_unreadable_files_get_a_chinese_message(client, superuser, db, name, data, fmt, message):
    client.force_login(superuser)
    response = upload(client, "region", name, data, fmt)
    assert response.status_code == 200 and message in errors(response)


def test_confirming_an_import_twice_is_answered_not_failed(client, superuser, db):
    client.force_login(superuser)
    response = upload(client, "region", "区划.csv", "行政区划代码,名称,上级区划代码\n640000,宁夏,\n".encode(), CSV)
    confirm = reverse("admin:reports_region_process_import")
    client.post(confirm, response.context["confirm_form"].initial)
    again = client.post(confirm, response.context["confirm_form"].initial, follow=True)
    assert again.status_code == 200 and "已导入或已失效" in again.content.decode()
    assert Region.objects.count() == 1


def test_import_errors_are_shown_per_row_under_the_sheets_headers(client, superuser, db):
    client.force_login(superuser)
    data = "行政区划代码,名称,上级区划代码\n,空,\n640000,宁夏,999999\n".encode()
    html = upload(client, "region", "区划.csv", data, CSV).content.decode()
    assert re.search(r"<span[^>]*>行政区划代码</span>\s*<ul>\s*<li>此字段不能为空。", html), html
    assert "行政区划代码「999999」尚未登记（上级区划须已登记，或在表中排在下级之前）。" in html
