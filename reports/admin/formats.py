"""The spreadsheet formats of row-shaped imports and exports (django-import-export), within limits.

Every import-export admin lists TableFormats first, so all of them share what is decided here:
- .xlsx and .csv only: what a provincial office actually sends and opens;
- text is never written as a formula (exporters.cells): .xlsx cells are typed, CSV text a
  spreadsheet would run gets an apostrophe, which the CSV import takes off again;
- an upload above MAX_BYTES, or a sheet longer than MAX_ROWS, is refused with a message before it
  is read whole (the library reads a whole sheet into memory: 1M rows took 92 s and 737 MB);
- every export, import and refused upload is recorded in the audit log.
"""
import csv
import hashlib
import io
import numbers
from datetime import date, datetime, time

import openpyxl
import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.results import RowResult

from reports.audit import record
from reports.exporters.cells import csv_field, csv_value, prepare, safe, text
from reports.models import AuditAction, AuditResult
from reports.parsers.archive import open_zip
from reports.parsers.blocks import ParseError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # rows below the header: far above a province's registry
MAX_WIDTH = 60  # characters of the widest column of an export


class SheetRefused(ValueError):
    """A file the import will not read; the message tells the user why."""


def _dataset(rows, value=None):
    """The header row and the rows below it, refused at row MAX_ROWS + 1 (blank rows count: a
    sheet's formatted empty rows are read too, but are no records and are left out). Cells right
    of the last header belong to no column and are ignored."""
    headers = list(next(rows, ()))
    while headers and headers[-1] in (None, ""):
        headers.pop()
    dataset = tablib.Dataset(headers=headers)
    for number, row in enumerate(rows, 1):
        if number > MAX_ROWS:
            raise SheetRefused(
                f"表格超过 {MAX_ROWS} 行（表头以下，带格式的空行也计算在内），请删除多余的行，或拆分后分批导入。"
            )
        cells = [value(c) if value else c for c in row[: len(headers)]]
        if any(c not in (None, "") for c in cells):
            dataset.append(cells + [None] * (len(headers) - len(cells)))
    return dataset


def _width(value):
    shown = "" if value is None else str(value)
    return sum(2 if ord(c) > 0x2E7F else 1 for c in shown)  # CJK characters are two columns wide


class TableXLSX(XLSX):
    """Written with openpyxl in write-only mode (text as text, numbers and dates as such), read in
    read-only mode row by row."""

    native_types = True

    def create_dataset(self, in_stream):
        try:
            open_zip(in_stream, "Excel 文件")  # the sizes it declares are checked before inflating
        except ParseError as exc:
            raise SheetRefused(str(exc)) from exc
        workbook = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = workbook.active
            sheet.reset_dimensions()  # WPS writes a wrong <dimension>: read the rows there are
            return _dataset(sheet.iter_rows(values_only=True))
        finally:
            workbook.close()

    def export_data(self, dataset, **kwargs):
        workbook = openpyxl.Workbook(write_only=True)
        ws = workbook.create_sheet("数据")
        columns = list(zip(dataset.headers, *dataset)) or [()]
        prepare(ws, [min(MAX_WIDTH, max(map(_width, c), default=0) + 2) for c in columns], frozen_columns=0)
        ws.append([text(ws, h, bold=True) for h in dataset.headers])
        for row in dataset:
            ws.append([_cell(ws, value) for value in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def _cell(ws, value):
    if isinstance(value, str):
        return safe(ws, value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if value is None or isinstance(value, (numbers.Number, date, time)):
        return value
    return text(ws, value)


class TableCSV(CSV):
    """UTF-8 with a byte order mark, without which Excel on Chinese Windows reads it as GBK."""

    native_types = False

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        return _dataset(csv.reader(io.StringIO(in_stream)), csv_value)

    def export_data(self, dataset, **kwargs):
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow([csv_field(h) for h in dataset.headers])
        writer.writerows([csv_field(value) for value in row] for row in dataset)
        return out.getvalue()


class TableImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                f"文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB，请拆分后分批导入。"
            )
        return upload


class TableExportForm(SelectableFieldsExportForm):
    def _get_field_label(self, resource, field_name):
        # The column's header as exported (Chinese), not the library's title-cased attribute name.
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


def _sha256(chunks):
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _failed(result):
    return result.has_errors() or result.has_validation_errors()


COUNTED = (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP,
           RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR)  # fmt: skip


class TableFormats:
    """Only .xlsx and .csv: what a provincial office actually sends and opens."""

    import_formats = export_formats = [TableXLSX, TableCSV]
    import_form_class = TableImportForm
    export_form_class = TableExportForm
    import_audit_action = AuditAction.REGISTRY_IMPORT

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SheetRefused):
            message = str(e)
        elif isinstance(e, UnicodeDecodeError):
            message = "CSV 文件须为 UTF-8 编码：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」，或另存为 .xlsx。"
        else:
            message = "无法读取该文件：请确认所选格式（xlsx 或 csv）与文件一致，且文件没有损坏。"
        form.add_error("import_file", message)

    def import_action(self, request, **kwargs):
        """The library's upload and preview. A preview stores nothing, so only a refused upload or
        a preview with errors is recorded here (and its copy, which nobody can confirm, removed);
        a confirmed import is recorded by process_dataset."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form, result = context.get("form"), context.get("result")
        upload = request.FILES.get("import_file")
        if upload and form is not None and (form.errors or (result and _failed(result))):
            reasons = [str(message) for errors in form.errors.values() for message in errors]
            self._record_import(upload.name, _sha256(upload.chunks()), result, reasons)
            if getattr(upload, "tmp_storage_name", None):
                self._stored(upload.tmp_storage_name).remove()
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:  # confirmed twice, or the uploaded file is gone
            messages.error(request, "上传的文件已导入或已失效，请重新上传。")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")

    def process_dataset(self, dataset, form, request, **kwargs):
        result = super().process_dataset(dataset, form, request, **kwargs)
        stored = self._stored(form.cleaned_data["import_file_name"]).read()
        self._record_import(form.cleaned_data["original_file_name"], _sha256([stored]), result)
        return result

    def _stored(self, name):
        """The library's copy of an upload, read as bytes."""
        return self.get_tmp_storage_class()(name=name, read_mode="rb", **self.get_tmp_storage_class_kwargs())

    def _record_import(self, name, sha256, result, reasons=()):
        detail = {"model": self.opts.label_lower, "file": name, "sha256": sha256}
        if result is not None:
            detail["rows"] = {kind: result.totals[kind] for kind in COUNTED}
        if reasons:
            detail["reasons"] = list(reasons)
        failed = bool(reasons) or result is None or _failed(result)
        record(
            self.import_audit_action,
            self.opts.verbose_name,
            result=AuditResult.FAILURE if failed else AuditResult.SUCCESS,
            detail=detail,
        )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The library's, with native values for our .xlsx (it recognises only its own class by
        type), and the export recorded with what was selected."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=file_format.native_types, **kwargs)
        record(
            AuditAction.EXPORT,
            self.opts.verbose_name,
            detail={
                "model": self.opts.label_lower,
                "format": file_format.get_extension(),
                "rows": len(data),
                "query": request.GET.urlencode(),
            },
        )
        return file_format.export_data(data)
