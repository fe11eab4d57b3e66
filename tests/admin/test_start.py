"""The admin's home as a reviewer's start page: what awaits them per 行政区划, each count a link to
exactly the reports it counts."""
import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import roles, versions, workflow
from reports.choices import ReportStatus as S
from reports.models import AnnualReport, Profile, Region

from ..conftest import make_user

HOME = reverse("admin:index")


def user(name):
    return get_user_model().objects.get(username=name)


def awaiting(html):
    """{row label: [(count, link or None)]} of the 待办 table."""
    table = re.search(r'<div class="module" id="awaiting">.*?</table>', html, re.S).group(0)
    rows = {}
    for label, cells in re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a></th>(.*?)</tr>', table, re.S):
        rows[label] = [(int(n), link.replace("&amp;", "&") or None)
                       for link, n in re.findall(r'<td class="count">(?:<a href="([^"]+)">)?(\d+)', cells)]  # fmt: skip
    return rows


def listed(client, link):
    return len(re.findall(r'<tr>\s*<td class="action-checkbox">', client.get(link).content.decode()))


def returned(report, changed_since):
    workflow.record_transition(report, S.RETURNED, user("reviewer"), "请补充。")
    report.save()
    if changed_since:
        versions.store(report, report.to_shape(), user=None, source="测试")


def test_the_home_page_counts_what_awaits_the_reviewer_per_region_and_links_to_it(client, demo):
    AnnualReport.objects.filter(pk__in=[demo[0].pk, demo[1].pk]).update(status=S.SUBMITTED)
    returned(demo[2], changed_since=False)  # 呼兰区: returned, untouched since
    returned(demo[3], changed_since=True)  # 原平市: returned and saved again: no longer waiting
    client.force_login(user("reviewer"))
    rows = awaiting(client.get(HOME).content.decode())
    assert set(rows) == {"宁夏回族自治区", "山东省", "黑龙江省", "山西省", "陕西省", "合计"}
    counts = {label: [n for n, _ in cells] for label, cells in rows.items()}
    assert counts["宁夏回族自治区"][:2] == [1, 0] and counts["黑龙江省"][:2] == [0, 1]
    assert counts["合计"][0] == 2 and counts["合计"][1] == 1
    assert counts["合计"][3] == AnnualReport.objects.with_unexplained_warnings().count() > 0
    for label, cells in rows.items():
        for count, link in cells:
            assert (link is None) == (count == 0)
            if link:
                assert link.startswith(reverse("admin:reports_annualreport_changelist"))
                assert listed(client, link) == count, (label, link)
    page = client.get(HOME).content.decode()
    for url in ("progress", "leadership", "upload"):
        assert reverse(f"admin:reports_annualreport_{url}") in page


def test_a_regional_reviewer_sees_the_regions_of_its_office_only(client, demo):
    ningxia = make_user("ningxia", roles.REVIEWER)
    Profile.objects.create(user=ningxia, region=Region.objects.get(code="640000"), must_change_password=False)
    AnnualReport.objects.update(status=S.SUBMITTED)
    client.force_login(ningxia)
    rows = awaiting(client.get(HOME).content.decode())
    assert list(rows) == ["吴忠市", "合计"]
    assert rows["合计"][0][0] == 1 and listed(client, rows["合计"][0][1]) == 1


def test_leaders_see_it_and_administrators_do_not(client, demo):
    client.force_login(user("leader"))
    page = client.get(HOME).content.decode()
    assert 'id="awaiting"' in page and reverse("admin:reports_annualreport_upload") not in page
    client.force_login(user("xitong"))
    assert 'id="awaiting"' not in client.get(HOME).content.decode()


def test_the_counts_take_a_few_queries_whatever_the_number_of_reports(
    client, reviewer, make_reports, django_assert_max_num_queries
):
    client.force_login(reviewer)
    make_reports(3, "640302")
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200
    make_reports(120, "640303")
    AnnualReport.objects.update(status=S.RETURNED)
    with django_assert_max_num_queries(len(few)):
        page = client.get(HOME).content.decode()
    assert awaiting(page)["合计"][1][0] == 123  # every report returned, none changed since
