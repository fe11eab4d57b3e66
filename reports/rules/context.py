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
from functools import reduce
from operator import or_

from django.db.models import Q

from reports.choices import ReportScope
from reports.rules.shape import ReportShape

PREVIOUS = "previous"  # last year's stored report of the same agency (looked up: it may be None)
KIND = "kind"  # the agency's kind (人民政府 or not: E11, and the deadline of W15)
PUBLISHED = "published"  # the earliest date the report can have been published (W15)
MEMBERS = "members"  # for a regional aggregate, its members' reports summed (W19)

NEEDS = {
    PREVIOUS: "上年报告未查询（单独解析文件时不读取已存储的报告）",
    KIND: "机关类型未知（未识别出机关名称）",
    PUBLISHED: "发布日期未知（原文没有落款日期）",
    MEMBERS: "统计范围未知（单独解析文件时不读取已存储的报告）",
}


@dataclass(frozen=True)
class Context:
    kind: str | None = None  # AgencyKind
    previous: ReportShape | None = None  # its tables and narrative (AnnualReport.figures())
    published_on: date | None = None
    published_from: str = "落款日期"  # where published_on was read, as W15 names it
    # A regional aggregate's members: (their tables summed, how many); None for a report of its
    # own agency alone, which has nothing to be summed from.
    members: tuple | None = None
    known: frozenset = frozenset()  # which of NEEDS were looked up
    why: tuple = ()  # (need, reason) where a need was looked up and cannot be met

    def has(self, needs):
        return needs <= self.known


def lacking(context, needs):
    """Why a rule needing `needs` is not run in `context`: '上年报告未查询（…）'."""
    known = context.known if context else frozenset()
    why = dict(context.why) if context else {}
    return "；".join(why.get(need, NEEDS[need]) for need in sorted(needs - known))


LOOKUP = object()  # context_for_shape(previous=…): look last year's report up in the database


def context_for_shape(shape, agency=None, previous=LOOKUP, scope=ReportScope.SELF):
    """The context of `shape` as a report of `agency` (a registered Agency, or None for a file
    read alone: its kind then follows from the name it states, as the registry would infer it).
    `previous`: last year's shape (or None) when the caller has looked it up; otherwise it is
    looked up for a registered agency. `scope`: the report's 统计范围 (a regional aggregate is
    judged against its members, W19)."""
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
    members, why = None, ()
    if registered and scope == ReportScope.SELF:
        known.add(MEMBERS)  # nothing to sum: W19 has nothing to compare
    elif registered and shape.year:
        from reports.rules.aggregate import members_summed

        members, reason = members_summed(agency, shape)
        if reason:
            why = ((MEMBERS, reason),)
        else:
            known.add(MEMBERS)
    return Context(agency and agency.kind, previous, published_on, published_from, members, frozenset(known), why)


def context_for(report, shape=None):
    """The context of a stored report (or of `shape`, about to be stored as it, or typed into
    the form of a report whose agency is not chosen yet)."""
    agency = report.agency if report.agency_id else None
    return context_for_shape(shape or report.to_shape(), agency, scope=report.scope)


def context_for_storing(shape, agency, existing=None):
    """The context `shape` will be judged in when stored as `agency`'s report of its year: over
    `existing`, the report stored there, which keeps its 统计范围 (a regional aggregate is judged
    against its members, W19), or as a new report, of its agency alone. The import preview judges
    a file in it, so that it shows what storing will find."""
    if existing is not None:
        return context_for(existing, shape)
    return context_for_shape(shape, agency)


