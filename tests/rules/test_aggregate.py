"""W19: a report declaring itself its region's aggregate (统计范围 本行政区域汇总) against the sum
of its members' reports, per cell; skipped, saying why, while a member's report is missing. The
members follow from the region tree: the other agencies of the region, a lower region whose
人民政府 publishes its own aggregate counted by that aggregate alone."""
import pytest

from reports.choices import AgencyKind, ReportScope
from reports.exporters.report_workbook import write_report_workbook
from reports.importing import import_bytes, parse_or_error, preview_shape
from reports.models import Agency, AnnualReport, Finding, Region
from reports.models.agency import OPERATOR
from reports.rules.aggregate import members
from reports.rules.context import context_for
from reports.rules.engine import skipped
from reports.versions import store
from tests.rules.test_catalog import consistent_report
from tests.test_forms import judged

APP = "applications"


def report_of(agency, received, scope=ReportScope.SELF):
    """A consistent 2023 report of `agency` with `received` applications from natural persons,
    all granted."""
    shape = consistent_report()
    shape.agency, shape.year = agency.name, 2023
    for row in ("new_received", "granted", "total_processed"):
        shape.applications[row].update(natural_person=received, total=received)
    report = AnnualReport.objects.filter(agency=agency, year=2023).first() or AnnualReport(agency=agency, year=2023)
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


def test_members_are_the_regions_agencies_a_lower_aggregate_standing_for_its_own(county):
    g = county
    assert members(g["government"], 2023) == {a.pk for k, a in g.items() if k != "government"}
    report_of(g["town"], 1, ReportScope.REGION_AGGREGATE)  # the town publishes its own aggregate
    assert members(g["government"], 2023) == {g["health"].pk, g["education"].pk, g["town"].pk}
    # A village below the town with its own aggregate is in the town's, not counted again.
    village = Region.objects.create(code="659001001001", name="测试村", parent=g["town"].region)
    committee = Agency.objects.create(name="测试县测试镇测试村人民政府", region=village, kind=AgencyKind.GOVERNMENT)
    report_of(committee, 1, ReportScope.REGION_AGGREGATE)
    assert members(g["government"], 2023) == {g["health"].pk, g["education"].pk, g["town"].pk}
    assert members(g["town"], 2023) == {g["town_office"].pk, committee.pk}


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
