"""The one place that runs an import: parse → match agency and year → atomic save with history.

A report is stored as published: the shape's values go in unchanged and the findings are stored
beside them. Re-importing the same agency and year updates that report; every stored version is
kept as a ReportRevision, so the previous one is never lost.
"""
import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from reports import vocabulary as v
from reports.choices import ReportStatus
from reports.models import Agency, AnnualReport, ReportRevision
from reports.models.annual_report import FIRST_YEAR, LAST_YEAR
from reports.parsers import ARCHIVES, MAX_ARCHIVE_BYTES, MAX_BYTES, SUPPORTED, ParseError, parse_bytes
from reports.parsers.archive import report_members
from reports.names import same_agency, shorter_forms
from reports.parsers.blocks import norm
from reports.rules.engine import evaluate


class ImportRefused(Exception):
    """The file parsed but cannot be stored (no agency or year found, ambiguous agency)."""


@dataclass
class Outcome:
    name: str
    action: str  # created / updated / unchanged / failed
    message: str = ""
    report: AnnualReport | None = None

    ACTIONS = {"created": "新建", "updated": "更新", "unchanged": "未变化", "failed": "失败"}

    @property
    def action_label(self):
        return self.ACTIONS[self.action]


def agency_candidates(name):
    """Registered agencies a report's name may mean: the exact name alone, or every agency that
    is the same name with or without its city/province prefix (利通区… = 吴忠市利通区…)."""
    name = norm(name or "")
    if not name:
        return []
    exact = Agency.objects.filter(name=name).first()
    if exact:
        return [exact]
    nearby = Agency.objects.filter(Q(name__endswith=name) | Q(name__in=shorter_forms(name)))
    return [agency for agency in nearby[:20] if same_agency(agency.name, name)]


def match_agency(name, create=False):
    """The one Agency a report's name refers to. Two candidates are refused rather than guessed;
    no candidate creates the agency when `create` is set."""
    name = norm(name)
    candidates = agency_candidates(name)
    if len(candidates) > 1:
        names = "、".join(a.name for a in candidates)
        raise ImportRefused(f"机关名称「{name}」可对应多个机关（{names}），请先确认机关。")
    if candidates:
        return candidates[0]
    if create:
        return Agency.objects.create(name=name)
    return None


def import_bytes(data, filename, user=None, agency=None, year=None):
    """Import one file's bytes; never raises for bad input, returns a failed Outcome instead.

    `agency` and `year`, when given, are the reviewer's choice and override what was detected.
    """
    try:
        shape = parse_bytes(data, filename)
        return _store(shape, data, filename, user, agency, year)
    except (ParseError, ImportRefused) as exc:
        return Outcome(filename, "failed", str(exc))


def upload_files(data, filename):
    """(name, bytes or ParseError) for the reports in one uploaded file: itself, or each member
    of a .zip (named archive/member)."""
    if Path(filename).suffix.lower() not in ARCHIVES:
        return [(filename, data)]
    if len(data) > MAX_ARCHIVE_BYTES:
        return [(filename, ParseError(f"压缩包过大，上限为 {MAX_ARCHIVE_BYTES // 1024 // 1024} MB。"))]
    try:
        members = [(f"{filename}/{name}", content) for name, content in report_members(data, SUPPORTED, MAX_BYTES)]
    except ParseError as exc:
        return [(filename, exc)]
    return members or [(filename, ParseError("压缩包中没有文件。"))]


def import_upload(data, filename, user=None):
    """Outcomes for one uploaded file: one report, or each report inside a .zip."""
    outcomes = []
    for name, content in upload_files(data, filename):
        if isinstance(content, ParseError):
            outcomes.append(Outcome(name, "failed", str(content)))
        else:
            outcome = import_bytes(content, Path(name).name, user)
            outcome.name = name
            outcomes.append(outcome)
    return outcomes


@transaction.atomic
def _store(shape, data, filename, user, agency=None, year=None):
    shape.year = year or shape.year
    if not (agency or shape.agency):
        raise ImportRefused("未能从标题、正文或落款中识别出机关名称。")
    if not shape.year:
        raise ImportRefused("未能从标题、统计期限或正文中识别出报告年度。")
    if not FIRST_YEAR <= shape.year <= LAST_YEAR:
        raise ImportRefused(f"识别出的报告年度 {shape.year} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间。")
    sha256 = hashlib.sha256(data).hexdigest()
    if agency is not None and agency.pk is None:
        agency.save()  # a new agency the reviewer named: created with the report or not at all
    agency = agency or match_agency(shape.agency, create=True)
    report = AnnualReport.objects.select_for_update().filter(agency=agency, year=shape.year).first()
    if report and report.source_sha256 == sha256:
        return Outcome(filename, "unchanged", "与已存储的原始文件完全相同。", report)
    action = "updated" if report else "created"
    message = ""
    if report and report.status != ReportStatus.DRAFT:
        # New figures have not been through review: the report goes back to the agency's draft.
        message = f"原状态为「{report.get_status_display()}」，已改回草稿，需重新报送和审核。"
        report.status = ReportStatus.DRAFT
    report = report or AnnualReport(agency=agency, year=shape.year)
    report.title = shape.facts.get("title", "")[:200]
    report.source_name = Path(filename).name[:255]
    report.source_sha256 = sha256
    report.source_file.name = _store_original(data, sha256, filename)
    findings = report.apply_shape(shape, fresh=action == "created")
    ReportRevision.objects.create(
        report=report,
        created_by=user,
        source=f"导入 {report.source_name}",
        source_sha256=sha256,
        data={**shape.to_json(findings), "facts": shape.facts},
    )
    return Outcome(filename, action, message, report)


