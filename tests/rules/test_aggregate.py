"""W19: a report declaring itself its region's aggregate (统计范围 本行政区域汇总) against the sum
of its members' reports, per cell; skipped, saying why, while a member's report is missing. The
members follow from the region tree: the other agencies of the region, a lower region whose
人民政府 publishes its own aggregate counted by that aggregate alone."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.choices import AgencyKind, ReportScope
from reports.exporters.report_workbook import write_report_workbook
from reports.importing import import_bytes, import_many, parse_or_error, preview_shape
from reports.models import Agency, AnnualReport, Finding, Region
from reports.models.agency import OPERATOR
from reports.rules.aggregate import aggregates_counting, members
from reports.rules.context import context_for
from reports.rules.engine import skipped
from reports.versions import store
from tests.rules.test_catalog import consistent_report
from tests.test_forms import judged

APP = "applications"


def shape_of(agency, received, fees=Decimal("0"), year=2023):
    """A consistent `year` report of `agency` with `received` applications from natural persons,
    all granted, and `fees` 万元 of 行政事业性收费."""
    shape = consistent_report()
    shape.agency, shape.year = agency.name, year
    shape.active["fees"] = fees
    for row in ("new_received", "granted", "total_processed"):
        shape.applications[row].update(natural_person=received, total=received)
    return shape


def report_of(agency, received, scope=ReportScope.SELF, fees=Decimal("0"), year=2023):
    """shape_of() stored as `agency`'s report, of 统计范围 `scope`."""
    shape = shape_of(agency, received, fees, year)
    report = AnnualReport.objects.filter(agency=agency, year=year).first() or AnnualReport(agency=agency, year=year)
    report.scope = scope
    store(report, shape, user=None, source="测试")
    return report


@pytest.fixture
def county(db):
    """A county (its government and two departments) and a town below it (its government and
    its office)."""
    county = Region.objects.create(code="659001", name="测试县")
    town = Region.objects.create(code="659001001", name="测试镇", parent=county)

    def agency(name, region, kind=AgencyKind.DEPARTMENT):
        return Agency.objects.create(name=name, region=region, kind=kind)

    return {
        "government": agency("测试县人民政府", county, AgencyKind.GOVERNMENT),
        "health": agency("测试县卫生健康局", county),
        "education": agency("测试县教育局", county),
        "town": agency("测试县测试镇人民政府", town, AgencyKind.GOVERNMENT),
        "town_office": agency("测试县测试镇党政办公室", town),
    }


def w19(report):
    return {(f.table, f.row, f.column) for f in Finding.objects.filter(report=report, code="W19")}


def member_pks(aggregator):
    return set(members(aggregator, 2023).values_list("pk", flat=True))


def test_members_are_the_regions_agencies_a_lower_aggregate_standing_for_its_own(county):
    g = county
    assert member_pks(g["government"]) == {a.pk for k, a in g.items() if k != "government"}
    report_of(g["town"], 1, ReportScope.REGION_AGGREGATE)  # the town publishes its own aggregate
    assert member_pks(g["government"]) == {g["health"].pk, g["education"].pk, g["town"].pk}
    # A village below the town with its own aggregate is in the town's, not counted again.
    village = Region.objects.create(code="659001001001", name="测试村", parent=g["town"].region)
    committee = Agency.objects.create(name="测试县测试镇测试村人民政府", region=village, kind=AgencyKind.GOVERNMENT)
    report_of(committee, 1, ReportScope.REGION_AGGREGATE)
    assert member_pks(g["government"]) == {g["health"].pk, g["education"].pk, g["town"].pk}
    assert member_pks(g["town"]) == {g["town_office"].pk, committee.pk}


