"""导入年报 in the admin: upload → preview (nothing stored) → confirm → result, as background jobs.

The upload is staged (reports.staging) and read once by a job; the preview page shows the parse
results it kept, and confirming starts the import job, whose page shows the per-file results.

The preview shows, for every file, the detected agency and year, the tables in the official
layout with their findings, the narrative, and whether the import would create a report,
replace one (with the cells that change) or repeat an identical upload. The reviewer chooses the
agency where the name matches none or several; each confirmed file is imported atomically.
"""
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from reports import jobs, staging
from reports import vocabulary as v
from reports.importing import UNCHANGED, preview_shape, upload_files
from reports.layout import narrative_layout, official_tables
from reports.models import Agency, Job, JobKind, JobState
from reports.models.agency import AgencyRefused
from reports.models.annual_report import FIRST_YEAR, LAST_YEAR
from reports.parsers import ARCHIVES, MAX_ARCHIVE_BYTES, MAX_BYTES, SUPPORTED, ParseError
from reports.parsers.blocks import norm
from reports.rules.narrative import paragraphs

from . import jobs as jobs_views

MAX_FILES = 50
NEW, OTHER = "new", "other"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern for <input multiple>)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = (data if isinstance(data, (list, tuple)) else [data]) or [None]  # none chosen: required
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="年报文件",
        allow_empty_file=True,  # an empty file is that file's failure, not the whole upload's
        error_messages={"required": "请选择要导入的文件。"},
        widget=MultipleFileInput(attrs={"accept": ",".join((*SUPPORTED, *ARCHIVES))}),
        help_text=f"可一次选择多个文件，或上传 .zip 压缩包。支持：{'、'.join((*SUPPORTED, *ARCHIVES))}；"
        f"单个文件不超过 {MAX_BYTES // 1024 // 1024} MB，压缩包不超过 {MAX_ARCHIVE_BYTES // 1024 // 1024} MB。",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传 {MAX_FILES} 个文件，可将更多文件打包为 .zip 上传。")
        return files


def staged_files(upload):
    """(name, bytes or ParseError) for one uploaded file: a file of a type or size that cannot be
    imported is refused on its own, and the other files of the upload go on."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (*SUPPORTED, *ARCHIVES):
        return [(upload.name, ParseError(f"文件类型「{suffix or upload.name}」不受支持，支持：{'、'.join((*SUPPORTED, *ARCHIVES))}。"))]
    limit = MAX_ARCHIVE_BYTES if suffix in ARCHIVES else MAX_BYTES
    if upload.size > limit:
        return [(upload.name, ParseError(f"文件超过 {limit // 1024 // 1024} MB 的上限。"))]
    return upload_files(upload.read(), upload.name)


class ChoiceForm(forms.Form):
    """The reviewer's decision for one previewed file."""

    include = forms.BooleanField(label="导入", required=False)
    agency = forms.ChoiceField(label="机关", widget=forms.RadioSelect, required=False)
    new_name = forms.CharField(label="新建机关名称", required=False, max_length=100)
    other_name = forms.CharField(label="已有机关的完整名称", required=False, max_length=100)
    year = forms.IntegerField(label="报告年度", min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)

    def __init__(self, *args, item, resolver, **kwargs):
        self.item = item
        self.resolver = resolver  # agencies are looked up within what the reviewer may see
        shape = item.shape
        # A single match is preselected, none means a new agency; several must be chosen.
        choice = str(item.agency.pk) if item.agency else (NEW if not item.candidates else None)
        initial = {
            "include": item.action in ("created", "updated"),
            "agency": choice,
            "new_name": shape.agency or "",
            "year": shape.year,
        }
        super().__init__(*args, initial=initial, **kwargs)
        choices = [(str(a.pk), f"已有：{a.name}") for a in item.candidates]
        self.fields["agency"].choices = choices + [(NEW, "新建机关"), (OTHER, "其他已有机关")]

    def clean(self):
        data = super().clean()
        if not data.get("include"):
            return data
        choice = data.get("agency")
        if not choice:
            self.add_error("agency", "该名称对应多个机关，请选择一个。")
        elif choice == NEW:
            name = norm(data.get("new_name") or "")
            try:
                existing = self.resolver.candidates(name) if name else []
                data["chosen"] = self.resolver.new(name) if name and not existing else None
                if name and not existing:
                    self.resolver.refuse_hidden(name)
            except AgencyRefused as exc:
                self.add_error("new_name", str(exc))
            else:
                if not name:
                    self.add_error("new_name", "请填写新建机关的名称。")
                elif existing:
                    names = "、".join(a.name for a in existing)
                    self.add_error("new_name", f"已有机关「{names}」与此名称相同或只差地名前缀，请选择已有机关。")
        elif choice == OTHER:
            data["chosen"] = self.resolver.named(data.get("other_name") or "")
            if data["chosen"] is None:
                self.add_error("other_name", "您负责的行政区划内没有这个名称的机关，请填写机关管理中的完整名称。")
        elif choice:
            data["chosen"] = next((a for a in self.item.candidates if str(a.pk) == choice), None)
        if not data.get("year"):
            self.add_error("year", "请填写报告年度。")
        return data


