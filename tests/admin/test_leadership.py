"""统计汇总 (领导看板): one selection for the page, its download and export_excel."""
import io
import re
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import roles
from reports import vocabulary as v
from reports import versions
from reports.admin.leadership import chart
from reports.choices import ReportStatus as S
from reports.models import (
    ActiveDisclosure,
    Agency,
    AnnualReport,
    ApplicationRow,
    Profile,
    Region,
    ReviewLitigationRow,
)
from reports.selection import ReportSelection, totals

from ..conftest import make_user

PAGE = reverse("admin:reports_annualreport_leadership")
DOWNLOAD = reverse("admin:reports_annualreport_leadership_download")


def user(name):
    return get_user_model().objects.get(username=name)


def download(client, query=""):
    """The workbook the download's background job wrote (tests run jobs at once), from its page."""
    page = client.get(DOWNLOAD + query, follow=True)
    job = page.context["job"]
    assert job.state == "done" and f"下载 {job.filename}" in page.content.decode()
    return client.get(reverse("admin:reports_annualreport_job_download", args=[job.pk]))


def selected(client, query=""):
    """The agencies of the page's selection, and its figures (every year unless the query says)."""
    if "year=" not in query:
        query += ("&" if query else "?") + "year="
    response = client.get(PAGE + query)
    assert response.status_code == 200
    names = {r.agency.name for r in response.context["selection"].reports().select_related("agency")}
    return names, response.context["figures"]


def test_totals_equal_database_sums(client, demo):
    AnnualReport.objects.filter(pk=demo[0].pk).update(status=S.SUBMITTED)
    AnnualReport.objects.filter(pk=demo[1].pk).update(status=S.APPROVED)
    AnnualReport.objects.filter(pk=demo[2].pk).update(status=S.PUBLISHED)
    # Stored as a clerk's save stores them (the figures 统计汇总 adds are written with the rows).
    for report, change in (
        (demo[3], lambda shape: shape.review_litigation["litigation_direct"].update(total=3)),
        (demo[0], lambda shape: shape.applications["denied_third_party"].update(total=2)),
        (demo[1], lambda shape: shape.applications["denied_inquiry"].update(total=5)),
    ):
        shape = report.to_shape()
        change(shape)
        versions.store(AnnualReport.objects.get(pk=report.pk), shape, user=None, source="表单编辑")
    client.force_login(user("leader"))
    response = client.get(PAGE + "?year=")  # 全部年度
    figures = response.context["figures"]
    assert figures == totals(AnnualReport.objects.all())
    # With errors: 000 (E3), 002 (E8, E9), 003 and 004 (E13: 六 leaves 信息处理费 unsaid), and now
    # 001, whose changed 总计 breaks its sums.
    assert (figures["reports"], figures["submitted"], figures["approved"], figures["with_errors"]) == (5, 3, 2, 5)

    def rows(*keys):
        return ApplicationRow.objects.filter(row__in=keys).aggregate(s=Sum("total"))["s"] or 0

    applications = {label: value for label, value, _ in figures["applications"]}
    assert applications[v.APPLICATIONS.row_by_key["new_received"].label] == rows("new_received")
    assert figures["new_received"] == rows("new_received")
    denied = [r.key for r in v.APPLICATIONS.rows if r.block == v.DENIED]
    assert applications[v.DENIED] == rows(*denied) >= 7
    assert applications[v.APPLICATIONS.row_by_key["total_processed"].label] == rows("total_processed")
    assert len(figures["outcomes"]) == 6 and applications[v.OUTCOMES_BLOCK] is None
    active = ActiveDisclosure.objects.aggregate(licensing=Sum("licensing"), penalty=Sum("penalty"))
    assert (figures["licensing"], figures["penalty"]) == (active["licensing"], active["penalty"])
    review = ReviewLitigationRow.objects
    assert figures["reconsideration"] == review.filter(group="reconsideration").aggregate(s=Sum("total"))["s"]
    assert figures["litigation"] == review.exclude(group="reconsideration").aggregate(s=Sum("total"))["s"] == 3
    html = response.content.decode()
    assert "下载 Excel" in html and v.heading("applications") in html and "行政诉讼·复议后起诉" in html
    charts = html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"')
    assert charts == 2 and html.count("<rect") == 5 + 6 and '<script src="http' not in html  # no CDN
    licensing = v.ACTIVE.row_by_key["licensing"].label
    assert re.search(rf'<th>{licensing}</th><td class="number">{active["licensing"]}<', html)


