"""审计日志 for the 审计管理员: read, filter, search and export. Nobody adds, changes or deletes an
event here, superusers included; the model refuses it too and, on PostgreSQL, a trigger."""
import json

from django.contrib import admin
from django.utils import timezone
from import_export.admin import ExportMixin

from reports.audit_details import readable
from reports.models import AuditEvent
from reports.resources import AuditEventResource

from .formats import TableFormats
from .readonly import ReadOnlyAdmin

COLUMNS = ("time", "username", "ip", "action", "target", "result", "details")

@admin.register(AuditEvent)
class AuditEventAdmin(TableFormats, ExportMixin, ReadOnlyAdmin):
    resource_classes = [AuditEventResource]
    list_display = COLUMNS
    list_filter = ("action", "result", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("username", "target")
    search_help_text = "按用户或对象搜索"
    list_per_page = 100
    fields = readonly_fields = COLUMNS

    @admin.display(description="时间", ordering="created_at")
    def time(self, event):
        return f"{timezone.localtime(event.created_at):%Y-%m-%d %H:%M:%S}"

    @admin.display(description="详情")
    def details(self, event):
        return json.dumps(readable(event.detail), ensure_ascii=False) if event.detail else ""

    def get_export_filename(self, request, queryset, file_format):
        # ASCII: import-export writes the name into Content-Disposition as it is.
        return f"audit-log-{timezone.localdate():%Y%m%d}.{file_format.get_extension()}"
