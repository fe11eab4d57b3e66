"""The reviewer's report admin: a filterable list, and each report laid out as published."""
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from import_export.admin import ImportExportMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from reports import audit, roles, workflow
from reports.compare import compare
from reports import vocabulary as v
from reports.forms import ReportForm
from reports.layout import HEADINGS, narrative_layout, official_tables, report_level
from reports.models import AnnualReport, AuditAction
from reports.versions import changed_cells, recheck_following, report_label
from reports.resources import ReportStatisticsResource
from reports.rules import narrative
from reports.rules.shape import ReportShape

from . import import_views
from . import jobs
from . import leadership
from . import review
from .filters import HasErrorsFilter, OverdueFilter, RegionFilter, ReturnedUnchangedFilter, UnexplainedWarningsFilter
from .formats import TableFormats
from .paging import KeysFirstChangeList, KeysFirstPaginator
from .search import AgencyNameSearch
from .site import ChineseDeletion


NARRATIVE_MODEL_FIELDS = ("preamble", "overall", "other")


@admin.register(AnnualReport)
class AnnualReportAdmin(ChineseDeletion, AgencyNameSearch, TableFormats, ImportExportMixin, admin.ModelAdmin):
    form = ReportForm
    resource_classes = [ReportStatisticsResource]
    import_audit_action = AuditAction.IMPORT  # a statistics sheet stores reports' figures
    change_form_template = "admin/reports/annualreport/change_form.html"
    # Extends import-export's list (its 导入/导出 buttons) and adds 报送进度 and 导入年报 for
    # everyone who may use them, not only users with the add permission.
    import_export_change_list_template = "admin/reports/annualreport/change_list.html"
    list_display = ("agency", "region", "year", "status_label", "error_count", "warning_count", "validated_at")
    list_filter = (
        "year",
        "status",
        RegionFilter,
        HasErrorsFilter,
        UnexplainedWarningsFilter,
        ReturnedUnchangedFilter,
        OverdueFilter,
    )
    actions = [review.approve, review.send_back]
    search_fields = ("agency__name",)
    list_select_related = ("agency", "agency__region")
    ordering = ("-year", "agency__name")
    # The total beside a filtered count is another COUNT of every report in scope, on each page.
    show_full_result_count = False
    paginator = KeysFirstPaginator
    autocomplete_fields = ("agency",)
    # The status changes only through reports.workflow (the buttons below), never by editing.
    readonly_fields = ("status", "source", "error_count", "warning_count", "validated_at")
    fieldsets = (
        (None, {"fields": ("agency", "year", "status", "scope", "format_version", "title")}),
        ("原始文件与校验", {"fields": ("source", "error_count", "warning_count", "validated_at")}),
    )

    def has_review_permission(self, request):
        return roles.role_of(request.user) in (roles.REVIEWER, roles.SUPERUSER)

    def has_delete_permission(self, request, obj=None):
        # A report that was ever submitted keeps its history: it cannot be deleted (its
        # transitions also PROTECT it in the database, which the bulk delete action reports).
        if obj is not None and (obj.submitted_at or obj.transitions.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        self.delete_queryset(request, AnnualReport.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        """A never-submitted report may go, but the audit log keeps its last version; the next
        year's report of its agency, judged against it (W5, W6), is judged again."""
        gone = []
        for report in queryset.select_related("agency"):
            last = report.revisions.first()
            detail = {"version": report.version, "status": report.status, "source": report.source_name,
                      "sha256": report.source_sha256, "last_revision": last.data if last else None}  # fmt: skip
            audit.record(AuditAction.DELETE, report_label(report), detail=detail)
            gone.append((report.agency_id, report.year))
            report.delete()
        recheck_following(gone)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "may_import": import_views.may_import(request)})

    def get_changelist(self, request, **kwargs):
        return KeysFirstChangeList

    def get_queryset(self, request):
        # The one scoping rule: a reviewer's office sees its region subtree, and nothing else.
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description="行政区划", ordering="agency__region__name")
    def region(self, report):
        return report.agency.region or "—"

    @admin.display(description="状态", ordering="status")
    def status_label(self, report):
        return format_html('<span class="status status-{}">{}</span>', report.status, report.get_status_display())

    @admin.display(description="原始文件")
    def source(self, report):
        if not report.source_file:
            return "—"
        url = reverse("admin:reports_annualreport_source", args=[report.pk])
        return format_html('<a href="{}">{}</a>（SHA-256 {}）', url, report.source_name, report.source_sha256)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(lambda request, *args, **kwargs: view(self, request, *args, **kwargs))

        return [
            path("upload/", wrap(import_views.upload_view), name="reports_annualreport_upload"),
            path("upload/<str:token>/", wrap(import_views.preview_view), name="reports_annualreport_upload_preview"),
            path("<int:pk>/source/", wrap(AnnualReportAdmin.source_view), name="reports_annualreport_source"),
            path("<int:pk>/move/", wrap(review.move_view), name="reports_annualreport_move"),
            path("<int:pk>/compare/", wrap(AnnualReportAdmin.compare_view), name="reports_annualreport_compare"),
            path("<int:pk>/acknowledge/", wrap(review.acknowledge_view), name="reports_annualreport_acknowledge"),
            path("progress/", wrap(review.progress_view), name="reports_annualreport_progress"),
            path("jobs/", wrap(jobs.jobs_view), name="reports_annualreport_jobs"),
            path("jobs/<int:pk>/", wrap(jobs.job_view), name="reports_annualreport_job"),
            path("jobs/<int:pk>/download/", wrap(jobs.download_view), name="reports_annualreport_job_download"),
            path("jobs/revalidate/", wrap(jobs.revalidate_view), name="reports_annualreport_revalidate"),
            path("leadership/", wrap(leadership.leadership_view), name="reports_annualreport_leadership"),
            path(
                "leadership/download/",
                wrap(leadership.download_view),
                name="reports_annualreport_leadership_download",
            ),
            *super().get_urls(),
        ]

    def source_view(self, request, pk):
        """The original file as uploaded, to whoever may view the report."""
        report = get_object_or_404(self.get_queryset(request).select_related("agency"), pk=pk)
        if not self.has_view_permission(request, report) or not report.source_file:
            raise Http404
        try:
            stream = report.source_file.open("rb")
        except FileNotFoundError:
            raise Http404("原始文件已不在存储中。") from None
        audit.record(AuditAction.EXPORT, report, detail={"kind": "source", "file": report.source_name})
        return FileResponse(stream, as_attachment=True, filename=report.source_name)

    def compare_view(self, request, pk):
        """与上年对比, to whoever may view the report."""
        report = get_object_or_404(self.get_queryset(request).with_sections(), pk=pk)
        if not self.has_view_permission(request, report):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": f"{report}·与上年对比",
            "opts": self.model._meta,
            "report": report,
            "comparison": compare(
                report, list(report.findings.all()), self.get_queryset(request), "admin:reports_annualreport_change"
            ),
        }
        return TemplateResponse(request, "admin/reports/annualreport/compare.html", context)

    def get_form(self, request, obj=None, **kwargs):
        # The narrative is rendered in the report body, not in the fieldsets, but edited by the form.
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [*fields, *NARRATIVE_MODEL_FIELDS]
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        editable = self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        stored = list(obj.findings.all()) if obj else []  # read once: the layout's and the review panel's
        if form.shape is not None:  # a submitted form: what was typed, and its findings
            shape, findings = form.shape, form.instance.evaluate(form.shape)
            paragraphs = narrative.paragraphs(shape)
        else:
            shape, findings = form.stored, stored
            paragraphs = obj.paragraphs.all() if obj else []
        tables = official_tables(shape, findings, form if editable else None)
        context.update(
            tables=tables,
            findings=findings,
            report_findings=report_level(findings, tables),  # each table's own are listed below it
            report_shape=shape,
            narrative=narrative_layout(paragraphs, findings),
            linked=not editable,  # the text is shown, not its form fields: a finding links to its sentence
            editable=editable,
            narrative_fields={name: form[name] for name in ("preamble", *v.NARRATIVE)} if editable else {},
            headings=HEADINGS,
            revisions=_with_changes(obj.revisions.select_related("created_by")[:20]) if obj else [],
            moves=[(s, workflow.ACTION_LABELS[s]) for s in workflow.allowed_moves(obj, request.user)] if obj else [],
            warnings=review.warnings_of(obj, stored) if obj else [],
            may_acknowledge=self.has_review_permission(request),
            transitions=obj.transitions.select_related("user") if obj else [],
        )
        return super().render_change_form(request, context, add, change, form_url, obj)



def _with_changes(revisions):
    """Each revision with the cells it changed against the one before it (newest first)."""
    revisions = list(revisions)
    for newer, older in zip(revisions, revisions[1:]):
        newer.changes = changed_cells(ReportShape.from_json(older.data), ReportShape.from_json(newer.data))
    if revisions:
        revisions[-1].is_first = True
    return revisions