def test_each_filter_narrows_the_selection(client, demo):
    Agency.objects.filter(pk=demo[3].agency_id).update(kind="government")
    AnnualReport.objects.filter(pk=demo[4].pk).update(status=S.SUBMITTED)
    client.force_login(user("reviewer"))
    everyone = {r.agency.name for r in demo.values()}
    assert selected(client)[0] == everyone
    assert selected(client, "?year=2023")[0] == {"吴忠市利通区卫生健康局", "哈尔滨市呼兰区卫生健康局"}
    for code in ("640000", "640300", "640302"):  # a province, a city, a district: the whole subtree
        assert selected(client, f"?region={code}")[0] == {"吴忠市利通区卫生健康局"}
    assert selected(client, "?kind=government")[0] == {demo[3].agency.name}
    assert selected(client, "?kind=department")[0] == everyone - {demo[3].agency.name}
    assert selected(client, "?status=submitted")[0] == {demo[4].agency.name}
    assert selected(client, "?has_errors=yes")[0] == everyone - {"泰安市泰山区卫生健康局"}  # 001 has none
    assert selected(client, "?has_errors=no")[0] == {"泰安市泰山区卫生健康局"}
    names, figures = selected(client, "?year=2023&region=230000&has_errors=yes")
    assert names == {"哈尔滨市呼兰区卫生健康局"} and figures["reports"] == 1


def test_a_region_scoped_reviewer_sees_only_its_subtree(client, demo):
    ningxia = make_user("ningxia", roles.REVIEWER)
    Profile.objects.create(user=ningxia, region=Region.objects.get(code="640000"), must_change_password=False)
    client.force_login(ningxia)
    names, figures = selected(client)
    assert names == {"吴忠市利通区卫生健康局"} and figures["reports"] == 1
    html = client.get(PAGE).content.decode()
    # Region choices: the office's subtree only, a level at a time (the office and its cities,
    # then the chosen city's districts).
    assert "吴忠市" in html and "利通区</option>" not in html and "黑龙江省" not in html
    assert "利通区</option>" in client.get(PAGE + "?region=640300").content.decode()
    response = client.get(PAGE + "?region=230000")  # a region outside it: refused, not widened
    assert response.context["figures"] is None and "不在您负责的区划内" in response.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download(client).streaming_content)))
    assert [r[0] for r in book["汇总"].iter_rows(values_only=True)][1:-1] == ["吴忠市利通区卫生健康局"]
    assert {r[0] for r in book["报送进度"].iter_rows(values_only=True, min_row=2)} == {"吴忠市利通区卫生健康局"}


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_clerks_and_anonymous_users_are_refused(client, demo, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(user("litong"))  # 填报员: not staff
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    clerk = user("litong")
    clerk.is_staff = True  # made staff by mistake: still no permission on reports
    clerk.save()
    assert client.get(url).status_code == 403
    client.force_login(make_user("sysadmin", roles.SYSTEM_ADMIN))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=99999", "?year=²", "?region=nope", "?kind=x", "?status=x", "?has_errors=maybe"]
)
def test_invalid_parameters_show_errors_not_500(client, demo, query):
    client.force_login(user("reviewer"))
    response = client.get(PAGE + query)
    assert response.status_code == 200 and response.context["figures"] is None
    assert 'class="errorlist' in response.content.decode()
    response = client.get(DOWNLOAD + query)  # back to the page, which says what is wrong
    assert response.status_code == 302 and response["Location"].startswith(PAGE)


