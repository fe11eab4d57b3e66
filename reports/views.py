"""The agency site: 我的年报, the edit page in the official layout, submission, the print view.

Plain views over the same form, layout, rules and workflow as the admin. Every report is looked
up through AnnualReport.objects.visible_to(user), so a clerk reaches only their agency's.
"""
import io
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reports import audit, filling, roles, staging, versions, workflow
from reports.compare import compare
from reports import vocabulary as v
from reports.exporters import DOCX, XLSX
from reports.exporters.report_workbook import write_report_workbook
from reports.exporters.word import write_docx
from reports.forms import AgencyReportForm, chosen_year, current_year
from reports.layout import HEADINGS, narrative_layout, official_tables, report_level, text_pointers
from reports.models import AnnualReport, AuditAction, Profile
from reports.models.annual_report import opening_shape
from reports.models.submission import place_of
from reports.parsers import MAX_BYTES, SUPPORTED, ParseError
from reports.parsers.sandbox import parse_untrusted
from reports.rules import narrative
from reports.rules.engine import evaluate
from reports.rules.shape import ReportShape, begun

def _report(request, pk):
    return get_object_or_404(AnnualReport.objects.visible_to(request.user).with_sections(), pk=pk)


def _agency(user):
    profile = Profile.objects.filter(user=user).select_related("agency").first()
    return profile.agency if profile else None


MY_REPORTS_PAGE = 50


@login_required
def my_reports(request):
    reports = AnnualReport.objects.visible_to(request.user).select_related("agency").order_by("-year", "agency__name")
    agency = _agency(request.user)
    year = current_year()
    can_start = (
        agency is not None
        and roles.role_of(request.user) == roles.AGENCY_CLERK
        and not reports.filter(agency=agency, year=year).exists()
    )
    # A page at a time: a clerk has a report a year, but a reviewer reaching this list sees a region's.
    page = Paginator(reports, MY_REPORTS_PAGE).get_page(request.GET.get("p"))
    # 填写 only where the user may edit: a reviewer reaching this list reads, and is not offered forms.
    editable = {r.pk for r in page if workflow.may_edit(r, request.user)}
    return render(request, "reports/my_reports.html", {"reports": page, "agency": agency, "year": year,
                                                        "can_start": can_start, "editable": editable})  # fmt: skip


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
    """上传文件填充: a file, or one staged while the clerk was asked about its year."""

    file = forms.FileField(label="上传文件填充", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    other_year = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, report, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.report, self.user = report, user
        self.asks_year = None  # (staging token, file name, the file's year) while the clerk decides

    def clean(self):
        data = super().clean()
        upload, token = data.get("file"), data.get("token")
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB 的上限。")
            name, content = upload.name, upload.read()
        elif token:
            try:
                [(name, content)] = staging.load(self.user, token)
            except (LookupError, ValueError):
                raise forms.ValidationError("该文件已不在服务器上，请重新选择文件。") from None
        else:
            raise forms.ValidationError("请选择要读取的文件。")
        try:
            shape = parse_untrusted(content, name)
            filling.check(self.report, shape, other_year=bool(token and data.get("other_year")))
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from exc
        except filling.Refused as exc:
            raise forms.ValidationError(str(exc)) from exc
        except filling.OtherYear as exc:
            self.asks_year = (staging.stage(self.user, [(name, content)]), name, exc.year)
            raise forms.ValidationError("", code="other_year") from None
        data["name"], data["shape"] = name, shape
        return data


@login_required
def edit_report(request, pk):
    report = _report(request, pk)
    if not workflow.may_edit(report, request.user):
        return redirect("reports:print", report.pk)
    fill, filled, shown = FillForm(report=report, user=request.user), None, None
    if request.method == "POST" and "fill" in request.POST:
        fill = FillForm(request.POST, request.FILES, report=report, user=request.user)
        if fill.is_valid():
            filled = filling.fill(report.to_shape(), fill.cleaned_data["shape"])
            shown = filled.shape
        form = AgencyReportForm(instance=report, user=request.user, shown=shown)
    else:
        form = AgencyReportForm(request.POST or None, instance=report, user=request.user)
    if request.method == "POST" and "fill" not in request.POST and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except versions.StaleVersion as exc:  # someone saved between the check and this save
            form.add_error(None, str(exc))
        else:
            messages.success(request, "草稿已保存。")
            return redirect("reports:edit", report.pk)
    # What the page shows, and its verdict: the values typed, a file read in, or the stored report.
    shape = form.shape or shown or form.stored
    findings = form.findings if form.shape else report.evaluate(shape)
    tables = official_tables(shape, findings, form)
    paragraphs = list(narrative.paragraphs(shape))
    # 一 and 六 are edited in one box each; a finding about one of their sentences points at it.
    boxes = {name: form[name].id_for_label for name in ("overall", "other")}
    return render(request, "reports/edit.html", {
        "report": report, "form": form, "fill": fill, "filled": filled,
        "file_name": fill.cleaned_data["name"] if filled else "",
        "findings": findings, "report_findings": report_level(findings, tables), "report_shape": shape,
        "counts": Counter(str(f.severity) for f in findings),
        "tables": tables, "editable": True, "headings": HEADINGS,
        "narrative_fields": {name: form[name] for name in ("preamble", *v.NARRATIVE)},
        "narrative": narrative_layout(paragraphs, findings), "pointers": text_pointers(paragraphs, findings, boxes),
        "accepted": ",".join(SUPPORTED),
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
    explained = {place_of(e): e.text for e in report.explanations.all()}
    entries = [
        (f, ExplanationForm(request.POST or None, prefix=f"w{i}", initial={"text": explained.get(place_of(f), "")}))
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
    # Which paragraph each warning about a sentence is in: two may read alike.
    pointers = text_pointers(report.paragraphs.all(), warnings, {})
    return render(request, "reports/submit.html", {"report": report, "errors": errors, "entries": entries,
                                                   "pointers": pointers})  # fmt: skip


@login_required
def print_report(request, pk):
    report = _report(request, pk)
    shape = report.to_shape()
    findings = list(report.findings.all())
    tables = official_tables(shape, findings)
    return render(request, "reports/print.html", {
        "report": report, "report_shape": shape, "tables": tables,
        "narrative": narrative_layout(report.paragraphs.all(), findings),
        "headings": HEADINGS, "editable": False, "linked": True, "findings": findings,
        "report_findings": report_level(findings, tables),
        "transitions": report.transitions.select_related("user"), "may_edit": workflow.may_edit(report, request.user),
        "may_submit": workflow.may_move(report, workflow.S.SUBMITTED, request.user),
    })  # fmt: skip


@login_required
def compare_report(request, pk):
    """与上年对比 of a report the user may see."""
    report = _report(request, pk)
    visible = AnnualReport.objects.visible_to(request.user)
    comparison = compare(report, list(report.findings.all()), visible, "reports:print")
    return render(request, "reports/compare.html", {"report": report, "comparison": comparison})


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
    if agency:
        shape = opening_shape(agency, year)
    else:
        shape = begun(ReportShape(year=year, format_version=v.format_for_year(year)))
    name = f"{agency.name if agency else ''}{year}年政府信息公开工作年度报告（填报模板）.xlsx"
    return _attachment(write_report_workbook(shape, fill_in=True), name, XLSX)
