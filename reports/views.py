"""The agency site: 我的年报, the edit page in the official layout, submission, the print view.

Plain views over the same form, layout, rules and workflow as the admin. Every report is looked
up through AnnualReport.objects.visible_to(user), so a clerk reaches only their agency's.
"""
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reports import audit, roles, versions, workflow
from reports import vocabulary as v
from reports.exporters import DOCX, XLSX
from reports.exporters.report_workbook import write_report_workbook
from reports.exporters.word import write_docx
from reports.forms import AgencyReportForm, chosen_year, current_year
from reports.layout import HEADINGS, official_tables
from reports.models import AnnualReport, AuditAction, Profile
from reports.models.annual_report import opening_shape
from reports.parsers import MAX_BYTES, SUPPORTED, ParseError
from reports.parsers.sandbox import parse_untrusted
from reports.rules.shape import ReportShape

def _report(request, pk):
    return get_object_or_404(AnnualReport.objects.visible_to(request.user).with_sections(), pk=pk)


def _agency(user):
    profile = Profile.objects.filter(user=user).select_related("agency").first()
    return profile.agency if profile else None


@login_required
def my_reports(request):
    reports = AnnualReport.objects.visible_to(request.user).select_related("agency").order_by("-year")
    agency = _agency(request.user)
    year = current_year()
    can_start = (
        agency is not None
        and roles.role_of(request.user) == roles.AGENCY_CLERK
        and not reports.filter(agency=agency, year=year).exists()
    )
    return render(request, "reports/my_reports.html", {"reports": reports, "agency": agency, "year": year,
                                                        "can_start": can_start})  # fmt: skip


@login_required
@require_POST
def start_report(request):
    """This year's report for the clerk's agency, 上年结转 carried from last year's 结转下年度."""
    agency = _agency(request.user)
    if agency is None or roles.role_of(request.user) != roles.AGENCY_CLERK:
        raise PermissionDenied
    year = current_year()
    # get_or_create relies on the database's one-report-per-agency-year constraint under races.
    report, created = AnnualReport.objects.get_or_create(
        agency=agency, year=year, defaults={"format_version": v.format_for_year(year)}
    )
    if created:
        versions.store(report, opening_shape(agency, year), user=request.user, source="开始填报")
    return redirect("reports:edit", report.pk)


class FillForm(forms.Form):
    file = forms.FileField(label="上传文件填充")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB 的上限。")
        try:
            return parse_untrusted(upload.read(), upload.name)
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from exc


@login_required
def edit_report(request, pk):
    report = _report(request, pk)
    if not workflow.may_edit(report, request.user):
        return redirect("reports:print", report.pk)
    form = AgencyReportForm(request.POST or None, instance=report, user=request.user)
    fill = FillForm()
    if request.method == "POST" and "fill" in request.POST:
        fill = FillForm(request.POST, request.FILES)
        if fill.is_valid():
            form = AgencyReportForm(instance=report, user=request.user, prefill=fill.cleaned_data["file"])
            messages.info(request, "已从文件读取各项数据，请核对后点击“保存草稿”。")
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except versions.StaleVersion as exc:  # someone saved between the check and this save
            form.add_error(None, str(exc))
        else:
            messages.success(request, "草稿已保存。")
            return redirect("reports:edit", report.pk)
    shape = form.shape or form.stored
    findings = report.evaluate(shape)
    return render(request, "reports/edit.html", {
        "report": report, "form": form, "fill": fill, "findings": findings, "report_shape": shape,
        "tables": official_tables(shape, findings, form), "editable": True, "headings": HEADINGS,
        "narrative_fields": {name: form[name] for name in v.NARRATIVE},
        "accepted": ",".join(SUPPORTED),
        "outcomes": ",".join(v.outcome_keys(shape.format_version)),
    })  # fmt: skip


class ExplanationForm(forms.Form):
    text = forms.CharField(label="上报说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


@login_required
def submit_report(request, pk):
    report = _report(request, pk)
    if report.status not in workflow.EDITABLE:  # already submitted (Back after 报送, a second tab)
        messages.info(request, f"该报告状态为「{report.get_status_display()}」，不能再次报送。")
        return redirect("reports:print", report.pk)
    if not workflow.may_move(report, workflow.S.SUBMITTED, request.user):
        raise PermissionDenied
    findings = report.evaluate()
    errors = [f for f in findings if f.is_error]
    warnings = [f for f in findings if f.severity == "warning"]
    explained = {(e.code, e.location): e.text for e in report.explanations.all()}
    entries = [
        (f, ExplanationForm(request.POST or None, prefix=f"w{i}", initial={"text": explained.get((f.code, f.location or ""), "")}))
        for i, f in enumerate(warnings)
    ]  # fmt: skip
    if request.method == "POST" and not errors and all(form.is_valid() for _, form in entries):
        for finding, form in entries:
            workflow.explain(report, finding, form.cleaned_data["text"])
        try:
            workflow.move(report, workflow.S.SUBMITTED, request.user)
        except workflow.TransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "报告已报送，等待审核。")
            return redirect("reports:list")
    return render(request, "reports/submit.html", {"report": report, "errors": errors, "entries": entries})


@login_required
def print_report(request, pk):
    report = _report(request, pk)
    shape = report.to_shape()
    findings = list(report.findings.all())
    return render(request, "reports/print.html", {
        "report": report, "report_shape": shape, "tables": official_tables(shape, findings),
        "headings": HEADINGS, "editable": False, "findings": findings,
        "transitions": report.transitions.select_related("user"), "may_edit": workflow.may_edit(report, request.user),
        "may_submit": workflow.may_move(report, workflow.S.SUBMITTED, request.user),
    })  # fmt: skip


# kind → (writer, file name suffix, content type)
DOWNLOADS = {
    "xlsx": (write_report_workbook, ".xlsx", XLSX),
    "template": (lambda shape: write_report_workbook(shape, fill_in=True), "（填报模板）.xlsx", XLSX),
    "docx": (write_docx, ".docx", DOCX),
}


def _attachment(data, filename, content_type):
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type)


@login_required
def download_report(request, pk, kind):
    """The report as stored: Excel as on paper, the fill-in template holding it, or Word to publish."""
    report = _report(request, pk)
    write, suffix, content_type = DOWNLOADS[kind]
    shape = report.to_shape()
    audit.record(AuditAction.EXPORT, report, detail={"kind": kind})
    return _attachment(write(shape), f"{report.agency.name}{report.year}年政府信息公开工作年度报告{suffix}", content_type)


@login_required
def blank_template(request):
    """The fill-in template of a year: a clerk's has their agency and 上年结转 filled in."""
    year = chosen_year(request.GET)
    agency = _agency(request.user)
    shape = opening_shape(agency, year) if agency else ReportShape(year=year, format_version=v.format_for_year(year))
    name = f"{agency.name if agency else ''}{year}年政府信息公开工作年度报告（填报模板）.xlsx"
    return _attachment(write_report_workbook(shape, fill_in=True), name, XLSX)
