"""A regional aggregate (统计范围 本行政区域汇总) and the reports it sums (W19).

A 人民政府 may publish the figures of its whole 行政区域. Which reports those are follows from the
region tree: every other agency registered in the region, except that a lower region whose own
人民政府 publishes an aggregate that year is counted by that aggregate alone (its agencies are in
it already; counting both would count them twice). Spec §5: never assume a government's tables
equal the sum of its departments'; compare only a report that declares itself an aggregate, only
when every member's report is stored, and only as a warning.
"""
from reports import vocabulary as v
from reports.choices import AgencyKind, ReportScope
from reports.rules.shape import ReportShape


def members(aggregator, year):
    """The pks of the agencies whose `year` reports the aggregate of `aggregator` sums."""
    from reports.models import Agency, AnnualReport

    region = aggregator.region
    aggregates = AnnualReport.objects.filter(
        year=year,
        scope=ReportScope.REGION_AGGREGATE,
        agency__kind=AgencyKind.GOVERNMENT,
        agency__region__path__startswith=region.path,
    ).exclude(agency=aggregator)
    # A lower region's own aggregate stands for its whole subtree, itself included if it lies
    # within a yet larger lower aggregate.
    lower = {agency: path for agency, path in aggregates.values_list("agency_id", "agency__region__path")
             if path != region.path}  # fmt: skip
    agencies = Agency.objects.filter(region__path__startswith=region.path).exclude(pk=aggregator.pk)
    return {
        pk for pk, path in agencies.values_list("pk", "region__path")
        if not any(path.startswith(subtree) and other != pk for other, subtree in lower.items())
    }  # fmt: skip


def members_summed(aggregator, shape):
    """((the members' tables summed, how many), None) for the aggregate `shape` of `aggregator`,
    or (None, why W19 cannot judge it)."""
    from reports.models import AnnualReport

    if aggregator.kind != AgencyKind.GOVERNMENT or aggregator.region_id is None:
        return None, "本行政区域汇总报告应由已登记行政区划的人民政府报送"
    wanted = members(aggregator, shape.year)
    if not wanted:
        return None, "本行政区域内没有其他机关"
    stored = AnnualReport.objects.filter(agency_id__in=wanted, year=shape.year)
    missing = len(wanted) - stored.count()
    if missing:
        return None, f"本行政区域内尚有 {missing} 个机关没有{shape.year}年报告，暂不核对汇总数"
    total = ReportShape(year=shape.year, format_version=shape.format_version)
    tables = v.tables_for(shape.format_version)
    for _, member in stored.figures():
        for table in tables:
            for row, column in table.cells():
                cell = (table.key, row.key, column and column.key)
                total.set_cell(*cell, (total.cell(*cell) or 0) + (member.cell(*cell) or 0))
    return (total, len(wanted)), None