def contexts_for(items, scopes=None):
    """Contexts of many (agency, shape) at once, of the 统计范围 `scopes` (all SELF when None):
    last year's reports in a few queries whatever the count (a regional aggregate's members take
    a few more each). A shape among `items` is the previous year of another when it has the same
    agency (or its predecessor) and the year before (a series imported together)."""
    given = {(agency.pk, shape.year): shape for agency, shape in items if agency.pk and shape.year}
    lines = lineages(agency.pk for agency, _ in items if agency.pk)
    stored = previous_shapes([key for key in given if not _given_previous(given, lines, *key)], lines)
    contexts = []
    for (agency, shape), scope in zip(items, scopes or [ReportScope.SELF] * len(items)):
        year = shape.year or 0
        previous = _given_previous(given, lines, agency.pk, year) or stored.get((agency.pk, year - 1))
        contexts.append(context_for_shape(shape, agency, previous, scope))
    return contexts


def _given_previous(given, lines, agency, year):
    return next((given[(a, year - 1)] for a in lines.get(agency, (agency,)) if (a, year - 1) in given), None)


def lineages(agencies):
    """{agency pk: (it, its predecessor, that one's …)} for `agencies`: where last year's report
    is looked for, in this order (机构改革: a renamed or merged agency goes on under a new name).
    A query per generation; Agency.clean() keeps the chains free of cycles."""
    from reports.models import Agency

    lines = {pk: (pk,) for pk in agencies}
    ends = {pk: pk for pk in lines}  # the agency whose predecessor is asked next
    while ends:
        found = dict(Agency.objects.filter(pk__in=set(ends.values()), predecessor__isnull=False)
                     .values_list("pk", "predecessor_id"))  # fmt: skip
        ends = {pk: found[end] for pk, end in ends.items() if end in found and found[end] not in lines[pk]}
        for pk, predecessor in ends.items():
            lines[pk] += (predecessor,)
    return lines


def successors(agencies):
    """{agency pk: {it and every agency that goes on from it}}: whose next year is judged
    against its reports (the reverse of lineages). A query per generation."""
    from reports.models import Agency

    heirs = {pk: {pk} for pk in agencies}
    frontier = {pk: {pk} for pk in heirs}
    while frontier:
        after = {}
        for pk, predecessor in Agency.objects.filter(predecessor_id__in=set().union(*frontier.values())).values_list(
            "pk", "predecessor_id"
        ):
            after.setdefault(predecessor, set()).add(pk)
        frontier = {
            root: new for root, ends in frontier.items()
            if (new := set().union(*(after.get(end, ()) for end in ends)) - heirs[root])
        }  # fmt: skip
        for root, new in frontier.items():
            heirs[root] |= new
    return heirs


def previous_shapes(keys, lines=None):
    """{(agency pk, year): shape} of last year's stored report for each of `keys` (agency pk,
    year): the agency's own, or else its nearest predecessor's (lineages); tables and narrative
    (W8 and W12 read last year's text), in a few queries."""
    return {key: shape for key, (_, shape) in previous_reports(keys, lines).items()}


def previous_reports(keys, lines=None):
    """previous_shapes, each as (the stored report, its shape): for whoever must know which
    report it is (与上年对比 shows it only to a viewer who may see it)."""
    from reports.models import AnnualReport

    keys = set(keys)
    if not keys:
        return {}
    lines = lines or lineages({agency for agency, _ in keys})
    wanted = {(a, year - 1) for agency, year in keys for a in lines.get(agency, (agency,))}
    by_year = {}
    for agency, year in wanted:
        by_year.setdefault(year, set()).add(agency)
    # Exactly the wanted pairs (agencies × years would read every agency's other years too).
    reports = AnnualReport.objects.filter(reduce(or_, (Q(year=y, agency_id__in=a) for y, a in by_year.items())))
    found = {
        (report.agency_id, report.year): (report, shape)
        for report, shape in reports.figures()
        if (report.agency_id, report.year) in wanted
    }
    previous = {}
    for agency, year in keys:
        pair = next((found[(a, year - 1)] for a in lines.get(agency, (agency,)) if (a, year - 1) in found), None)
        if pair is not None:
            previous[(agency, year - 1)] = pair
    return previous


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