def _store_original(data, sha256, filename):
    """Keep the original file, named by its content so a re-upload stores nothing twice.

    Written before the transaction commits: a rolled-back import leaves at most a file that the
    next upload of the same content reuses.
    """
    name = f"sources/{sha256[:2]}/{sha256}{Path(filename).suffix.lower()}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


# -- preview: what an import would do, written nowhere ------------------------------------------


@dataclass
class Preview:
    """One uploaded report as the preview page shows it before anything is stored."""

    name: str
    data: bytes = b""
    shape: object = None
    error: str = ""
    findings: list = dataclasses.field(default_factory=list)
    candidates: list = dataclasses.field(default_factory=list)
    existing: AnnualReport | None = None
    changes: list = dataclasses.field(default_factory=list)  # (label, stored, new) per changed cell

    @property
    def agency(self):
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def action(self):
        if self.error:
            return "failed"
        if self.existing is None:
            return "created"
        if self.existing.source_sha256 == hashlib.sha256(self.data).hexdigest():
            return "unchanged"
        return "updated"

    @property
    def action_label(self):
        return Outcome.ACTIONS[self.action]

    @property
    def error_count(self):
        return sum(f.is_error for f in self.findings)

    @property
    def warning_count(self):
        return sum(f.severity == "warning" for f in self.findings)


def preview_bytes(data, filename, agency=None, year=None):
    """What importing `data` would do, with the reviewer's agency and year when chosen."""
    try:
        shape = parse_bytes(data, Path(filename).name)
    except ParseError as exc:
        return Preview(filename, data, error=str(exc))
    shape.year = year or shape.year
    item = Preview(filename, data, shape, findings=evaluate(shape))
    item.candidates = [agency] if agency else agency_candidates(shape.agency)
    if item.agency and shape.year:
        item.existing = AnnualReport.objects.filter(agency=item.agency, year=shape.year).first()
    if item.existing:
        item.changes = changed_cells(item.existing.to_shape(), shape)
    return item


def changed_cells(stored, new):
    """(printed label, stored value, new value) for every cell and narrative that differs."""
    changes = []
    for table in v.ALL_TABLES:
        for row, column in table.cells():
            cell = (table.key, row.key, column and column.key)
            if stored.cell(*cell) != new.cell(*cell):
                changes.append((v.cell_label(*cell), stored.cell(*cell), new.cell(*cell)))
    for key, label in (("overall", v.heading("overall")), ("other", v.heading("other"))):
        if stored.sections[key] != new.sections[key]:
            changes.append((label, *_first_difference(stored.sections[key], new.sections[key])))
    for key, label in (("problems", v.PROBLEMS_LABEL), ("improvements", v.IMPROVEMENTS_LABEL)):
        if stored.sections[key] != new.sections[key]:
            changes.append((label, f"{len(stored.sections[key])} 条", f"{len(new.sections[key])} 条"))
    return changes


def _first_difference(old, new, context=12):
    """The two texts around the first place they differ: …已收取 / …未收取."""
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    begin = max(0, start - context)

    def excerpt(text):
        end = start + context
        return ("…" if begin else "") + text[begin:end] + ("…" if end < len(text) else "")

    return excerpt(old), excerpt(new)


def collect_files(paths):
    """Files named directly, and the supported files and archives inside named folders (sorted)."""
    wanted = (*SUPPORTED, *ARCHIVES)
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
        else:
            yield path


def import_paths(paths, user=None):
    for path in collect_files(paths):
        limit = MAX_ARCHIVE_BYTES if path.suffix.lower() in ARCHIVES else MAX_BYTES
        try:
            if path.stat().st_size > limit:
                yield Outcome(str(path), "failed", f"文件过大，上限为 {limit // 1024 // 1024} MB。")
                continue
            data = path.read_bytes()
        except OSError as exc:
            yield Outcome(str(path), "failed", f"无法读取文件：{exc.strerror or exc}")
            continue
        for outcome in import_upload(data, path.name, user):
            outcome.name = str(path.parent / outcome.name)
            yield outcome
