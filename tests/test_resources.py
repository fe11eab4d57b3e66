"""Row-shaped data through django-import-export: registries and the statistics sheet."""
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse

from reports.models import Agency, AnnualReport, Region
from reports.resources import AgencyResource, RegionResource, ReportStatisticsResource


def dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


def test_region_and_agency_registries_import_with_region_codes(db):
    regions = dataset(
        ["行政区划代码", "名称", "上级区划代码"],
        ["640000", "宁夏回族自治区", ""],
        ["640300", "吴忠市", "640000"],
        ["640302", "利通区", "640300"],
    )
    result = RegionResource().import_data(regions, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Region.objects.get(code="640302").path == "/640000/640300/640302/"

    agencies = dataset(
        ["机关名称", "机关类型", "行政区划代码"],
        ["吴忠市利通区卫生健康局", "部门", "640302"],
        ["吴忠市利通区人民政府", "人民政府", "640302"],
        ["利通区某某中心", "other", "640302"],
    )
    result = AgencyResource().import_data(agencies, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert dict(Agency.objects.values_list("name", "kind")) == {
        "吴忠市利通区卫生健康局": "department",
        "吴忠市利通区人民政府": "government",
        "利通区某某中心": "other",
    }
    exported = AgencyResource().export()
    assert exported.headers == ["机关名称", "机关类型", "行政区划代码", "行政区划名称", "前身机关"]
    assert ["吴忠市利通区卫生健康局", "部门", "640302", "利通区", ""] in [list(r) for r in exported]


def test_registry_rows_with_unknown_codes_or_kinds_are_refused(db):
    result = AgencyResource().import_data(
        dataset(["机关名称", "机关类型", "行政区划代码"], ["甲局", "部门", "999999"], ["乙局", "委员会", ""]),
        dry_run=False,
    )
    assert result.has_validation_errors()
    messages = " ".join(str(e) for row in result.invalid_rows for e in row.error_dict.values())
    assert "不是有效的选项" in messages
    assert not Agency.objects.exists()


def test_statistics_sheet_round_trips_and_updates_as_written(demo):
    exported = ReportStatisticsResource().export()
    assert exported.headers[:3] == ["agency", "year", "format_version"]
    assert "applications__unable_not_held__natural_person" in exported.headers
    assert len(exported) == 5
    rows = {(r[0], str(r[1])): dict(zip(exported.headers, r)) for r in exported}
    hulan = rows[("哈尔滨市呼兰区卫生健康局", "2023")]
    assert hulan["applications__unable_not_held__natural_person"] == 8
    assert rows[("原平市卫生健康局", "2024")]["active__regulations__in_force"] is None

    # An office corrects one figure, blanks another and types text into a third.
    hulan.update(
        applications__unable_not_held__natural_person=0,
        active__penalty="",
        active__fees="约2万",
    )
    sheet = dataset(exported.headers, [hulan[h] for h in exported.headers])
    result = ReportStatisticsResource().import_data(sheet, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    report = AnnualReport.objects.get(pk=demo[2].pk)
    shape = report.to_shape()
    assert shape.applications["unable_not_held"]["natural_person"] == 0
    assert shape.active["penalty"] is None and shape.active["licensing"] == 160
    codes = set(report.findings.values_list("code", "row"))
    assert ("E6", "fees") in codes and ("W1", "penalty") in codes and ("E9", "unable_not_held") not in codes
    assert report.revisions.first().source == "统计表导入"


def test_statistics_dry_run_stores_nothing(demo):
    exported = ReportStatisticsResource().export()
    row = dict(zip(exported.headers, exported[0]))
    row["active__licensing"] = 999
    ReportStatisticsResource().import_data(dataset(exported.headers, list(row.values())), dry_run=True)
    assert not AnnualReport.objects.filter(active__licensing=999).exists()


def test_statistics_row_for_an_unknown_agency_is_an_error(db):
    sheet = dataset(["agency", "year", "format_version", "active__licensing"], ["不存在的局", "2023", "2021", "5"])
    result = ReportStatisticsResource().import_data(sheet, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not AnnualReport.objects.exists()


def test_new_report_from_a_statistics_row_keeps_blanks_blank(db):
    Agency.objects.create(name="泰安市泰山区卫生健康局")
    sheet = dataset(["agency", "year", "format_version", "active__fees", "active__penalty"],
                    ["泰安市泰山区卫生健康局", "2022", "2021", "1.2345", "126"])  # fmt: skip
    ReportStatisticsResource().import_data(sheet, dry_run=False)
    shape = AnnualReport.objects.get().to_shape()
    assert (shape.active["fees"], shape.active["penalty"], shape.active["licensing"]) == (Decimal("1.2345"), 126, None)


def test_admin_offers_import_to_adders_and_export_to_viewers(client, superuser, reviewer, demo):
    import_url = reverse("admin:reports_annualreport_import")
    export_url = reverse("admin:reports_annualreport_export")
    client.force_login(superuser)
    assert client.get(import_url).status_code == 200
    assert client.get(reverse("admin:reports_agency_import")).status_code == 200
    client.force_login(reviewer)
    assert client.get(import_url).status_code == 403
    assert client.get(export_url).status_code == 200


def test_statistics_changing_a_reviewed_report_reopens_it(demo):
    AnnualReport.objects.filter(pk=demo[1].pk).update(status="approved")
    exported = ReportStatisticsResource().export()
    row = next(dict(zip(exported.headers, r)) for r in exported if r[0] == "泰安市泰山区卫生健康局")
    row["active__penalty"] = 999
    ReportStatisticsResource().import_data(dataset(exported.headers, list(row.values())), dry_run=False)
    report = AnnualReport.objects.get(pk=demo[1].pk)
    assert report.status == "draft" and report.to_shape().active["penalty"] == 999


REGION_HEADERS = ["行政区划代码", "名称", "上级区划代码"]


def row_errors(result):
    """{sheet row: {column header: [messages]}} of the rows refused."""
    return {row.number: row.error_dict for row in result.invalid_rows}


@pytest.mark.parametrize("code", ["", "-1", "1" * 50, "64000", "6400000", "64000a"])
def test_a_region_code_the_admin_form_refuses_is_refused_on_import(db, code):
    sheet = dataset(REGION_HEADERS, [code, "某区", ""], ["640000", "宁夏", ""])
    result = RegionResource().import_data(sheet, dry_run=False)
    assert result.has_validation_errors() and not result.has_errors()
    [(number, errors)] = row_errors(result).items()
    assert number == 1 and list(errors) == ["行政区划代码"]
    assert list(Region.objects.values_list("code", flat=True)) == ["640000"]


def test_a_parent_that_is_not_registered_is_the_rows_error(db):
    result = RegionResource().import_data(dataset(REGION_HEADERS, ["640300", "吴忠市", "999999"]), dry_run=False)
    assert row_errors(result) == {
        1: {"上级区划代码": ["行政区划代码「999999」尚未登记（上级区划须已登记，或在表中排在下级之前）。"]}
    }
    assert not Region.objects.exists()


def test_a_region_cannot_be_placed_under_itself(db):
    ningxia = Region.objects.create(code="640000", name="宁夏")
    Region.objects.create(code="640300", name="吴忠市", parent=ningxia)
    result = RegionResource().import_data(dataset(REGION_HEADERS, ["640000", "宁夏", "640300"]), dry_run=False)
    assert row_errors(result) == {1: {"上级区划代码": ["上级区划不能是本区划或其下级区划。"]}}
    assert Region.objects.get(code="640000").parent is None


def test_an_agency_in_an_unregistered_region_is_refused_not_left_without_one(db):
    Region.objects.create(code="640302", name="利通区")
    headers = ["机关名称", "机关类型", "行政区划代码"]
    result = AgencyResource().import_data(dataset(headers, ["甲局", "部门", "999999"]), dry_run=False)
    assert row_errors(result) == {1: {"行政区划代码": ["行政区划代码「999999」尚未登记。"]}}
    assert not Agency.objects.exists()
    # No code at all is no error: the region is then the one the name begins with.
    result = AgencyResource().import_data(dataset(headers, ["利通区乙局", "部门", ""]), dry_run=False)
    assert not result.has_validation_errors() and Agency.objects.get().region.code == "640302"


def test_an_agency_name_too_long_for_the_registry_is_refused(db):
    result = AgencyResource().import_data(dataset(["机关名称", "机关类型"], ["局" * 101, "部门"]), dry_run=False)
    assert list(row_errors(result)[1]) == ["机关名称"]
    assert not Agency.objects.exists()


AGENCY_HEADERS = ["机关名称", "机关类型", "行政区划代码", "前身机关"]


def test_predecessors_round_trip_by_name(db):
    """机构改革 in Ningxia 2019: 卫生和计划生育局 became 卫生健康局; the registry carries it both ways."""
    Region.objects.create(code="640302", name="利通区")
    sheet = dataset(
        AGENCY_HEADERS,
        ["吴忠市利通区卫生和计划生育局", "部门", "640302", ""],
        ["吴忠市利通区卫生健康局", "部门", "640302", "吴忠市利通区卫生和计划生育局"],  # after its predecessor
    )
    result = AgencyResource().import_data(sheet, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert Agency.objects.get(name="吴忠市利通区卫生健康局").predecessor.name == "吴忠市利通区卫生和计划生育局"
    exported = AgencyResource().export()
    rows = {row[0]: row[4] for row in exported}
    assert rows == {"吴忠市利通区卫生和计划生育局": "", "吴忠市利通区卫生健康局": "吴忠市利通区卫生和计划生育局"}
    # The exported sheet imports back unchanged; a sheet without the column leaves predecessors be.
    again = AgencyResource().import_data(exported, dry_run=False)
    assert not again.has_validation_errors() and Agency.objects.filter(predecessor__isnull=False).count() == 1
    AgencyResource().import_data(dataset(AGENCY_HEADERS[:3], ["吴忠市利通区卫生健康局", "部门", "640302"]), dry_run=False)
    assert Agency.objects.get(name="吴忠市利通区卫生健康局").predecessor is not None
    # An empty cell clears it.
    AgencyResource().import_data(dataset(AGENCY_HEADERS, ["吴忠市利通区卫生健康局", "部门", "640302", ""]), dry_run=False)
    assert Agency.objects.get(name="吴忠市利通区卫生健康局").predecessor is None


def test_a_predecessor_cycle_or_an_unregistered_predecessor_is_the_rows_error(db):
    old = Agency.objects.create(name="甲市卫生和计划生育委员会")
    Agency.objects.create(name="甲市卫生健康委员会", predecessor=old)
    sheet = dataset(
        AGENCY_HEADERS,
        ["甲市卫生和计划生育委员会", "部门", "", "甲市卫生健康委员会"],  # its own successor: a cycle
        ["甲市医疗保障局", "部门", "", "甲市医疗保险局"],  # never registered
        ["甲市档案局", "部门", "", "甲市档案局"],  # itself, registered by no earlier row
    )
    result = AgencyResource().import_data(sheet, dry_run=False)
    errors = row_errors(result)
    assert list(errors) == [1, 2, 3] and all(list(e) == ["前身机关"] for e in errors.values())
    assert "循环" in errors[1]["前身机关"][0]
    assert errors[2]["前身机关"] == ["机关「甲市医疗保险局」尚未登记（前身机关须已登记，或在表中排在承继它的机关之前）。"]
    assert Agency.objects.get(name="甲市卫生和计划生育委员会").predecessor is None
    assert not Agency.objects.filter(name__in=["甲市医疗保障局", "甲市档案局"]).exists()
    # An agency already registered cannot name itself either.
    result = AgencyResource().import_data(dataset(AGENCY_HEADERS, ["甲市卫生健康委员会", "部门", "", "甲市卫生健康委员会"]), dry_run=False)
    assert "循环" in row_errors(result)[1]["前身机关"][0]
