"""The annual report, its findings and its revisions."""
import gc
import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.utils import timezone

from reports import vocabulary as v
from reports.choices import GATED_STATUSES, AgencyKind, FormatVersion, ReportScope, ReportStatus, Severity
from reports.rules import engine, narrative
from reports.rules.context import context_for, contexts_for
from reports.rules.shape import ReportShape, begun, empty_facts, empty_table, table_layout

from .agency import scope_of
from .sections import (
    TABLE_TWO_MODELS,
    ApplicationRow,
    Improvement,
    Paragraph,
    Problem,
    ReviewLitigationRow,
    SummaryFigures,
    active_field,
    summary_values,
)
from .submission import FindingPlace, place_fields


# 条例 (2008) introduced the annual report; no report can be older.
FIRST_YEAR, LAST_YEAR = 2008, 2100


def deadline_for(year, kind):
    """条例 第五十条: departments publish by 31 January of the next year, 本级政府 by 31 March."""
    if not year:
        return None
    return date(year + 1, 3, 31) if kind == AgencyKind.GOVERNMENT else date(year + 1, 1, 31)


def overdue_after(deadline, created_at, submitted_at):
    """The day after which a report counts as 逾期, or None when it never will: submitted after its
    deadline, or begun here (started or imported) by its deadline and still unsubmitted. A report
    imported after its deadline is a published document brought in for the record, never overdue.
    Stored on the report (AnnualReport.set_deadline) so that 逾期 is one indexed comparison with
    today, not two date comparisons on every report."""
    if deadline is None:
        return None
    if submitted_at is not None:
        return deadline if timezone.localdate(submitted_at) > deadline else None
    return deadline if timezone.localdate(created_at or timezone.now()) <= deadline else None


def opening_shape(agency, year):
    """A new report of `agency` for `year`: the usual title and preamble, every cell still to be
    filled in but 上年结转, carried from last year's 结转下年度."""
    shape = ReportShape(agency=agency.name, year=year, format_version=v.format_for_year(year))
    shape.facts["title"] = f"{agency.name}{year}年政府信息公开工作年度报告"
    shape.facts["preamble"] = PREAMBLE.format(agency=agency.name, year=year)
    previous = AnnualReport.objects.with_sections().filter(agency=agency, year=year - 1).first()
    if previous:
        shape.applications["carried_over"] = dict(previous.to_shape().applications["carried_forward"])
    return begun(shape)


# The paragraph reports open with: the 条例 they answer and the period their figures cover.
PREAMBLE = (
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，全文包括总体情况、主动公开政府信息情况、"
    "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{agency}联系。"
)


def _tables(table_two, applications, reviews):
    """The stored cells as the shape's tables ({table key: table}, to build it with): table 二 as
    {table key: {field: value} or None}, tables 三 and 四 as (row key, values in the
    vocabulary's column order)."""
    tables = {
        key: {
            row: {column: stored[name] for column, name in fields} if isinstance(fields, tuple) else stored[fields]
            for row, fields in _table_two_fields(key)
        } if stored else empty_table(v.TABLE_BY_KEY[key])
        for key, stored in table_two.items()
    }  # fmt: skip
    tables[v.APPLICATIONS.key] = _matrix(v.APPLICATIONS, v.APPLICANT_KEYS, applications)
    tables[v.REVIEW_LITIGATION.key] = _matrix(v.REVIEW_LITIGATION, v.RESULT_KEYS, reviews)
    return tables


def _matrix(table, columns, rows):
    """Table 三 or 四 from its stored (row key, values in `columns` order), in the vocabulary's
    row order; a row not stored is blank. Built at once: thousands are read in a re-validation."""
    stored = {row: dict(zip(columns, values)) for row, values in rows}
    matrix = {row: stored.pop(row, None) or dict.fromkeys(keys) for row, keys in table_layout(table)}
    matrix.update(stored)
    return matrix


@lru_cache(maxsize=None)  # two tables, read for every stored report
def _table_two_fields(key):
    """(row key, its field, or ((column key, field), …) for a row with columns) of table 二 `key`
    in the vocabulary's order: how the stored row becomes the shape's table."""
    table = v.TABLE_BY_KEY[key]
    return tuple(
        (row.key, tuple((c.key, active_field(row.key, c.key)) for c in columns) if columns else active_field(row.key))
        for row in table.rows
        for columns in [row.columns or table.columns]
    )