def test_download_is_the_pages_selection(client, demo):
    client.force_login(user("leader"))
    query = "?year=2023&has_errors=yes&region=230000"
    page = client.get(PAGE + query)
    assert f'href="{DOWNLOAD}{query}"'.replace("&", "&amp;") in page.content.decode()
    response = download(client, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and "2023.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["汇总"].iter_rows(values_only=True))
    names = {r.agency.name for r in page.context["selection"].reports()}
    assert {r[0] for r in rows[1:-1]} == names == {"哈尔滨市呼兰区卫生健康局"}
    received = rows[0].index(v.APPLICATIONS.row_by_key["new_received"].label)
    assert rows[-1][0] == "合计" and rows[-1][received] == page.context["figures"]["new_received"]
    licensing = rows[0].index(v.ACTIVE.row_by_key["licensing"].label)
    assert rows[-1][licensing] == page.context["figures"]["licensing"]


def test_the_command_uses_the_same_selection(demo, tmp_path):
    out = tmp_path / "汇总.xlsx"
    call_command("export_excel", "--year", "2023", "--region", "230000", "-o", str(out), stdout=StringIO())
    rows = list(openpyxl.load_workbook(out)["汇总"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:-1]] == ["哈尔滨市呼兰区卫生健康局"]
    with pytest.raises(CommandError, match="行政区划"):
        call_command("export_excel", "--year", "2023", "--region", "999999", "-o", str(out))
    assert ReportSelection({"year": 2023}).reports().count() == 2  # no user: every report


def page_queries(client, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE + query)
    assert response.status_code == 200 and response.context["figures"]["reports"] > 0
    return len(captured)


def with_sections(reports):
    ApplicationRow.objects.bulk_create(ApplicationRow(report=r, row="new_received", total=2) for r in reports)
    ActiveDisclosure.objects.bulk_create(ActiveDisclosure(report=r, licensing=1, penalty=1) for r in reports)
    return reports


@pytest.mark.parametrize("query", ["", "?year=2023&region=640302&kind=department&status=draft&has_errors=no"])
def test_query_count_does_not_grow_with_reports(client, reviewer, make_reports, query):
    client.force_login(reviewer)
    with_sections(make_reports(2, "640302"))
    two = page_queries(client, query)
    with_sections(make_reports(60, "640303"))
    assert page_queries(client, query) == two


def test_a_negative_count_draws_an_empty_bar():
    bars = chart("t", [("a", -3), ("b", 6), ("c", 3)])["bars"]
    assert [b["length"] for b in bars] == [0, 360, 180] and bars[0]["value"] == -3


def test_the_page_opens_on_the_latest_year_in_the_official_order(client, demo):
    client.force_login(user("leader"))
    response = client.get(PAGE)
    assert response.context["selection"].form.cleaned_data["year"] == 2024  # not every year added up
    assert response.context["figures"]["reports"] == 1
    html = response.content.decode()
    assert 'href="/admin/reports/annualreport/leadership/download/?year=2024"' in html
    tables = re.findall(r'<table class="leadership-figures" id="leadership-(\w+)"', html)
    assert tables == ["overview", "active", "applications", "review"]  # 二, 三, 四 as printed
    # The 总计 rows under the 总计 column: as many cells as the header has.
    review = html.split('id="leadership-review"')[1].split("</table>")[0]
    header = len(re.findall(r"<th>", review.split("</thead>")[0]))
    for row in re.findall(r"<tfoot>(.*?)</tfoot>", review, re.S)[0].split("</tr>")[:2]:
        cells = re.findall(r"<t[hd]( colspan=\"(\d+)\")?", row)
        assert sum(int(span or 1) for _, span in cells) == header


def test_the_problem_sheet_names_places_as_printed(client, demo):
    client.force_login(user("leader"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download(client, "?year=").streaming_content)))
    places = {row[5] for row in book["问题清单"].iter_rows(values_only=True, min_row=2)}
    assert not places & {"applications", "active", "review_litigation", "other", "problems"}
    assert all(place.startswith(("表", "一、", "二、", "三、", "四、", "五、", "六、")) or place in ("机关名称", "报告年度")
               for place in places if place), places