def test_the_aggregates_counting_an_agency_are_those_whose_members_it_is(county):
    """aggregates_counting (what a store re-checks) is members() the other way round, for every
    agency of a tree of nested aggregates: a village's inside a town's inside the county's, a
    second government of the town publishing one too, and the town office's (no government's)."""
    g = county
    village = Region.objects.create(code="659001001001", name="测试村", parent=g["town"].region)
    committee = Agency.objects.create(name="测试县测试镇测试村人民政府", region=village, kind=AgencyKind.GOVERNMENT)
    resident = Agency.objects.create(name="测试县测试镇测试村服务站", region=village)
    other = Agency.objects.create(name="测试县测试镇第二人民政府", region=g["town"].region, kind=AgencyKind.GOVERNMENT)
    for agency in (g["government"], g["town"], committee, g["town_office"]):
        report_of(agency, 1, ReportScope.REGION_AGGREGATE)

    def agree():
        reports = AnnualReport.objects.filter(scope=ReportScope.REGION_AGGREGATE, agency__kind=AgencyKind.GOVERNMENT)
        for agency in [*g.values(), committee, resident, other]:
            expected = {r.pk for r in reports if r.agency != agency and agency.pk in member_pks(r.agency)}
            assert aggregates_counting([(agency.pk, 2023)]) == expected, agency.name

    agree()
    report_of(other, 1, ReportScope.REGION_AGGREGATE)  # two aggregates of the town, each counting the other
    agree()


def test_w19_per_cell_where_the_aggregate_differs_from_its_members_sum(county):
    g = county
    report_of(g["town"], 1, ReportScope.REGION_AGGREGATE)
    report_of(g["town_office"], 1)  # in the town's aggregate, not counted again
    report_of(g["health"], 3)
    report_of(g["education"], 2)
    aggregate = report_of(g["government"], 6, ReportScope.REGION_AGGREGATE)
    assert w19(aggregate) == set()
    aggregate = report_of(g["government"], 7, ReportScope.REGION_AGGREGATE)
    cells = {(APP, row, column) for row in ("new_received", "granted", "total_processed")
             for column in ("natural_person", "total")}  # fmt: skip
    assert w19(aggregate) == cells
    # A member's report changed: the aggregate is judged again.
    report_of(g["education"], 3)
    assert w19(aggregate) == set()


def test_w19_sums_fees_in_wan_yuan(county):
    g = county
    report_of(g["town"], 1, ReportScope.REGION_AGGREGATE, fees=Decimal("0.000001"))
    report_of(g["health"], 3, fees=Decimal("1.5"))
    report_of(g["education"], 2, fees=Decimal("2.25"))
    aggregate = report_of(g["government"], 6, ReportScope.REGION_AGGREGATE, fees=Decimal("3.750001"))
    assert w19(aggregate) == set()
    aggregate = report_of(g["government"], 6, ReportScope.REGION_AGGREGATE, fees=Decimal("3.75"))
    assert w19(aggregate) == {("active", "fees", "")}
    message = Finding.objects.get(report=aggregate, code="W19").message
    assert "为3.75，" in message and "3份成员报告之和为3.750001" in message


def province(code, counties, departments):
    """A province whose government publishes its aggregate, of one city whose government does,
    of `counties` counties whose governments do, each with `departments` departments of one
    application each: every aggregate equal to its members' sum."""
    top = Region.objects.create(code=f"{code}0000", name=f"省{code}")
    city = Region.objects.create(code=f"{code}0100", name=f"市{code}", parent=top)
    aggregates, first = [], None
    for number in range(1, counties + 1):
        county = Region.objects.create(code=f"{code}01{number:02d}", name=f"县{code}{number}", parent=city)
        for index in range(departments):
            department = Agency.objects.create(name=f"县{code}{number}局{index}", region=county)
            report_of(department, 1)
            first = first or department
        government = Agency.objects.create(name=f"县{code}{number}人民政府", region=county, kind=AgencyKind.GOVERNMENT)
        aggregates.append(report_of(government, departments, ReportScope.REGION_AGGREGATE))
    for region in (city, top):
        government = Agency.objects.create(name=f"{region.name}人民政府", region=region, kind=AgencyKind.GOVERNMENT)
        aggregates.append(report_of(government, counties * departments, ReportScope.REGION_AGGREGATE))
    return first, aggregates