def _figures_of(batch):
    """(report, its shape: tables, narrative and source facts, as to_shape() gives them) for a
    batch of reports read with their own fields, in six queries whatever its size."""
    ids = [report.pk for report in batch]
    table_two = {
        key: {row["report_id"]: row for row in model.objects.filter(report_id__in=ids).values()}
        for key, model in TABLE_TWO_MODELS.items()
    }
    applications, reviews = {}, {}
    for report_id, row, *values in _rows_of(ApplicationRow, ids, "row", *v.APPLICANT_KEYS):
        applications.setdefault(report_id, []).append((row, values))
    for report_id, group, *values in _rows_of(ReviewLitigationRow, ids, "group", *v.RESULT_KEYS):
        reviews.setdefault(report_id, []).append((group, values))
    items = {"problems": {}, "improvements": {}}
    for key, model in (("problems", Problem), ("improvements", Improvement)):
        for report_id, text in _rows_of(model, ids, "text", order="position"):
            items[key].setdefault(report_id, []).append(text)
    for report in batch:
        stored = {key: by_report.get(report.pk) for key, by_report in table_two.items()}
        tables = _tables(stored, applications.get(report.pk, ()), reviews.get(report.pk, ()))
        sections = {"overall": report.overall, "other": report.other,
                    **{key: by_report.get(report.pk, []) for key, by_report in items.items()}}  # fmt: skip
        facts = {**empty_facts(), **(report.source_facts or {}), "title": report.title, "preamble": report.preamble}
        yield report, ReportShape(agency=report.agency.name, year=report.year, format_version=report.format_version,
                                  sections=sections, facts=facts, **tables)  # fmt: skip


def _rows_of(model, ids, *fields, order=None):
    """(report id, *fields) of `model`'s rows of the reports `ids`, in a statement written here:
    Django would prepare each of a chunk's 500 ids anew for each query, a fifth of reading a
    chunk. For fields the database returns as Python has them (integers, text)."""
    if not ids:
        return []
    connection = connections[model.objects.db]
    name, meta = connection.ops.quote_name, model._meta
    report, *rest = (name(meta.get_field(f).column) for f in ("report", *fields))
    sql = f"SELECT {', '.join([report, *rest])} FROM {name(meta.db_table)} WHERE {report} IN ({', '.join(['%s'] * len(ids))})"
    with connection.cursor() as cursor:
        cursor.execute(sql + (f" ORDER BY {name(meta.get_field(order).column)}" if order else ""), ids)
        return cursor.fetchall()


