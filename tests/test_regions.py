"""An agency is placed in the 行政区划 its name states, so that region-scoped reviewers see what
was imported or registered without anyone setting it by hand."""
import re

import pytest
from django.urls import reverse

from reports.models.agency import OPERATOR, regions_around
from reports import roles
from reports.importing import import_bytes, import_many
from reports.models import Agency, AnnualReport, Profile, Region

from .conftest import make_user, seed


@pytest.fixture
def regions(db):
    def add(code, name, parent=None):
        return Region.objects.create(code=code, name=name, parent=parent)

    ningxia = add("640000", "宁夏回族自治区")
    wuzhong = add("640300", "吴忠市", ningxia)
    litong = add("640302", "利通区", wuzhong)
    add("640302100", "金积镇", litong)
    gansu = add("620000", "甘肃省")
    add("620123100", "城关镇", add("620123", "榆中县", gansu))
    add("620621100", "城关镇", add("620621", "民勤县", gansu))
    return {region.code: region for region in Region.objects.all()}


@pytest.mark.parametrize(
    "name, code",
    [
        ("吴忠市利通区卫生健康局", "640302"),
        ("利通区卫生健康局", "640302"),  # the only 利通区
        ("宁夏回族自治区吴忠市利通区金积镇人民政府", "640302100"),
        ("吴忠市金积镇人民政府", "640302100"),  # a level may be skipped
        ("吴忠市市场监督管理局", "640300"),  # 市场 is no place
        ("榆中县城关镇人民政府", "620123100"),  # the 城关镇 within 榆中县
        ("民勤县榆中县城关镇人民政府", "620621"),  # 榆中县 is not within 民勤县: read no further
        ("城关镇人民政府", None),  # two counties have one
        ("泰安市泰山区卫生健康局", None),  # not in the registry
        ("国家税务总局吴忠市税务局", None),  # the place does not begin the name
    ],
)
def test_a_new_agency_is_placed_where_its_name_says(regions, name, code):
    agency = Agency.objects.create(name=name)
    assert (agency.region.code if agency.region else None) == code


def test_a_given_region_stands_and_nothing_is_inferred_after_creation(regions):
    given = Agency.objects.create(name="吴忠市利通区卫生健康局", region=regions["640300"])
    assert given.region == regions["640300"]
    cleared = Agency.objects.create(name="利通区教育局")
    cleared.region = None  # an administrator's choice
    cleared.save()
    cleared.refresh_from_db()
    assert cleared.region is None


@pytest.mark.parametrize("path", ["batch", "single"])
def test_an_imported_report_is_seen_by_the_reviewer_of_its_region(regions, path):
    reviewer = make_user("wuzhong", roles.REVIEWER)
    Profile.objects.create(user=reviewer, region=regions["640300"])
    data = seed(0).read_bytes()  # 吴忠市利通区卫生健康局, a new agency
    if path == "batch":
        [outcome] = import_many([(seed(0).name, data)], OPERATOR)
    else:
        outcome = import_bytes(data, seed(0).name, OPERATOR)
    assert outcome.action == "created"
    assert outcome.report.agency.region == regions["640302"]
    assert list(AnnualReport.objects.visible_to(reviewer)) == [outcome.report]


def test_the_admin_refuses_to_place_a_region_under_its_own_subtree(client, regions):
    from django.urls import reverse

    client.force_login(make_user("root", superuser=True))
    ningxia = regions["640000"]
    url = reverse("admin:reports_region_change", args=[ningxia.pk])
    response = client.post(url, {"code": "640000", "name": "宁夏回族自治区", "parent": regions["640302"].pk})
    assert response.status_code == 200 and "上级区划不能是本区划或其下级区划。" in response.content.decode()
    ningxia.refresh_from_db()
    assert ningxia.parent is None and ningxia.path == "/640000/"


# The tree around 利通区 as every region chooser lists it: the top regions, 利通区's ancestors, its
# siblings and its children, each indented by its depth.
AROUND_LITONG = [("620000", "甘肃省"), ("640000", "宁夏回族自治区"), ("640300", "　吴忠市"),
                 ("640302", "　　利通区"), ("640302100", "　　　金积镇")]  # fmt: skip


def test_every_region_chooser_indents_the_tree_alike(client, regions, superuser):
    assert [(r.code, r.indented_name) for r in regions_around(regions["640302"])] == AROUND_LITONG
    client.force_login(superuser)

    def options(url):
        select = re.search(r'<select name="region"[^>]*>(.*?)</select>', client.get(url).content.decode(), re.S)
        return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(1))

    assert options(reverse("admin:reports_annualreport_progress") + "?year=2023&region=640302") == AROUND_LITONG
    assert options(reverse("admin:reports_annualreport_leadership") + "?region=640302") == AROUND_LITONG
    listed = client.get(reverse("admin:reports_annualreport_changelist") + "?region=640302").content.decode()
    links = re.findall(r'<a href="\?region=(\d+)">([^<]*)</a>', listed)  # the other filters' 全部 keep the region
    assert [link for link in links if link[1] != "全部"] == AROUND_LITONG
