"""The one place that runs an import: parse → match agency and year → atomic save with history.

A report is stored as published: the shape's values go in unchanged and the findings are stored
beside them. Re-importing the same agency and year updates that report; every stored version is
kept as a ReportRevision, so the previous one is never lost.
"""
import dataclasses
import gc
import hashlib
import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.models import IntegerField
from django.utils import timezone

from reports import audit, versions
from reports.choices import ReportStatus
from reports.models import Agency, AnnualReport, AuditAction, AuditEvent, AuditResult
from reports.models.agency import OPERATOR, AgencyRefused
from reports.models.annual_report import FIRST_YEAR, LAST_YEAR, deadline_for
from reports.parsers import ARCHIVES, MAX_ARCHIVE_BYTES, MAX_BYTES, SUPPORTED, ParseError
from reports.parsers.sandbox import keep_children, parse_each, parse_untrusted
from reports.parsers.archive import report_members
from reports.parsers.blocks import norm
from reports.rules.context import context_for_storing, contexts_for
from reports.rules.engine import evaluate, with_context
from reports.rules.shape import ReportShape


UNCHANGED = "内容与已存储的版本完全相同，无需再次导入。"


class ImportRefused(Exception):
    """The file parsed but cannot be stored (no agency or year found)."""


# Everything that fails one file with a message for the person importing, and nothing else.
REFUSALS = (ParseError, ImportRefused, AgencyRefused)


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


def import_bytes(data, filename, user, agency=None, year=None):
    """Import one file's bytes for `user` (OPERATOR for a command); never raises for bad input,
    returns a failed Outcome instead.

    `agency` and `year`, when given, are the reviewer's choice and override what was detected.
    """
    return import_parsed(parse_or_error(data, filename), data, filename, user, agency, year)


def parse_or_error(data, filename):
    """The file's ReportShape, or the ParseError saying why it could not be read."""
    try:
        return parse_untrusted(data, Path(filename).name)
    except ParseError as exc:
        return exc


def _audit(outcomes, user):
    """One audit event per imported file: its name, SHA-256 and outcome (in one INSERT)."""
    rows = []
    for outcome, data in outcomes:
        detail = {
            "file": outcome.name,
            "sha256": hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else "",
            "outcome": outcome.action_label,
            "report": versions.report_label(outcome.report) if outcome.report else "",
            "message": outcome.message,
        }
        result = AuditResult.FAILURE if outcome.action == "failed" else AuditResult.SUCCESS
        rows.append(audit.event_fields(AuditAction.IMPORT, outcome.name, _person(user), result, detail,
                                       username="（命令行）" if user is OPERATOR else None))  # fmt: skip
    insert_rows(AuditEvent, rows)


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


def import_upload(data, filename, user):
    """Outcomes for one uploaded file: one report, or each report inside a .zip."""
    return list(import_many(upload_files(data, filename), user))


def _batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _check(shape, agency=None):
    """Refuse what cannot be stored before anything is written."""
    if not (agency or shape.agency):
        raise ImportRefused("未能从标题、正文或落款中识别出机关名称。")
    if not shape.year:
        raise ImportRefused("未能从标题、统计期限或正文中识别出报告年度。")
    if not FIRST_YEAR <= shape.year <= LAST_YEAR:
        raise ImportRefused(f"识别出的报告年度 {shape.year} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间。")


def _new_report(agency, shape, data, sha256, filename):
    """An unsaved report for `shape`, its original file kept."""
    return AnnualReport(
        agency=agency,
        year=shape.year,
        source_name=Path(filename).name[:255],
        source_sha256=sha256,
        source_file=_store_original(data, sha256, filename),
    )


@transaction.atomic
def _store(shape, data, filename, user, agency=None, year=None):
    shape.year = year or shape.year
    _check(shape, agency)
    sha256 = hashlib.sha256(data).hexdigest()
    resolver = Agency.objects.resolver(user)
    if agency is not None and agency.pk is None:
        # A new agency the reviewer named: created with the report or not at all (and, when
        # several files name it, by the first of them; when someone else has just created it,
        # theirs).
        agency = resolver.create(agency.name)
    agency = agency or resolver.match(shape.agency, create=True)
    report, created = _report_for(agency, shape, data, sha256, filename)
    if not created and not versions.changed_cells(report.to_shape(), shape):
        return Outcome(filename, "unchanged", UNCHANGED, report)
    message = ""
    if not created:
        if report.status != ReportStatus.DRAFT:
            message = f"原状态为「{report.get_status_display()}」，已改回草稿，需重新报送和审核。"
        report.source_name = Path(filename).name[:255]
        report.source_sha256 = sha256
        report.source_file.name = _store_original(data, sha256, filename)
    # New figures have not been through review: the report is the agency's draft again.
    versions.store(report, shape, user=_person(user), source=f"导入 {report.source_name}", sha256=sha256,
                   status=ReportStatus.DRAFT, comment="导入了新版本的年报文件，需重新报送和审核。")  # fmt: skip
    return Outcome(filename, "created" if created else "updated", message, report)