class AnnualReportQuerySet(models.QuerySet):
    def figures(self, chunk=500):
        """(report, shape) of each report, in order (_figures_of): a few queries per chunk, memory
        flat in the count."""
        for batch in _chunks(self.select_related("agency").iterator(chunk_size=chunk), chunk):
            yield from _figures_of(batch)

    def with_sections(self):
        """Everything to_shape() reads, in a fixed number of queries whatever the count."""
        return self.select_related("agency", "agency__region", *TABLE_TWO_MODELS).prefetch_related(
            "application_rows", "review_rows", "problems", "improvements"
        )

    def refresh_findings(self, chunk=500, progress=None, workers=1, all_paragraphs=False):
        """Re-run every rule over these stored reports and store their findings and counts, a
        chunk at a time in a few queries each (memory flat in the count); returns the reports
        refreshed and how many of them have errors. `progress(count)` hears of each chunk.
        Stored paragraphs that the findings point into are rewritten where the narrative is now
        read otherwise (_store_paragraphs); with `all_paragraphs`, every report's are.

        An agency's reports are taken together, in order of year: each is judged against the one
        before it, which is then at hand, not read again. With `workers` > 1 the rules run in that
        many processes, while this one reads the next chunk and stores the last.

        Each chunk is stored in a transaction of its own: re-validating a year holds no lock for
        the whole run (clerks keep saving), and `progress` is seen by others as it goes."""
        total = with_errors = 0
        # Only what the rules and the counts read: the report's dates, each parsed from its column
        # on every row, are not.
        reports = self.select_related("agency").only(*JUDGED_FIELDS).order_by("agency_id", "year", "pk")
        with _collecting_per_chunk(), _evaluators(workers) as pool:
            chunks = _chunks(reports.iterator(chunk_size=chunk), chunk)
            judged = (_judged(batch, pool) for batch in chunks)
            for batch, shapes, findings in _one_ahead(judged):
                with _chunk_transaction(reports.db):
                    _store_paragraphs(batch, shapes, _store_findings(batch, findings()), all_paragraphs)
                gc.collect(1)  # what this chunk left in reference cycles, if anything
                total += len(batch)
                with_errors += sum(report.error_count > 0 for report in batch)
                if progress:
                    progress(total)
        return total, with_errors

    def in_region(self, region):
        """Reports of the agencies in `region`'s subtree (a reviewer's office covers a subtree)."""
        return self.filter(agency__region__path__startswith=region.path)

    def visible_to(self, user):
        """The reports `user` may see: the one scoping rule of the admin, agency site and exports.

        填报员 see their agency's; 审核员 and 领导 their office's region subtree (all regions when
        none is set); a superuser everything; anyone else nothing.
        """
        return self.filter(scope_of(user, to_agency="agency__"))

    def with_unexplained_warnings(self):
        """Reports with a warning neither explained by the agency (上报说明) nor acknowledged by a
        reviewer (已核实): what a reviewer looks at first."""
        from .submission import Acknowledgement, WarningExplanation, same_place_as_outer

        explained = WarningExplanation.objects.filter(same_place_as_outer()).exclude(text="")
        acknowledged = Acknowledgement.objects.filter(same_place_as_outer(), message=models.OuterRef("message"))
        unexplained = Finding.objects.filter(report=models.OuterRef("pk"), severity=Severity.WARNING).exclude(
            models.Exists(explained)
        ).exclude(models.Exists(acknowledged))
        return self.filter(models.Exists(unexplained))

    def overdue(self, today=None):
        """Expected in this system and not submitted by the deadline (see overdue_after)."""
        return self.filter(overdue_after__lt=today or timezone.localdate())

    def collected(self, year):
        """Whether `year`'s reports are collected in this system: some report of it was begun here
        before its deadline. Years before the system was used expect nothing of anyone."""
        return self.filter(year=year, created_at__date__lte=models.F("deadline")).exists()


JUDGED_FIELDS = (
    "agency__name", "agency__kind", "agency__region", "year", "format_version", "scope", "title", "preamble",
    "overall", "other", "source_facts", "error_count", "warning_count", "paragraphs_digest", "version",
)  # fmt: skip


def _chunks(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def _chunk_transaction(database):
    """A chunk's transaction. Where it is the outermost (validate_reports, the re-validation
    job), on PostgreSQL its commit does not wait for the log to reach the disk: what it stores
    (findings, counts, 校验时间, paragraphs) is derived from the reports and the rules, so a crash
    loses at most the last moment's chunks, found again by running it again; each chunk rewrites
    500 report rows (校验时间), and waiting for that log took as long as judging them. Inside a
    caller's transaction (a clerk's save re-checks next year's report) it is a savepoint, and the
    caller's commit waits as usual."""
    connection = connections[database]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=database):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


