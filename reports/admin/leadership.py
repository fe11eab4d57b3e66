"""统计汇总 (领导看板): a selection's totals and two bar charts, and the same selection as Excel.

Both views read the selection from reports.selection, so the page and its download always cover
the same reports. Charts are inline SVG drawn here, with no script.
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from reports import jobs
from reports import vocabulary as v
from reports.models import AnnualReport, JobKind
from reports.selection import ReportSelection, totals

# The official labels the page prints (quoted from the vocabulary, never retyped).
LABELS = {
    "active": v.heading("active"),
    "applications": v.heading("applications"),
    "review": v.heading("review_litigation"),
    "licensing": v.ACTIVE.row_by_key["licensing"].label,
    "penalty": v.ACTIVE.row_by_key["penalty"].label,
    "decisions": v.ACTIVE_VALUE_HEADERS["licensing"],
    "decisions_2019": v.DECISIONS.label,
    "total": v.APPLICATIONS.column_by_key["total"].label,
    "results": [c.label for c in v.RESULT_COLUMNS],
    "reconsideration": v.REVIEW_LITIGATION.rows[0].label,
    "litigation": v.LITIGATION_LABEL,
}
BAR_LENGTH, BAR_STEP = 360, 40  # px of the longest bar; px per bar, its label above it


def _selection(model_admin, request):
    # 审核员, 领导 and superusers view reports; a clerk made staff has no such permission.
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    query = request.GET.copy()
    if "year" not in query:  # the latest year the user has reports of, not every year added up
        latest = AnnualReport.objects.visible_to(request.user).aggregate(latest=Max("year"))["latest"]
        query["year"] = latest or ""
    return ReportSelection(query, request=request)


def chart(title, pairs):
    """A horizontal bar chart of (label, value) pairs: each bar's length and position in px. Counts
    are stored as published, so a negative one is possible: its bar is empty, its number shown."""
    top = max((value for _, value in pairs), default=0) or 1
    bars = [
        {"label": label, "value": value, "length": round(BAR_LENGTH * max(value, 0) / top), "y": i * BAR_STEP}
        for i, (label, value) in enumerate(pairs)
    ]
    return {"title": title, "bars": bars, "height": len(bars) * BAR_STEP, "width": BAR_LENGTH + 60}


def leadership_view(model_admin, request):
    selection = _selection(model_admin, request)
    figures, charts, year = None, [], None
    if selection.is_valid():  # otherwise only the form, with its errors
        figures = totals(selection.reports())
        charts = [chart("报告状态分布（份）", figures["by_status"]), chart("申请办理结果（件）", figures["outcomes"])]
        year = selection.form.cleaned_data.get("year")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{year}年度统计汇总" if year else "统计汇总",
        "opts": model_admin.model._meta,
        "selection": selection,
        "figures": figures,
        "charts": charts,
        "labels": LABELS,
        "query": selection.data.urlencode(),  # the download covers what the page shows
    }
    return TemplateResponse(request, "admin/reports/annualreport/leadership.html", context)


def download_view(model_admin, request):
    """The selection's workbook, written by a background job: the user is sent to its page, which
    offers the file when it is ready."""
    selection = _selection(model_admin, request)
    if not selection.is_valid():  # the page shows what is wrong
        return redirect(f"{reverse('admin:reports_annualreport_leadership')}?{request.GET.urlencode()}")
    year = selection.form.cleaned_data.get("year") or "全部年度"
    job = jobs.start(request.user, JobKind.SUMMARY, f"{year}年度统计汇总工作簿", query=selection.data.urlencode(),
                     filename=f"年报汇总_{year}.xlsx")  # fmt: skip
    return redirect("admin:reports_annualreport_job", job.pk)