def _report_for(agency, shape, data, sha256, filename):
    """(report, created): the stored report of the agency and year, locked, or a new unsaved one.
    Two imports of the same new report at once: the database's one-report-per-agency-year
    constraint lets one insert it, and the other then updates it."""
    existing = AnnualReport.objects.select_for_update().filter(agency=agency, year=shape.year).first()
    if existing:
        return existing, False
    report = _new_report(agency, shape, data, sha256, filename)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return AnnualReport.objects.select_for_update().get(agency=agency, year=shape.year), False
    return report, True


def _person(user):
    """The user to name in revisions and transitions (a command's operator is nobody's account)."""
    return None if user is OPERATOR else user


# -- many files at once ----------------------------------------------------------------------

BATCH = 200  # most files written in one transaction
MIN_BATCH = 20  # a batch's queries and commit cost about the same for 1 file as for 20
CHUNK = 8  # files sent to a parsing process at a time: fewer round trips between processes
AHEAD = 2 * BATCH  # files being parsed or waiting to be written: what bounds the memory


def import_many(files, user, workers=1):
    """Outcomes, in order, for many (name, bytes or the ParseError of reading it) files, a batch
    at a time so that memory stays flat however many there are: the new reports of each batch
    are written in bulk, one transaction per batch. Each file is stored whole or not at all:
    parsing and every refusal happen before the batch writes, replacements go through the
    single-file path inside the batch, and should the database refuse a batch, its files are
    imported again one by one, each in its own transaction. With `workers` > 1, files are parsed
    in that many processes while the files parsed before them are written."""
    with _parsers(workers) as pool:
        for batch, parsed in _parsed(files, pool):
            yield from _import_batch(batch, parsed, user)


@dataclass
class Parsed:
    """What a file gives before anything is stored: worked out where it was parsed."""

    shape: ReportShape
    findings: list  # by the rules that read nothing but the report (with_context completes them)
    sha256: str


def _judge(content, shape):
    """The parsed file judged by the rules that need no context (its agency is not resolved yet),
    or the ParseError saying why it was not parsed (returned, not raised: it crosses processes)."""
    if isinstance(shape, ParseError):
        return shape
    return Parsed(shape, evaluate(shape), hashlib.sha256(content).hexdigest())


def _parse_chunk(files):
    shapes = parse_each((Path(name).name, content) for name, content in files)
    return [_judge(content, shape) for (_, content), shape in zip(files, shapes)]


@contextmanager
def _parsers(workers):
    """Processes that parse (CPU-bound, independent per file), or None to parse here. Forked, so
    they start at once; they never touch the database.

    What exists before the import is frozen out of garbage collection meanwhile: the collector
    no longer walks it after every few thousand new objects (parsing makes many), and forked
    processes no longer copy the memory pages it would write to."""
    gc.freeze()
    try:
        if workers <= 1:
            yield None
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context, initializer=keep_children) as pool:
                yield pool
    finally:
        gc.unfreeze()


