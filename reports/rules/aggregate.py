"""A regional aggregate (统计范围 本行政区域汇总) and the reports it sums (W19).

A 人民政府 may publish the figures of its whole 行政区域. Which reports those are follows from the
region tree: every other agency registered in the region, except that a lower region whose own
人民政府 publishes an aggregate that year is counted by that aggregate alone (its agencies are in
it already; counting both would count them twice). Spec §5: never assume a government's tables
equal the sum of its departments'; compare only a report that declares itself an aggregate, only
when every member's report is stored, and only as a warning.

A province holds thousands of agencies: the members are a filter and their figures are summed by
the database, in a few queries whatever their count.
"""
from functools import reduce
from operator import or_

from django.db.models import DecimalField, Q, Sum

from reports import vocabulary as v
from reports.choices import AgencyKind, ReportScope
from reports.rules.shape import ReportShape


def _aggregates():
    """The regional aggregates that stand for their regions: a 人民政府's."""
    from reports.models import AnnualReport

    return AnnualReport.objects.filter(scope=ReportScope.REGION_AGGREGATE, agency__kind=AgencyKind.GOVERNMENT)


def members(aggregator, year):
    """The agencies (a queryset) whose `year` reports the aggregate of `aggregator` sums."""
    from reports.models import Agency

    region = aggregator.region
    lower = {}  # region path below `region` → the agencies publishing its aggregate
    for agency, path in (_aggregates().filter(year=year, agency__region__path__startswith=region.path)
                         .exclude(agency=aggregator).values_list("agency_id", "agency__region__path")):  # fmt: skip
        if path != region.path:
            lower.setdefault(path, set()).add(agency)
    # A lower region's own aggregate stands for its whole subtree, a yet lower aggregate's included;
    # its publisher is a member unless another government of that region publishes one too.
    tops = [path for path in lower if not any(path != other and path.startswith(other) for other in lower)]
    agencies = Agency.objects.filter(region__path__startswith=region.path).exclude(pk=aggregator.pk)
    for path in tops:
        counted = Q(region__path__startswith=path)
        if len(lower[path]) == 1:
            counted &= ~Q(pk=next(iter(lower[path])))
        agencies = agencies.exclude(counted)
    return agencies


def aggregates_counting(stored):
    """The pks of the aggregate reports whose members include each stored (agency pk, year):
    members() the other way round. An agency counts in the aggregate of the nearest region (its
    own or one above) whose 人民政府 publishes one that year, its own aggregate aside: a nearer one
    stands for it in those further up. Two queries whatever the count."""
    from reports.models import Agency

    stored = set(stored)
    agencies = Agency.objects.filter(pk__in={a for a, _ in stored}, region__isnull=False)
    paths = dict(agencies.values_list("pk", "region__path"))
    around = {(agency, year): _ancestors(paths[agency]) for agency, year in stored if agency in paths}
    if not around:
        return set()
    by_year = {}
    for (_, year), ancestors in around.items():
        by_year.setdefault(year, set()).update(ancestors)
    found = {}  # (year, region path) → [(report pk, agency pk)]
    near = reduce(or_, (Q(year=year, agency__region__path__in=ancestors) for year, ancestors in by_year.items()))
    aggregates = _aggregates().filter(near).values_list("pk", "agency_id", "year", "agency__region__path")
    for pk, agency, year, path in aggregates:
        found.setdefault((year, path), []).append((pk, agency))
    pks = set()
    for (agency, year), ancestors in around.items():
        for path in reversed(ancestors):
            nearest = {pk for pk, aggregator in found.get((year, path), ()) if aggregator != agency}
            if nearest:
                pks |= nearest
                break
    return pks


def _ancestors(path):
    """'/65/6590/659001/' → ['/65/', '/65/6590/', '/65/6590/659001/']: the region and those above."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:depth]) + "/" for depth in range(1, len(codes) + 1)]


def members_summed(aggregator, shape):
    """((the members' tables summed, how many), None) for the aggregate `shape` of `aggregator`,
    or (None, why W19 cannot judge it)."""
    from reports.models import AnnualReport

    if aggregator.kind != AgencyKind.GOVERNMENT or aggregator.region_id is None:
        return None, "本行政区域汇总报告应由已登记行政区划的人民政府报送"
    wanted = members(aggregator, shape.year)
    count = wanted.count()
    if not count:
        return None, "本行政区域内没有其他机关"
    stored = AnnualReport.objects.filter(agency__in=wanted, year=shape.year)
    missing = count - stored.count()
    if missing:
        return None, f"本行政区域内尚有 {missing} 个机关没有{shape.year}年报告，暂不核对汇总数"
    return (summed(stored, shape), count), None


def summed(reports, shape):
    """A shape of `shape`'s year and format whose every cell is the sum of that cell over
    `reports` (a blank counting as 0), summed by the database: three queries."""
    from reports.models.sections import TABLE_TWO_MODELS, ApplicationRow, ReviewLitigationRow, active_field

    total = ReportShape(year=shape.year, format_version=shape.format_version)
    tables = v.tables_for(shape.format_version)
    sums = {}  # (table key, row key, column key) → the sum, where some report has the cell
    for table in tables:
        if table.key in TABLE_TWO_MODELS:
            model = TABLE_TWO_MODELS[table.key]
            cells = {active_field(row.key, column and column.key): (table.key, row.key, column and column.key)
                     for row, column in table.cells()}  # fmt: skip
            row = model.objects.filter(report__in=reports).aggregate(**{f: _sum(model, f) for f in cells})
            sums.update((cells[field], value) for field, value in row.items())
    for model, table, key, columns in ((ApplicationRow, v.APPLICATIONS, "row", v.APPLICANT_KEYS),
                                       (ReviewLitigationRow, v.REVIEW_LITIGATION, "group", v.RESULT_KEYS)):  # fmt: skip
        rows = model.objects.filter(report__in=reports).order_by().values(key)
        for row in rows.annotate(**{c: _sum(model, c) for c in columns}):
            sums.update(((table.key, row[key], column), row[column]) for column in columns)
    for table in tables:
        for row, column in table.cells():
            cell = (table.key, row.key, column and column.key)
            value = sums.get(cell)
            total.set_cell(*cell, 0 if value is None else value)
    return total


def _sum(model, field):
    """Sum(field); a sum of 万元 as wide as it needs to be (a cell's own digits hold one agency's
    fees, not a province's)."""
    if isinstance(model._meta.get_field(field), DecimalField):
        return Sum(field, output_field=DecimalField(max_digits=30, decimal_places=v.FEE_PLACES))
    return Sum(field)
