"""The reviewer's work in the admin: transitions (one report or many), and 报送进度.

Every move goes through reports.workflow, so the admin's buttons, its bulk actions and the agency
site obey the same rules; a report a bulk action cannot move is listed with the reason.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from reports import audit, jobs, workflow
from reports.choices import AgencyKind, ReportStatus, Severity
from reports.forms import chosen_year
from reports.models import Acknowledgement, Agency, AnnualReport, AuditAction, Finding, JobKind, Region
from reports.models.agency import regions_around
from reports.models.annual_report import deadline_for
from reports.models.submission import place_fields, place_of

NOT_STARTED = "未填报"


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), required=False)


def move_view(model_admin, request, pk):
    """POST from a report's page: make one transition with the reviewer's comment."""
    report = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    target = request.POST.get("to_status")
    if request.method != "POST" or target not in ReportStatus.values:
        raise PermissionDenied
    try:
        workflow.move(report, target, request.user, request.POST.get("comment", ""))
    except workflow.TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{workflow.ACTION_LABELS[target]}：{report}")
    return redirect(reverse("admin:reports_annualreport_change", args=[pk]))


# What a reviewer's acknowledgement says when the note is left empty.
VERIFIED = "已核实"


def acknowledge_view(model_admin, request, pk):
    """POST from a report's page: acknowledge one of its warnings (「已核实」) with a note. Only
    a reviewer of the report's region may (the report must be among those the admin shows them)."""
    if request.method != "POST" or not model_admin.has_review_permission(request):
        raise PermissionDenied
    report = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    chosen = request.POST.get("finding", "")
    warnings = Finding.objects.filter(report=report, severity=Severity.WARNING)
    # A primary key as the page sends it: ASCII digits that fit the column (「²」 and 30 digits are not).
    finding = warnings.filter(pk=chosen).first() if chosen.isascii() and chosen.isdigit() and len(chosen) < 19 else None
    if finding is None:  # revalidated since the page was opened: the warning is gone or renewed
        messages.error(request, "该警告已不存在（报告已重新校验），请刷新页面后再核实。")
    else:
        note = request.POST.get("note", "").strip()[:2000] or VERIFIED
        Acknowledgement.objects.update_or_create(
            report=report, **place_fields(finding), message=finding.message,
            defaults={"note": note, "user": request.user},
        )  # fmt: skip
        # A finding about a sentence: which one (two may read alike).
        sentence = {} if finding.paragraph is None else {"paragraph": finding.paragraph, "span": list(finding.span)}
        audit.record(
            AuditAction.ACKNOWLEDGE, report, user=request.user,
            detail={"code": finding.code, "location": finding.location, **sentence, "message": finding.message,
                    "note": note},
        )  # fmt: skip
        messages.success(request, f"已核实 {finding.code}：{finding.message}")
    return redirect(reverse("admin:reports_annualreport_change", args=[pk]))


def warnings_of(report, findings=None):
    """Each stored warning of `report` with the agency's 上报说明 and the reviewer's
    acknowledgement beside it (None where there is none): [(finding, explanation, acknowledgement)].
    `findings`: the report's stored findings where the caller has read them already."""
    if findings is None:
        warnings = report.findings.filter(severity=Severity.WARNING)
    else:
        warnings = [f for f in findings if f.severity == Severity.WARNING]
    explanations = {place_of(e): e for e in report.explanations.exclude(text="")}
    acknowledgements = {(place_of(a), a.message): a for a in report.acknowledgements.select_related("user")}
    return [(f, explanations.get(place_of(f)), acknowledgements.get((place_of(f), f.message))) for f in warnings]


def bulk_move(model_admin, request, queryset, target):
    """The intermediate page of the 审核通过 / 退回修改 actions: a comment, then each report moved
    or listed as skipped with the reason."""
    form = CommentForm(request.POST if "confirm" in request.POST else None)
    if "confirm" in request.POST and form.is_valid():
        # Moved by a background job (each report re-validated); its page lists what it skipped.
        kind = JobKind.APPROVE if target == ReportStatus.APPROVED else JobKind.RETURN
        pks = list(queryset.values_list("pk", flat=True))
        title = f"{workflow.ACTION_LABELS[target]}（{len(pks)} 份报告）"
        job = jobs.start(request.user, kind, title, total=len(pks), target=target, reports=pks,
                         comment=form.cleaned_data["comment"])  # fmt: skip
        return redirect("admin:reports_annualreport_job", job.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{workflow.ACTION_LABELS[target]}：确认",
        "opts": model_admin.model._meta,
        "reports": queryset.select_related("agency"),
        "form": form,
        "action": request.POST.get("action"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "needs_comment": target == ReportStatus.RETURNED,
    }
    return TemplateResponse(request, "admin/reports/annualreport/bulk_move.html", context)


@admin.action(description="审核通过所选报告", permissions=["review"])
def approve(model_admin, request, queryset):
    return bulk_move(model_admin, request, queryset, ReportStatus.APPROVED)


@admin.action(description="退回修改所选报告", permissions=["review"])
def send_back(model_admin, request, queryset):
    return bulk_move(model_admin, request, queryset, ReportStatus.RETURNED)


# 报送进度 shows this many agencies a page; its counts are over all of them.
PROGRESS_PAGE = 100


def progress_view(model_admin, request):
    """报送进度 for a year and a region: every agency, its report's status, submission, overdue;
    a page of agencies at a time, the counts of the whole selection from the database."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    year = chosen_year(request.GET)
    code = request.GET.get("region")
    region = Region.objects.filter(code=code).first() if code else None  # no region chosen: all of them
    agencies = Agency.objects.visible_to(request.user).select_related("region").order_by("region__path", "name")
    reports = model_admin.get_queryset(request).filter(year=year).order_by()
    if region:
        agencies = agencies.filter(region__path__startswith=region.path)
        reports = reports.in_region(region)
    page = Paginator(agencies, PROGRESS_PAGE).get_page(request.GET.get("p"))
    on_page = [agency.pk for agency in page]
    by_agency = {r.agency_id: r for r in reports.filter(agency_id__in=on_page)}
    late = set(reports.filter(agency_id__in=on_page).overdue(today).values_list("pk", flat=True))
    collected = AnnualReport.objects.collected(year)  # an agency without a report is late only then
    rows = []
    for agency in page:
        report = by_agency.get(agency.pk)
        deadline = report.deadline if report else deadline_for(year, agency.kind)
        overdue = report.pk in late if report else collected and today > deadline
        rows.append({"agency": agency, "report": report, "deadline": deadline, "overdue": overdue})
    by_status = dict(reports.values_list("status").annotate(n=Count("pk")))
    counts = {label: by_status.get(status, 0) for status, label in ReportStatus.choices}
    counts[NOT_STARTED] = page.paginator.count - sum(by_status.values())
    query = request.GET.copy()
    query.pop("p", None)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{year}年度报送进度",
        "opts": model_admin.model._meta,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "counts": counts,
        "year": year,
        "region": region,
        "regions": regions_around(region),
        "overdue_count": reports.overdue(today).count() + (_late_without_report(agencies, year, today) if collected else 0),
    }
    return TemplateResponse(request, "admin/reports/annualreport/progress.html", context)


def _late_without_report(agencies, year, today):
    """How many of `agencies` have no report of `year` and are past their deadline (条例 第五十条:
    the deadline follows the kind), in one query."""
    late_kinds = [kind for kind in AgencyKind.values if today > deadline_for(year, kind)]
    return agencies.exclude(reports__year=year).filter(kind__in=late_kinds).count()