@contextmanager
def _collecting_per_chunk():
    """The cyclic garbage collector paused, the caller collecting after each chunk. Reading and
    judging a chunk makes some hundred thousand dicts and tuples that live until it is stored:
    the collector, run every 700 of them, walked them over and over (a third of the CPU time),
    to find nothing: they are freed by their count of references."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _evaluators(workers):
    """Processes that run the rules (CPU-bound, each report judged on its own), or None to run
    them here. Forked, so they start at once with the rules loaded; they never touch the
    database."""
    if workers <= 1:
        yield None
        return
    # Forked from a process whose collector is paused (_collecting_per_chunk): so is theirs, each
    # collecting after a part (_evaluate_each), for the reason the reading process does.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


PART = 50  # reports sent to an evaluating process at a time


def _evaluate_each(pairs, collect=False):
    results = [engine.evaluate(shape, context) for shape, context in pairs]
    if collect:
        gc.collect(1)
    return results


def _judge(reports, shapes, pool=None):
    """Evaluate the stored reports (as `shapes`) in their contexts, here or in `pool`: returns a
    function that gives the findings of each, in order (waiting for the pool's)."""
    contexts = contexts_for([(report.agency, shape) for report, shape in zip(reports, shapes)], [r.scope for r in reports])
    pairs = list(zip(shapes, contexts))
    if pool is None:
        results = _evaluate_each(pairs)
        return lambda: results
    parts = [pool.submit(_evaluate_each, pairs[i : i + PART], collect=True) for i in range(0, len(pairs), PART)]
    return lambda: [findings for part in parts for findings in part.result()]


def _judged(batch, pool):
    """(batch, the shapes of its reports, their findings as _judge gives them)."""
    shapes = [shape for _, shape in _figures_of(batch)]
    return batch, shapes, _judge(batch, shapes, pool)


def _one_ahead(items):
    """Each of `items` once the next one has been made: the work of making it (reading a chunk,
    handing it to the evaluating processes) overlaps what is done with this one."""
    pending = None
    for item in items:
        if pending is not None:
            yield pending
        pending = item
    if pending is not None:
        yield pending


def _refresh(reports, shapes):
    """Evaluate the stored reports (as `shapes`) in their contexts and store the findings and
    counts, and the paragraphs the findings point into; returns the findings of each, in order."""
    return _store_paragraphs(reports, shapes, _store_findings(reports, _judge(reports, shapes)()))


def _store_paragraphs(reports, shapes, results, every=False):
    """Store the paragraphs of each report whose findings (`results`) point into its text where
    narrative.paragraphs now reads them otherwise than they were stored (an upgrade may change
    the reading; a version stores them as it reads them): a sentence finding's paragraph and
    characters are then the stored row's. Told by the digest stored with the rows, not by
    reading them. Other reports' are left as stored (reading every report's text again would
    cost a re-validation some 3% of its CPU), unless `every`. Returns `results`."""
    from reports.importing import insert_rows  # the batch import's INSERT (importing loads the models)

    changed = {}
    for report, shape, findings in zip(reports, shapes, results):
        if every or any(f.paragraph is not None for f in findings):
            rows = paragraph_rows(shape)
            digest = paragraphs_digest(rows)
            if digest != report.paragraphs_digest:
                changed[report] = rows, digest
    if changed:  # rarely: after an upgrade that reads the text otherwise
        # Only where no one has stored a version since the chunk was read (its rows are that
        # version's), and none may until this chunk commits.
        stored = dict(AnnualReport.objects.select_for_update().filter(pk__in=[r.pk for r in changed]).values_list("pk", "version"))
        kept = {}
        for report, (rows, digest) in changed.items():
            if stored.get(report.pk) == report.version:
                report.paragraphs_digest, kept[report] = digest, rows
        Paragraph.objects.filter(report__in=list(kept)).delete()
        insert_rows(Paragraph, [{"report_id": report.pk, **row} for report, rows in kept.items() for row in rows])
        AnnualReport.objects.bulk_update(list(kept), ["paragraphs_digest"])
    return results


def _store_findings(reports, results):
    """Store each report's findings and counts (on the instances too); returns `results`. What a
    re-validation finds is nearly always what the last one found: only the findings and counts
    that changed are written, the time of validation for all in one statement."""
    from reports.importing import insert_rows  # the batch import's INSERT (importing loads the models)

    stored = {}
    for report_id, *values in Finding.objects.filter(report__in=reports).order_by("id").values_list("report_id", *FINDING_FIELDS):
        stored.setdefault(report_id, []).append(tuple(values))
    changed, rows = [], []
    for report, findings in zip(reports, results):
        fields = [Finding.fields_from_engine(f) for f in findings]
        if [tuple(f[name] for name in FINDING_FIELDS) for f in fields] != stored.get(report.pk, []):
            changed.append(report.pk)
            rows += [{"report_id": report.pk, **f} for f in fields]
    Finding.objects.filter(report__in=changed).delete()
    insert_rows(Finding, rows)
    counts, now = [], timezone.now()
    for report, findings in zip(reports, results):
        before = (report.error_count, report.warning_count)
        report._count(findings, now)
        if (report.error_count, report.warning_count) != before:
            counts.append((report.error_count, report.warning_count, report.pk))
    AnnualReport.objects.filter(pk__in=[r.pk for r in reports]).update(validated_at=now)
    # One prepared UPDATE run for every report whose counts changed: bulk_update compiles a CASE
    # per field and row.
    connection = connections[AnnualReport.objects.db]
    table = connection.ops.quote_name(AnnualReport._meta.db_table)
    with connection.cursor() as cursor:
        if counts:
            cursor.executemany(f"UPDATE {table} SET error_count = %s, warning_count = %s WHERE id = %s", counts)
    return results


class AnnualReport(models.Model):
    """政府信息公开工作年度报告: one per agency and year, stored as published."""

    # No index of its own: one_report_per_agency_year's (agency, year) serves every lookup by agency,
    # and each index is written again whenever a report's row is (a re-validation writes every row).
    agency = models.ForeignKey(
        "Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    year = models.PositiveSmallIntegerField(
        "报告年度", validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    format_version = models.CharField(
        "格式版本", max_length=4, choices=FormatVersion.choices, default=FormatVersion.V2021
    )
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    scope = models.CharField("统计范围", max_length=20, choices=ReportScope.choices, default=ReportScope.SELF)
    title = models.CharField("标题", max_length=v.MAX_TITLE, blank=True)
    preamble = models.TextField("前言", blank=True)
    overall = models.TextField(v.heading("overall"), blank=True)
    other = models.TextField(v.heading("other"), blank=True)
    source_file = models.FileField("原始文件", upload_to="sources/%Y/", blank=True)
    source_name = models.CharField("原始文件名", max_length=255, blank=True)
    source_sha256 = models.CharField("原始文件SHA-256", max_length=64, blank=True)  # shown, never searched
    source_facts = models.JSONField("原文结构信息", default=empty_facts, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    warning_count = models.PositiveIntegerField("警告数", default=0)
    validated_at = models.DateTimeField("校验时间", null=True, blank=True)
    submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    deadline = models.DateField("报送期限", null=True, blank=True, editable=False)
    overdue_after = models.DateField("逾期起算日", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Of the paragraph rows stored with the version (paragraphs_digest): a re-validation compares
    # it with what the narrative now reads (blank for rows stored before it: read again).
    paragraphs_digest = models.CharField("正文段落摘要", max_length=32, blank=True, editable=False)
    # Raised by every stored version: a form carries the number it was opened with, and a save
    # from a page that someone else's save has made stale is refused (reports.versions).
    version = models.PositiveIntegerField("版本号", default=0)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度报告"
        # By the agency's key, not its name: a default ordering is added to every query that sets
        # none, and ordering by name joins the agency table to each (lists order by name themselves).
        ordering = ["-year", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="one_report_per_agency_year")]
        # Bringing published documents in (导入年报) is the office's work; editing cells is not.
        permissions = [("import_reports", "可以导入年报文件")]
        indexes = [
            # A year's counts by status, errors and format (统计汇总, 报送进度), its keys for
            # SummaryFigures and its keys and agencies for the list's sort (KeysFirstPaginator),
            # read from the index alone: a year's 14,000 rows lie on as many pages of the table.
            models.Index(fields=["year", "status", "error_count", "format_version", "agency", "id"], name="report_year_keys"),
            models.Index(fields=["error_count"]),
            # 逾期: the few reports that ever are, found, counted and sorted for the list from the
            # index alone (KeysFirstPaginator), without reading the others.
            models.Index(
                fields=["overdue_after", "year", "agency", "id"],
                condition=models.Q(overdue_after__isnull=False),
                name="report_overdue_after",
            ),
        ]

    def __str__(self):
        return f"{self.agency.name}{self.year}年度报告"

    def set_deadline(self):
        """The deadline of the agency's kind and the day after which the report is overdue: set
        by every write of the report (save, the batch import's INSERT, an agency's new kind)."""
        self.deadline = deadline_for(self.year, self.agency.kind)
        self.overdue_after = overdue_after(self.deadline, self.created_at, self.submitted_at)

    def save(self, *args, **kwargs):
        self.set_deadline()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "deadline", "overdue_after"}
        super().save(*args, **kwargs)

    # -- the report as one shape -----------------------------------------------------------------

    def to_shape(self):
        """The stored report as the rule engine's shape (facts from the source document kept)."""
        sections = {
            "overall": self.overall,
            "problems": [p.text for p in self.problems.all()],
            "improvements": [i.text for i in self.improvements.all()],
            "other": self.other,
        }
        table_two = {}
        for key, model in TABLE_TWO_MODELS.items():
            try:
                table_two[key] = vars(getattr(self, key)) if self.pk else None
            except model.DoesNotExist:
                table_two[key] = None
        applications = [(i.row, [getattr(i, c) for c in v.APPLICANT_KEYS]) for i in self.application_rows.all()]
        reviews = [(i.group, [getattr(i, c) for c in v.RESULT_KEYS]) for i in self.review_rows.all()]
        facts = {**empty_facts(), **(self.source_facts or {}), "title": self.title, "preamble": self.preamble}
        return ReportShape(agency=self.agency.name, year=self.year, format_version=self.format_version,
                           sections=sections, facts=facts, **_tables(table_two, applications, reviews))  # fmt: skip

    def set_shape(self, shape, findings=None):
        """Put the shape's report-level values on this (unsaved) instance; returns its findings
        (`findings`, when the caller has judged the shape already)."""
        findings = self.evaluate(shape) if findings is None else findings
        self.format_version = shape.format_version
        self.title = shape.facts.get("title") or ""
        self.preamble = shape.facts.get("preamble") or ""
        self.overall = shape.sections.get("overall") or ""
        self.other = shape.sections.get("other") or ""
        # The texts before 一 have fields of their own.
        self.source_facts = {k: x for k, x in shape.facts.items() if k not in ("title", "preamble")}
        self.paragraphs_digest = paragraphs_digest(paragraph_rows(shape))
        self._count(findings)
        return findings

    @staticmethod
    def section_values(shape, findings):
        """Every row stored beside a report for `shape`, as field values (the report left out) by
        model: plain dicts, so that a batch import writes them without building instances."""
        own = {t.key for t in v.tables_for(shape.format_version)}
        rows = {model: [] for model in SECTION_MODELS}
        for key, model in TABLE_TWO_MODELS.items():
            if key in own:  # the other format's table 二 has no place in this report
                cells = [(r.key, c and c.key) for r, c in v.TABLE_BY_KEY[key].cells()]
                rows[model] = [{active_field(*cell): shape.cell(key, *cell) for cell in cells}]
        rows[ApplicationRow] = [{"row": key, **shape.applications[key]} for key in v.APPLICATION_KEYS]
        reviews = shape.review_litigation
        rows[ReviewLitigationRow] = [{"group": g.key, **reviews[g.key]} for g in v.REVIEW_LITIGATION.rows]
        for model, key in ((Problem, "problems"), (Improvement, "improvements")):
            rows[model] = [{"position": i, "text": t} for i, t in enumerate(shape.sections.get(key) or [], 1)]
        rows[SummaryFigures] = [summary_values(rows)]
        rows[Paragraph] = paragraph_rows(shape)
        rows[Finding] = [Finding.fields_from_engine(f) for f in findings]
        return rows

    # -- rules ---------------------------------------------------------------------------------

    def evaluate(self, shape=None):
        """Every rule over the stored report (or `shape`, as this report), in its context."""
        shape = shape or self.to_shape()
        return engine.evaluate(shape, context_for(self, shape))

    @transaction.atomic
    def refresh_findings(self):
        """Re-run every rule over the stored report (after a rule changed) and store the result."""
        return _refresh([self], [self.to_shape()])[0]

    def _count(self, findings, now=None):
        self.error_count = sum(f.severity == Severity.ERROR for f in findings)
        self.warning_count = sum(f.severity == Severity.WARNING for f in findings)
        self.validated_at = now or timezone.now()

    def clean(self):
        """Errors block submission and approval (spec §5); a draft may hold anything as published.

        Forms set `pending_shape` to the submitted values before model validation runs, because
        the stored rows would be the old ones (the admin validates the parent form first).
        """
        if self.status not in GATED_STATUSES or not self.agency_id:
            return
        shape = getattr(self, "pending_shape", None) or (self.to_shape() if self.pk else None)
        if shape is None:
            return
        error = engine.validation_error(self.evaluate(shape), fields=FORM_FIELDS)
        if error:
            raise error


# The locations a ValidationError may be keyed by: what the report form shows.
FORM_FIELDS = frozenset(
    ["agency", "year", "overall", "other", "problems", "improvements"]
    + [v.cell_key(t.key, r.key, c and c.key) for t in v.ALL_TABLES for r, c in t.cells()]
)


class Finding(FindingPlace):
    """One finding of the report's last validation run; its place (rule, cell key or field, and
    for a sentence the paragraph and span) is the one its explanation and acknowledgement store."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="findings")
    # Indexed on the finding only (the schema as it stands): an explanation or acknowledgement is
    # reached through its unique constraint, which starts with the report.
    code = models.CharField("规则", max_length=8, db_index=True)
    location = models.CharField("位置", max_length=80, blank=True, db_index=True)
    severity = models.CharField("级别", max_length=10, choices=Severity.choices)
    message = models.TextField("说明")
    table = models.CharField("表", max_length=30, blank=True)
    row = models.CharField("行", max_length=40, blank=True)
    column = models.CharField("列", max_length=40, blank=True)
    field = models.CharField("字段", max_length=40, blank=True)
    cells = models.JSONField("涉及单元格", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "校验结果"
        ordering = ["id"]
        # 有未说明的警告 asks, report by report, for its warnings: one index probe each.
        indexes = [models.Index(fields=["report", "severity"], name="finding_report_severity")]

    def __str__(self):
        return f"{self.code} {self.message}"

    @property
    def rule_title(self):
        return engine.RULES[self.code].title if self.code in engine.RULES else ""

    @classmethod
    def from_engine(cls, report, finding):
        return cls(report=report, **cls.fields_from_engine(finding))

    @staticmethod
    def fields_from_engine(finding):
        return {
            **place_fields(finding),
            "severity": finding.severity,
            "message": finding.message,
            "table": finding.table or "",
            "row": finding.row or "",
            "column": finding.column or "",
            "field": finding.field or "",
            "cells": [list(c) for c in finding.cells],
        }

    @property
    def anchor(self):
        return engine.anchor_of(self.paragraph, self.span, self.field)


# What a finding stores (Finding.fields_from_engine): a re-validation compares them to leave an
# unchanged report's findings as they are.
FINDING_FIELDS = ("code", "severity", "message", "table", "row", "column", "field", "location", "cells",
                  "paragraph", "span_start", "span_end")  # fmt: skip


def paragraph_rows(shape):
    """The stored rows of the shape's narrative.paragraphs: what the digest is taken of."""
    return [paragraph_fields(p) for p in narrative.paragraphs(shape)]


def paragraph_fields(paragraph):
    """The stored row of a narrative.Paragraph."""
    return {"position": paragraph.position, "section": paragraph.section, "part": paragraph.part,
            "subheading": paragraph.subheading[:100], "text": paragraph.text}  # fmt: skip


def paragraphs_digest(rows):
    """What a report's paragraph rows (paragraph_fields) hold, in 32 characters: stored with them,
    so that a re-validation tells whether the text is now read otherwise without reading them."""
    return hashlib.blake2b(repr([tuple(row.values()) for row in rows]).encode(), digest_size=16).hexdigest()


# What AnnualReport.section_values fills: the section models, the paragraphs and the findings.
SECTION_MODELS = (
    *TABLE_TWO_MODELS.values(), ApplicationRow, ReviewLitigationRow, SummaryFigures, Problem, Improvement, Paragraph,
    Finding,
)


class ReportRevision(models.Model):
    """A snapshot of the report as stored at one moment (spec §7 JSON), so nothing is lost."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField("时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField("来源", max_length=200)
    source_sha256 = models.CharField("原始文件SHA-256", max_length=64, blank=True)
    version = models.PositiveIntegerField("版本号", null=True, blank=True)  # the report's, once stored
    data = models.JSONField("内容")

    class Meta:
        verbose_name = verbose_name_plural = "历史版本"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.report} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.source}"
