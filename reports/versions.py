"""Storing a version of a report: the one write path of every writer.

An import, a batch import, the report form (agency site and admin), a statistics sheet and a new
report all store what they have as a version here: the report's values and section rows, its
findings, a ReportRevision (the version as JSON, so no version is ever lost), a Transition when
the status changes, and an audit event. A batch import inserts many new reports' rows at once,
but builds them with version_rows(), as store() does. Storing year Y re-checks the same agency's
year Y+1, whose 上年结转 and 现行有效件数 are judged against Y's (recheck_following).
"""
from django.db import transaction
from django.utils import timezone

from reports import audit, vocabulary as v, workflow
from reports.models import AnnualReport, AuditAction, AuditEvent, ReportRevision
from reports.models.annual_report import SECTION_MODELS, TABLE_TWO_MODELS
from reports.rules.aggregate import aggregates_counting
from reports.rules.context import successors
from reports.rules.shape import ReportShape


class StaleVersion(Exception):
    """The version a save started from is no longer the stored one; the message says who stored
    what since, and when."""


def store(report, shape, *, user, source, sha256="", findings=None, status=None, comment="", opened=None):
    """Store `shape` as the next version of `report` (saved or new); returns the findings.

    `status`: the status the stored version has (a re-import makes a draft again), recorded as a
    transition when it differs. `opened`: the version the user's page was opened at; a save from a
    page that another save has made stale raises StaleVersion and stores nothing."""
    with transaction.atomic():
        fresh = report.pk is None
        previous = None
        if not fresh:
            stored = AnnualReport.objects.select_for_update().get(pk=report.pk)
            if opened is not None and stored.version != opened:
                raise StaleVersion(stale_message(report, opened))
            report.version, report.status = stored.version, stored.status
            previous = stored.to_shape() if stored.version else None
        if status is not None and status != report.status:
            if fresh:
                report.status = status
            else:
                workflow.record_transition(report, status, user, comment)
        findings = report.set_shape(shape, findings)
        report.version += 1
        report.save()
        for model, rows in version_rows(report, shape, findings, user, source, sha256, previous).items():
            if not fresh and model in SECTION_MODELS:
                model.objects.filter(report=report).delete()
            model.objects.bulk_create(model(**row) for row in rows)
        recheck_following([(report.agency_id, report.year)])
    # The caches describe the rows just replaced.
    getattr(report, "_prefetched_objects_cache", {}).clear()
    for key in TABLE_TWO_MODELS:
        report._state.fields_cache.pop(key, None)
    return findings


def recheck_following(stored, judged=()):
    """Refresh the findings of the reports judged against each stored (agency pk, year): the
    next year's of the agency or of one that goes on from it (机构改革; W5, W6, W8), and the
    regional aggregates of that year that count the agency among their members (W19). A few
    queries whatever the count. `judged`: (agency pk, year) of reports judged against the
    stored ones already (a series imported together), not judged again."""
    stored = set(stored)
    heirs = successors({agency for agency, _ in stored})
    wanted = {(heir, year + 1) for agency, year in stored for heir in heirs[agency]} - set(judged)
    following = AnnualReport.objects.filter(
        agency_id__in={agency for agency, _ in wanted}, year__in={year for _, year in wanted}
    ).values_list("pk", "agency_id", "year")
    pks = {pk for pk, agency, year in following if (agency, year) in wanted}
    pks |= aggregates_counting(stored)
    if pks:
        AnnualReport.objects.filter(pk__in=pks).refresh_findings()


def version_rows(report, shape, findings, user, source, sha256="", previous=None):
    """Every row a stored version writes beside the report (its pk set), as field values by model:
    section rows and findings, the revision, and the audit event naming the cells that changed
    since `previous` (the shape stored before, if any)."""
    rows = {
        model: [{"report_id": report.pk, **row} for row in values]
        for model, values in AnnualReport.section_values(shape, findings).items()
    }
    rows[ReportRevision] = [
        {
            "report_id": report.pk,
            "created_by_id": user.pk if getattr(user, "pk", None) else None,
            "source": source[:200],
            "source_sha256": sha256,
            "version": report.version,
            "data": {**shape.to_json(findings), "facts": shape.facts},
        }
    ]
    detail = {"source": source, "version": report.version, "sha256": sha256,
              "errors": report.error_count, "warnings": report.warning_count}  # fmt: skip
    if previous is not None:
        detail["changed"] = [label for label, *_ in changed_cells(previous, shape)]
    event = audit.event_fields(AuditAction.FIGURES, report_label(report), user=user, detail=detail)
    rows[AuditEvent] = [event]
    return rows


def report_label(report):
    return f"{report.agency.name}{report.year}年度报告"


def stale_message(report, opened):
    """Who stored which version since `opened`, and what they changed."""
    newer = list(report.revisions.filter(version__gt=opened).select_related("created_by").order_by("version"))
    if not newer:
        return "此报告已被他人更改，本次保存未生效；请重新打开页面，核对后再修改。"
    base = report.revisions.filter(version=opened).first()
    last = newer[-1]
    who = last.created_by.get_username() if last.created_by else "系统"
    changes = changed_cells(ReportShape.from_json(base.data), ReportShape.from_json(last.data)) if base else []
    what = "、".join(label for label, *_ in changes[:5]) + ("等" if len(changes) > 5 else "")
    return (
        f"此报告已由 {who} 于 {timezone.localtime(last.created_at):%Y-%m-%d %H:%M} 保存（{last.source}"
        + (f"，修改了{what}" if what else "")
        + "），您的页面打开于此之前。为免覆盖对方的修改，本次保存未生效；请重新打开页面，核对后再修改。"
    )


def changed_cells(stored, new):
    """(printed label, stored value, new value) for every cell and text that differs, values as
    printed (None for a blank cell)."""
    changes = []
    for table in v.ALL_TABLES:
        for row, column in table.cells():
            cell = (table.key, row.key, column and column.key)
            if stored.cell(*cell) != new.cell(*cell):
                changes.append((v.cell_label(*cell), _figure(stored.cell(*cell)), _figure(new.cell(*cell))))
    texts = [("标题", stored.facts.get("title") or "", new.facts.get("title") or ""),
             ("前言", stored.facts.get("preamble") or "", new.facts.get("preamble") or "")]  # fmt: skip
    texts += [(v.heading(key), stored.sections[key], new.sections[key]) for key in ("overall", "other")]
    for label, old, text in texts:
        if old != text:
            changes.append((label, *_first_difference(old, text)))
    for key, label in (("problems", v.PROBLEMS_LABEL), ("improvements", v.IMPROVEMENTS_LABEL)):
        if stored.sections[key] != new.sections[key]:
            changes.append((label, f"{len(stored.sections[key])} 条", f"{len(new.sections[key])} 条"))
    return changes


def _figure(value):
    return None if value is None else v.figure_text(value)


def _first_difference(old, new, context=12):
    """The two texts around the first place they differ: …已收取 / …未收取."""
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    begin = max(0, start - context)

    def excerpt(text):
        end = start + context
        return ("…" if begin else "") + text[begin:end] + ("…" if end < len(text) else "")

    return excerpt(old), excerpt(new)
