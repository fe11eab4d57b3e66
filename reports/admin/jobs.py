"""我的任务: the user's background jobs, each job's progress and outcome, and its download.

A user sees only their own jobs (a superuser everyone's); another user's job is a 404. The job
page refreshes itself while the job runs: <meta http-equiv=refresh> without JavaScript, and a
small script (static/reports/job.js) that moves the bar in place where scripts run.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django_tasks_db.models import DBTaskResult

from reports import audit, jobs
from reports.importing import Outcome
from reports.models import AnnualReport, AuditAction, Job, JobKind
from reports.models.annual_report import FIRST_YEAR, LAST_YEAR

REFRESH_SECONDS = 2

# The task queue's rows (django_tasks_db registers them in English) are the workers' business;
# people follow their jobs here.
admin.site.unregister(DBTaskResult)


class RevalidateForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=FIRST_YEAR, max_value=LAST_YEAR)


def visible_jobs(user):
    return Job.objects.all() if user.is_superuser else Job.objects.filter(user=user)


def jobs_view(model_admin, request):
    page = Paginator(visible_jobs(request.user).select_related("user"), 50).get_page(request.GET.get("page"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "我的任务",
        "opts": model_admin.model._meta,
        "page": page,
        "revalidate": RevalidateForm() if model_admin.has_review_permission(request) else None,
        "running": any(not job.finished for job in page),
        "refresh": REFRESH_SECONDS,
    }
    return TemplateResponse(request, "admin/reports/job_list.html", context)


def job_view(model_admin, request, pk):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    if request.headers.get("Accept") == "application/json":  # the page's script asks for the bar
        return JsonResponse({"finished": job.finished, "done": job.done, "total": job.total, "percent": job.percent})
    return render_job(model_admin, request, job)


def render_job(model_admin, request, job):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": job.title,
        "opts": model_admin.model._meta,
        "job": job,
        "refresh": REFRESH_SECONDS,
        "outcomes": _outcomes(request, job) if job.kind == JobKind.IMPORT else None,
    }
    return TemplateResponse(request, "admin/reports/job.html", context)


def _outcomes(request, job):
    kept = job.result.get("outcomes", [])
    reports = AnnualReport.objects.visible_to(request.user).select_related("agency").in_bulk(
        [item["report"] for item in kept if item["report"]]
    )
    return [Outcome(item["name"], item["action"], item["message"], reports.get(item["report"])) for item in kept]


def download_view(model_admin, request, pk):
    job = get_object_or_404(visible_jobs(request.user).exclude(file=""), pk=pk)
    try:
        stream = default_storage.open(job.file, "rb")
    except OSError:
        raise Http404("文件已过期并被清理，请重新生成。") from None
    # As the workbook's download was always audited: what it covers, when someone takes it.
    detail = {"selection": job.params.get("query", ""), "reports": job.result.get("reports")}
    audit.record(AuditAction.EXPORT, job.get_kind_display(), detail=detail)
    return FileResponse(stream, as_attachment=True, filename=job.filename)


def revalidate_view(model_admin, request):
    """POST: re-run every rule over one year's reports the reviewer may see."""
    if request.method != "POST" or not model_admin.has_review_permission(request):
        raise PermissionDenied
    form = RevalidateForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"请填写 {FIRST_YEAR}–{LAST_YEAR} 之间的报告年度。")
        return redirect("admin:reports_annualreport_jobs")
    year = form.cleaned_data["year"]
    job = jobs.start(request.user, JobKind.REVALIDATE, f"重新校验{year}年度报告", year=year)
    return redirect("admin:reports_annualreport_job", job.pk)