def may_import(request):
    return request.user.has_perm("reports.import_reports")


def upload_view(model_admin, request):
    if not may_import(request):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [item for upload in form.cleaned_data["files"] for item in staged_files(upload)]
        token = staging.stage(request.user, files)
        # Parsed once, in the background; the preview page waits for it.
        jobs.start(request.user, JobKind.IMPORT_PREVIEW, f"读取导入文件（{len(files)} 个）", total=len(files), token=token)
        return redirect(reverse("admin:reports_annualreport_upload_preview", args=[token]))
    context = {**model_admin.admin_site.each_context(request), "title": "导入年报", "form": form,
               "opts": model_admin.model._meta}  # fmt: skip
    return TemplateResponse(request, "admin/reports/annualreport/import_upload.html", context)


def preview_view(model_admin, request, token):
    if not may_import(request):
        raise PermissionDenied
    user = request.user
    started = Job.objects.filter(user=user, token=token, kind=JobKind.IMPORT).first()
    if started:  # confirmed: Back, Refresh or a second click show the import's job
        return redirect("admin:reports_annualreport_job", started.pk)
    try:
        names = staging.names(user, token)
        parsed = staging.parsed(user, token)
    except LookupError:
        messages.error(request, "导入内容已过期或不存在，请重新上传。")
        return redirect("admin:reports_annualreport_upload")
    if parsed is None:  # still being read: its job's progress, refreshing until the preview is ready
        reading = Job.objects.filter(user=user, token=token, kind=JobKind.IMPORT_PREVIEW).first()
        if reading is None:
            messages.error(request, "导入内容已过期或不存在，请重新上传。")
            return redirect("admin:reports_annualreport_upload")
        if reading.state == JobState.DONE:  # kept by the code before a deploy: read again, then shown
            jobs.restart(reading)
            return redirect(request.path)
        return jobs_views.render_job(model_admin, request, reading)
    shapes, findings = parsed
    # Judged once, by the preview job, for the agency and year detected.
    items = [preview_shape(shape, name, user, findings=judged) for name, shape, judged in zip(names, shapes, findings)]
    resolver = Agency.objects.resolver(user)
    forms_ = [
        ChoiceForm(request.POST or None, prefix=str(i), item=item, resolver=resolver) if not item.error else None
        for i, item in enumerate(items)
    ]
    if request.method == "POST" and all(f is None or f.is_valid() for f in forms_):
        return _confirm(request, token, forms_)
    items = [_as_chosen(item, form, user) for item, form in zip(items, forms_)]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "导入预览",
        "opts": model_admin.model._meta,
        "entries": [
            {
                "item": item,
                "form": form,
                "tables": official_tables(item.shape, item.findings) if item.shape else [],
                "report_shape": item.shape,
                "narrative": narrative_layout(paragraphs(item.shape), item.findings) if item.shape else {},
            }
            for item, form in zip(items, forms_)
        ],
        "headings": {s.key: v.heading(s.key) for s in v.SECTIONS},
        "unchanged": UNCHANGED,
    }
    return TemplateResponse(request, "admin/reports/annualreport/import_preview.html", context)


def _as_chosen(item, form, user):
    """The item as the reviewer's valid choice of another stored agency or year would import it,
    judged again (that file only), so that the findings shown are those of what is on screen."""
    if form is None or not form.is_bound or not form.is_valid() or not form.cleaned_data.get("include"):
        return item
    chosen, year = form.cleaned_data["chosen"], form.cleaned_data["year"]
    if chosen is None or chosen.pk is None or (chosen == item.agency and year == item.shape.year):
        return item
    return preview_shape(item.shape, item.name, user, agency=chosen, year=year)


def _confirm(request, token, forms_):
    """Start the one import of this staged upload: a second click or tab, however close, finds
    the first one's job (the database allows one import job per upload)."""
    choices = []
    for index, form in enumerate(forms_):
        if form is None or not form.cleaned_data.get("include"):
            continue
        chosen = form.cleaned_data["chosen"]  # an unsaved agency is created by the import
        choices.append({"index": index, "agency": chosen.pk, "new_name": chosen.name, "year": form.cleaned_data["year"]})
    try:
        job = jobs.start(request.user, JobKind.IMPORT, f"导入年报（{len(choices)} 份）", total=len(choices),
                         token=token, choices=choices)  # fmt: skip
    except IntegrityError:
        job = Job.objects.get(user=request.user, token=token, kind=JobKind.IMPORT)
    return redirect("admin:reports_annualreport_job", job.pk)