def _parsed(files, pool):
    """Batches of files with their parse results, in file order. With a pool, the processes keep
    parsing up to AHEAD files ahead, and a batch is whatever they have finished (at least
    MIN_BATCH files, at most BATCH): the writer never waits for a full batch while files it
    could write are ready, and the parsers never wait for the writer."""
    if pool is None:
        for batch in _batches(files, BATCH):
            yield batch, _parse_chunk(batch)
        return
    chunks = _batches(files, CHUNK)
    ahead = deque()  # (chunk, future), in file order

    def submit():
        for chunk in islice(chunks, AHEAD // CHUNK - len(ahead)):
            ahead.append((chunk, pool.submit(_parse_chunk, chunk)))

    submit()
    while ahead:
        batch, parsed = [], []
        while ahead and len(batch) < BATCH and (len(batch) < MIN_BATCH or ahead[0][1].done()):
            chunk, future = ahead.popleft()
            batch += chunk
            parsed += future.result()
            submit()
        yield batch, parsed


def _import_batch(files, parsed, user):
    outcomes, ready = {}, []
    for index, ((name, data), result) in enumerate(zip(files, parsed)):
        try:
            if isinstance(result, ParseError):
                raise result
            _check(result.shape)
            ready.append((index, name, data, result))
        except REFUSALS as exc:
            outcomes[index] = Outcome(name, "failed", str(exc))
    try:
        with transaction.atomic():
            for index, name, data, result in _bulk_create(ready, user, outcomes):
                outcomes[index] = _store_guarded(result.shape, data, name, user)
    except DatabaseError:  # the bulk writes: each file again in its own transaction
        for index, name, data, result in ready:
            outcomes[index] = _store_guarded(result.shape, data, name, user)
    outcomes = [outcomes[index] for index in range(len(files))]
    _audit(zip(outcomes, (data for _, data in files)), user)
    return outcomes


def import_parsed(shape, data, name, user, agency=None, year=None):
    """import_bytes() for a file parsed already (its ReportShape or ParseError): stored
    atomically on its own, and audited."""
    outcome = _store_guarded(shape, data, name, user, agency, year)
    _audit([(outcome, data)], user)
    return outcome


def _store_guarded(shape, data, name, user, agency=None, year=None):
    """_store() for one file, by every path: a refusal, or a database error (rolled back with
    this file alone), is this file's failed outcome, never the end of the import."""
    try:
        if isinstance(shape, ParseError):
            raise shape
        outcome = _store(shape, data, Path(name).name, user, agency, year)
    except REFUSALS as exc:
        outcome = Outcome(name, "failed", str(exc))
    except DatabaseError as exc:
        outcome = Outcome(name, "failed", f"数据库拒绝保存：{exc}")
    outcome.name = name
    return outcome


def _bulk_create(ready, user, outcomes):
    """Write the batch's new reports in bulk; returns the files that replace or repeat a report
    (their agency and year already stored, or met twice in the batch) for the single path."""
    agencies = Agency.objects.resolver(user).match_many(result.shape.agency for *_, result in ready)
    known = {
        (r.agency_id, r.year)
        for r in AnnualReport.objects.filter(
            agency__in=[a for a in agencies.values() if isinstance(a, Agency)],
            year__in={result.shape.year for *_, result in ready},
        ).only("agency_id", "year")
    }
    new, later = [], []
    for item in ready:
        index, name, data, result = item
        agency = agencies[norm(result.shape.agency)]
        if isinstance(agency, AgencyRefused):
            outcomes[index] = Outcome(name, "failed", str(agency))
        elif (agency.pk, result.shape.year) in known:
            later.append(item)
        else:
            known.add((agency.pk, result.shape.year))
            new.append((item, agency))
    contexts = contexts_for([(agency, result.shape) for (*_, result), agency in new])
    created = []
    for ((index, name, data, result), agency), context in zip(new, contexts):
        shape = result.shape
        findings = with_context(result.findings, shape, context)
        report = _new_report(agency, shape, data, result.sha256, Path(name).name)
        report.set_shape(shape, findings)
        report.version = 1
        created.append((index, name, shape, result.sha256, report, findings))
    create_reports([report for *_, report, _ in created])
    rows = {}
    for index, name, shape, sha256, report, findings in created:
        source = f"导入 {report.source_name}"
        for model, values in versions.version_rows(report, shape, findings, _person(user), source, sha256).items():
            rows.setdefault(model, []).extend(values)
        outcomes[index] = Outcome(name, "created", "", report)
    for model, values in rows.items():
        insert_rows(model, values)
    # A new report's next year, stored before, is judged against it (one of this batch already
    # was), and so is its region's aggregate (one of this batch was judged before its members).
    stored = {(report.agency_id, report.year) for *_, report, _ in created}
    versions.recheck_following(stored, judged=stored)
    return later


def create_reports(reports):  # the batch import's, and generate_demo's
    """INSERT new reports as insert_rows writes rows, then read their keys back by agency and year
    (unique together): bulk_create compiles SQL for each of their thirty-odd fields."""
    if not reports:
        return
    now = timezone.now()  # what auto_now_add and auto_now would set
    fields = [f.attname for f in AnnualReport._meta.concrete_fields if not f.primary_key]
    for report in reports:
        report.created_at = report.updated_at = now
        report.set_deadline()  # bulk inserts do not call save()
    insert_rows(AnnualReport, [{field: getattr(report, field) for field in fields} for report in reports])
    keys = AnnualReport.objects.filter(
        agency__in={r.agency_id for r in reports}, year__in={r.year for r in reports}
    ).values_list("agency_id", "year", "pk")
    keys = {(agency, year): pk for agency, year, pk in keys}
    for report in reports:
        report.pk = keys[(report.agency_id, report.year)]
        report._state.adding, report._state.db = False, DEFAULT_DB_ALIAS


def insert_rows(model, rows):
    """INSERT rows given as {attname: value} (a field left out takes its default) in the form
    bulk_create would write them, minus the model instances and the per-value SQL compilation,
    which cost more than the rows themselves: PostgreSQL COPY, elsewhere one prepared INSERT
    run for every row. Keys are not read back."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]  # not the thread-local proxy: it is asked for every value
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = {f.attname for f in fields}
    take = itemgetter(*(f.attname for f in fields))
    # Integers and keys, most of a report's values, go to the driver as they are; the rest (and
    # not NULL) as the ORM would prepare them.
    integers = [isinstance(f.target_field if f.is_relation else f, IntegerField) for f in fields]
    prepared = [(i, f) for i, (f, integer) in enumerate(zip(fields, integers)) if not integer]
    values = []
    for row in rows:
        missing = names - row.keys()
        if missing:  # a field left out takes its default
            row = {**row, **{f.attname: f.get_default() for f in fields if f.attname in missing}}
        value = list(take(row)) if len(fields) > 1 else [take(row)]
        for i, field in prepared:
            if value[i] is not None:
                value[i] = field.get_db_prep_save(value[i], db)
        values.append(value)
    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    with db.cursor() as cursor, db.wrap_database_errors:
        if db.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


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
        """What confirming would do, judged by content as the import judges it: a file identical
        to the stored original still updates a report edited since, and a different file with
        the same content changes nothing."""
        if self.error:
            return "failed"
        if self.existing is None:
            return "created"
        return "updated" if self.changes else "unchanged"

    @property
    def action_label(self):
        return Outcome.ACTIONS[self.action]

    @property
    def error_count(self):
        return sum(f.is_error for f in self.findings)

    @property
    def warning_count(self):
        return sum(f.severity == "warning" for f in self.findings)


def preview_shape(shape, filename, user, agency=None, year=None, findings=None):
    """What importing a parsed file (its ReportShape or ParseError) would do for `user`, with the
    reviewer's agency and year when chosen. Only agencies the user may see are offered; a name
    registered outside them is refused. `findings`, when given, are this file's judged already
    for the same agency and year (by the preview job), and are not judged again."""
    if isinstance(shape, ParseError):
        return Preview(filename, error=str(shape))
    shape.year = year or shape.year
    item = Preview(filename, shape)
    resolver = Agency.objects.resolver(user)
    try:
        item.candidates = [agency] if agency else resolver.candidates(shape.agency)
        if not item.candidates and shape.agency:
            resolver.refuse_hidden(shape.agency)
    except AgencyRefused as exc:
        return Preview(filename, error=str(exc))
    if item.agency and item.agency.pk and shape.year:
        item.existing = AnnualReport.objects.filter(agency=item.agency, year=shape.year).first()
    # Judged as it will be stored: a report of the agency it will be stored under, once that is
    # known, and over the report it replaces.
    if findings is None:
        findings = evaluate(shape, context_for_storing(shape, item.agency, item.existing))
    item.findings = findings
    if item.existing:
        item.changes = versions.changed_cells(item.existing.to_shape(), shape)
    return item


def collect_files(paths):
    """Files named directly, and the supported files and archives inside named folders (sorted)."""
    wanted = (*SUPPORTED, *ARCHIVES)
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
        else:
            yield path


def import_paths(paths, user, workers=1):
    """Outcomes for the files and folders named, in batches (see import_many)."""
    yield from import_many(_read_paths(paths), user, workers)


def _read_paths(paths):
    for path in collect_files(paths):
        limit = MAX_ARCHIVE_BYTES if path.suffix.lower() in ARCHIVES else MAX_BYTES
        try:
            if path.stat().st_size > limit:
                raise ParseError(f"文件过大，上限为 {limit // 1024 // 1024} MB。")
            data = path.read_bytes()
        except OSError as exc:
            yield str(path), ParseError(f"无法读取文件：{exc.strerror or exc}")
            continue
        except ParseError as exc:
            yield str(path), exc
            continue
        for name, content in upload_files(data, path.name):
            yield str(path.parent / name), content