def test_storing_a_report_rechecks_the_one_aggregate_counting_it_in_queries_independent_of_sizes(db):
    """A department counts in its county's aggregate only (the city's counts the county's
    aggregate): storing its report re-validates that one, and its members are summed in the
    database, in as many queries for a county of two departments as for one of six, beside
    however many other aggregates."""
    queries = []
    for code, counties, departments in (("66", 1, 2), ("67", 3, 6)):
        department, aggregates = province(code, counties, departments)
        assert all(w19(a) == set() for a in aggregates)
        before = dict(AnnualReport.objects.filter(pk__in=[a.pk for a in aggregates]).values_list("pk", "validated_at"))
        with CaptureQueriesContext(connection) as captured:
            report_of(department, 2)
        queries.append(len(captured))
        after = dict(AnnualReport.objects.filter(pk__in=[a.pk for a in aggregates]).values_list("pk", "validated_at"))
        assert {pk for pk in after if after[pk] != before[pk]} == {aggregates[0].pk}
        assert w19(aggregates[0]) == {(APP, row, column) for row in ("new_received", "granted", "total_processed")
                                      for column in ("natural_person", "total")}  # fmt: skip
        assert all(w19(a) == set() for a in aggregates[1:])
    assert queries[0] == queries[1], queries


def test_a_series_imported_together_has_each_years_aggregate_judged_again(county):
    """A batch import of a member's 2022 and 2023 reports: the 2022 aggregate, waiting for that
    member's report, is judged once the batch is stored, although 2023 follows 2022 in the batch."""
    g = county
    for key, received in (("town_office", 1), ("education", 2)):
        report_of(g[key], received, year=2022)
    report_of(g["town"], 1, ReportScope.REGION_AGGREGATE, year=2022)
    aggregate = report_of(g["government"], 7, ReportScope.REGION_AGGREGATE, year=2022)
    assert w19(aggregate) == set()  # the health bureau's report is missing
    files = [(f"测试县卫生健康局{year}年报.xlsx", write_report_workbook(shape_of(g["health"], 3, year=year)))
             for year in (2022, 2023)]  # fmt: skip
    assert [o.action for o in import_many(files, OPERATOR)] == ["created", "created"]
    assert w19(aggregate) == {(APP, row, column) for row in ("new_received", "granted", "total_processed")
                              for column in ("natural_person", "total")}  # fmt: skip


def test_w19_skipped_saying_why_while_a_member_is_missing(county):
    g = county
    report_of(g["health"], 3)
    aggregate = report_of(g["government"], 9, ReportScope.REGION_AGGREGATE)
    assert w19(aggregate) == set()
    reasons = dict((rule.code, reason) for rule, reason in skipped(context_for(aggregate)))
    assert "3 个机关" in reasons["W19"]


def test_w19_only_for_a_government_declaring_an_aggregate(county):
    g = county
    report_of(g["education"], 2)
    assert "W19" not in {rule.code for rule, _ in skipped(context_for(report_of(g["health"], 3)))}
    department = report_of(g["health"], 3, ReportScope.REGION_AGGREGATE)
    assert "人民政府" in dict((rule.code, reason) for rule, reason in skipped(context_for(department)))["W19"]


def test_the_import_preview_of_an_aggregate_finds_what_storing_it_finds(county):
    """Re-importing over a stored aggregate: the preview judges the file as that report (W19
    against the members), as storing does."""
    g = county
    for key, received in (("town_office", 1), ("health", 3), ("education", 2)):
        report_of(g[key], received)
    report_of(g["town"], 1, ReportScope.REGION_AGGREGATE)
    aggregate = report_of(g["government"], 6, ReportScope.REGION_AGGREGATE)
    shape = aggregate.to_shape()
    for row in ("new_received", "granted", "total_processed"):
        shape.applications[row].update(natural_person=7, total=7)  # one more than the members sum
    name, data = "测试县人民政府2023年报.xlsx", write_report_workbook(shape)
    preview = preview_shape(parse_or_error(data, name), name, OPERATOR)
    assert preview.existing == aggregate
    assert {(f.table, f.row, f.column) for f in preview.findings if f.code == "W19"} == {
        (APP, row, column) for row in ("new_received", "granted", "total_processed")
        for column in ("natural_person", "total")
    }  # fmt: skip
    assert import_bytes(data, name, OPERATOR).action == "updated"
    stored = Finding.objects.filter(report=aggregate)
    assert judged(preview.findings) == [(f.code, f.location, f.message) for f in stored]
