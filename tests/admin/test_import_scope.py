"""A region-scoped reviewer imports within its 行政区划 only: nothing outside it is shown,
matched, replaced or created (issue 10, point 1)."""
import pytest
from django.urls import reverse

from reports import roles
from reports.models import Agency, AnnualReport, AuditEvent, Profile, Region

from ..conftest import make_user, seed
from .test_import_views import choices, preview_url, upload


@pytest.fixture
def ningxia_reviewer(client, demo):
    """A reviewer whose office covers 宁夏 (利通区 is inside it, 泰山区 is not)."""
    user = make_user("ningxia", roles.REVIEWER)
    Profile.objects.create(user=user, region=Region.objects.get(code="640000"), must_change_password=False)
    client.force_login(user)
    return client


def test_a_file_of_another_region_is_refused_and_shows_nothing_stored(ningxia_reviewer, demo):
    taishan = demo[1]  # 泰安市泰山区卫生健康局 2022, outside 宁夏
    before = taishan.to_shape()
    changed = seed(1).read_text().replace("\t2\n", "\t5\n", 1).encode()
    url = preview_url(upload(ningxia_reviewer, ("泰山区.txt", changed)))
    page = ningxia_reviewer.get(url).content.decode()
    assert "不在您负责的行政区划内" in page
    assert "已有：泰安市泰山区卫生健康局" not in page and "将替换" not in page
    ningxia_reviewer.post(url, {**choices(page), "0-include": "on", "0-agency": "new"})
    assert AnnualReport.objects.get(pk=taishan.pk).to_shape().applications == before.applications
    assert AnnualReport.objects.count() == 5


def test_other_and_new_agency_choices_stay_within_the_region(ningxia_reviewer, demo):
    # A 宁夏 report whose name matches nothing: the reviewer may not point it at 泰山区's agency…
    text = seed(0).read_text().replace("吴忠市利通区卫生健康局", "吴忠市利通区教育局").encode()
    url = preview_url(upload(ningxia_reviewer, ("教育局.txt", text)))
    page = ningxia_reviewer.get(url).content.decode()
    data = {**choices(page), "0-include": "on", "0-agency": "other", "0-other_name": "泰安市泰山区卫生健康局"}
    refused = ningxia_reviewer.post(url, data).content.decode()
    assert "您负责的行政区划内没有这个名称的机关" in refused
    # …nor create an agency of another region under a new name.
    data = {**choices(page), "0-include": "on", "0-agency": "new", "0-new_name": "泰安市泰山区教育局"}
    refused = ningxia_reviewer.post(url, data).content.decode()
    assert "不在您负责的行政区划内" in refused
    assert not Agency.objects.filter(name__contains="教育局").exists()
    # A new agency of its own region is created there.
    data = {**choices(page), "0-include": "on", "0-agency": "new", "0-new_name": "吴忠市利通区教育局"}
    assert ningxia_reviewer.post(url, data).status_code == 302
    assert Agency.objects.get(name="吴忠市利通区教育局").region.code == "640302"


def test_a_new_agency_whose_name_states_no_region_lands_in_the_reviewers(ningxia_reviewer, demo):
    text = seed(0).read_text().replace("吴忠市利通区卫生健康局", "城关镇人民政府").replace("利通区卫生健康局", "城关镇人民政府")
    url = preview_url(upload(ningxia_reviewer, ("城关镇.txt", text.encode())))
    ningxia_reviewer.post(url, choices(ningxia_reviewer.get(url).content.decode()))
    assert Agency.objects.get(name="城关镇人民政府").region.code == "640000"


def test_batch_and_single_imports_refuse_hidden_agencies(demo):
    from reports.importing import import_bytes, import_many

    user = make_user("ningxia", roles.REVIEWER)
    Profile.objects.create(user=user, region=Region.objects.get(code="640000"))
    changed = seed(1).read_text().replace("\t2\n", "\t5\n", 1).encode()
    outcome = import_bytes(changed, "泰山区.txt", user)
    assert outcome.action == "failed" and "不在您负责的行政区划内" in outcome.message
    [outcome] = import_many([("泰山区.txt", changed)], user)
    assert outcome.action == "failed" and "不在您负责的行政区划内" in outcome.message
    assert not AnnualReport.objects.filter(agency__name__contains="泰山区", status="draft", version__gt=1).exists()
    failed = AuditEvent.objects.filter(action="import", result="failure", username="ningxia")
    assert failed.count() == 2 and failed.first().detail["sha256"]


def test_an_unscoped_reviewer_still_sees_every_region(client, demo):
    client.force_login(make_user("all", roles.REVIEWER))
    changed = seed(1).read_text().replace("\t2\n", "\t5\n", 1).encode()
    page = client.get(preview_url(upload(client, ("泰山区.txt", changed)))).content.decode()
    assert "已有：泰安市泰山区卫生健康局" in page


def test_the_resolver_cannot_be_asked_without_a_user(db):
    with pytest.raises(TypeError):
        Agency.objects.resolver(None)


def test_upload_page_is_reachable(ningxia_reviewer):
    assert ningxia_reviewer.get(reverse("admin:reports_annualreport_upload")).status_code == 200
