"""What the rules know beyond the report itself, gathered in one place.

A file read alone (parse_report) knows its own text: its agency's kind follows from the name it
states, its publication from the date its page says it was published (发布时间) or else the date
it is signed. A stored report, an import, a preview or a
form also knows the registered agency and last year's stored report of that agency. Rules
declare what they need (engine.rule(needs=…)); where a context lacks it they are not run, and
engine.skipped() says which and why (lacking()).
"""
from dataclasses import dataclass
from datetime import date

from reports.rules.shape import ReportShape

PREVIOUS = "previous"  # last year's stored report of the same agency (looked up: it may be None)
KIND = "kind"  # the agency's kind (人民政府 or not: E11, and the deadline of W15)
PUBLISHED = "published"  # the earliest date the report can have been published (W15)

NEEDS = {
    PREVIOUS: "上年报告未查询（单独解析文件时不读取已存储的报告）",
    KIND: "机关类型未知（未识别出机关名称）",
    PUBLISHED: "发布日期未知（原文没有落款日期）",
}


@dataclass(frozen=True)
class Context:
    kind: str | None = None  # AgencyKind
    previous: ReportShape | None = None  # its tables (a shape of AnnualReport.figures())
    published_on: date | None = None
    published_from: str = "落款日期"  # where published_on was read, as W15 names it
    known: frozenset = frozenset()  # which of NEEDS were looked up

    def has(self, needs):
        return needs <= self.known


def lacking(context, needs):
    """Why a rule needing `needs` is not run in `context`: '上年报告未查询（…）'."""
    known = context.known if context else frozenset()
    return "；".join(NEEDS[need] for need in sorted(needs - known))


LOOKUP = object()  # context_for_shape(previous=…): look last year's report up in the database


def context_for_shape(shape, agency=None, previous=LOOKUP):
    """The context of `shape` as a report of `agency` (a registered Agency, or None for a file
    read alone: its kind then follows from the name it states, as the registry would infer it).
    `previous`: last year's shape (or None) when the caller has looked it up; otherwise it is
    looked up for a registered agency."""
    from reports.models import Agency

    known = set()
    registered = agency is not None and agency.pk is not None
    name = agency.name if agency is not None else shape.agency
    if not registered and name:  # its kind is what the registry will infer
        agency = Agency(name=name)
        agency.infer_kind()
    if agency is not None:
        known.add(KIND)
    if previous is LOOKUP:
        previous = None
        if registered and shape.year:
            previous = previous_shapes([(agency.pk, shape.year)]).get((agency.pk, shape.year - 1))
            known.add(PREVIOUS)
    else:
        known.add(PREVIOUS)
    published_on, published_from = publication(shape)
    if published_on:
        known.add(PUBLISHED)
    return Context(agency and agency.kind, previous, published_on, published_from, frozenset(known))


def context_for(report, shape=None):
    """The context of a stored report (or of `shape`, about to be stored as it, or typed into
    the form of a report whose agency is not chosen yet)."""
    return context_for_shape(shape or report.to_shape(), report.agency if report.agency_id else None)


def contexts_for(items):
    """Contexts of many (agency, shape) at once: last year's reports in a few queries whatever
    the count. A shape among `items` is the previous year of another when it has the same agency
    and the year before (a series imported together)."""
    given = {(agency.pk, shape.year): shape for agency, shape in items if agency.pk and shape.year}
    stored = previous_shapes([key for key in given if (key[0], key[1] - 1) not in given])
    contexts = []
    for agency, shape in items:
        previous_key = (agency.pk, (shape.year or 0) - 1)
        previous = given.get(previous_key) or stored.get(previous_key)
        contexts.append(context_for_shape(shape, agency, previous))
    return contexts


def previous_shapes(keys):
    """{(agency pk, year): shape of its tables} of the stored reports of the year before each of
    `keys` (agency pk, year), in a few queries."""
    from reports.models import AnnualReport

    wanted = {(agency, year - 1) for agency, year in keys}
    if not wanted:
        return {}
    reports = AnnualReport.objects.filter(
        agency_id__in={agency for agency, _ in wanted}, year__in={year for _, year in wanted}
    )
    return {
        (report.agency_id, report.year): shape
        for report, shape in reports.figures()
        if (report.agency_id, report.year) in wanted
    }


def publication(shape):
    """(date, where it was read): the date the page the report was read from says it was
    published, else the date the document is signed (its 落款; it cannot have been published
    before); (None, "") when it states neither."""
    for key, source in (("published_on", "发布时间"), ("signed_on", "落款日期")):
        text = shape.facts.get(key)
        try:
            if text:
                return date.fromisoformat(text), source
        except ValueError:
            continue
    return None, ""
