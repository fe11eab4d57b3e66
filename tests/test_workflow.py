"""Roles × views × transitions: who may see, edit, submit, return, approve and publish what."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports import roles, workflow
from reports.choices import ReportStatus as S
from reports.models import AnnualReport, Profile, Region, Transition

from .conftest import fee_stated, make_user


@pytest.fixture
def people(demo):
    users = get_user_model().objects
    shandong_reviewer = make_user("shandong", roles.REVIEWER)
    Profile.objects.create(user=shandong_reviewer, region=Region.objects.get(code="370000"), must_change_password=False)
    sysadmin = make_user("sysadmin", roles.SYSTEM_ADMIN)
    return {
        "clerk": users.get(username="taishan"),  # 泰安市泰山区卫生健康局
        "other_clerk": users.get(username="hulan"),
        "reviewer": users.get(username="reviewer"),  # all regions
        "region_reviewer": shandong_reviewer,  # 山东省 only: 泰山区 is inside
        "leader": users.get(username="leader"),
        "sysadmin": sysadmin,
        "superuser": users.get(username="admin"),
    }


@pytest.fixture
def report(demo):
    return demo[1]  # 泰山区 2022: no errors, no warnings


SITE = {
    # persona: (list, edit, submit, print)
    "clerk": (200, 200, 200, 200),
    "other_clerk": (200, 404, 404, 404),
    "reviewer": (200, 302, 403, 200),
    "region_reviewer": (200, 302, 403, 200),
    "leader": (200, 302, 403, 200),
    "sysadmin": (200, 404, 404, 404),
    "superuser": (200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", SITE)
def test_agency_site_views_by_role(client, people, report, persona):
    client.force_login(people[persona])
    urls = [reverse("reports:list")] + [reverse(f"reports:{n}", args=[report.pk]) for n in ("edit", "submit", "print")]
    assert tuple(client.get(url).status_code for url in urls) == SITE[persona]


def test_anonymous_users_are_sent_to_login(client, report):
    response = client.get(reverse("reports:edit", args=[report.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_reviewer_outside_the_region_sees_nothing_of_it(client, people, demo):
    client.force_login(people["region_reviewer"])
    assert client.get(reverse("reports:print", args=[demo[2].pk])).status_code == 404  # 黑龙江
    assert set(AnnualReport.objects.visible_to(people["region_reviewer"])) == {demo[1]}
    assert client.get(reverse("admin:reports_annualreport_change", args=[demo[2].pk])).status_code == 302


ADMIN = {
    # persona: (changelist, change page, change POST, 导入年报, 报送进度, statistics export)
    "clerk": (302, 302, 302, 302, 302, 302),  # not staff: the admin sends them to its login
    "reviewer": (200, 200, 403, 200, 200, 200),  # imports documents, never edits cells
    "leader": (200, 200, 403, 403, 200, 200),
    "sysadmin": (403, 403, 403, 403, 403, 403),
    "superuser": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", ADMIN)
def test_admin_by_role(client, people, report, persona):
    client.force_login(people[persona])
    change = reverse("admin:reports_annualreport_change", args=[report.pk])
    codes = (
        client.get(reverse("admin:reports_annualreport_changelist")).status_code,
        client.get(change).status_code,
        client.post(change, {}).status_code,
        client.get(reverse("admin:reports_annualreport_upload")).status_code,
        client.get(reverse("admin:reports_annualreport_progress")).status_code,
        client.get(reverse("admin:reports_annualreport_export")).status_code,
    )
    assert codes == ADMIN[persona]


MOVES = [
    (S.DRAFT, S.SUBMITTED, {"clerk", "superuser"}),
    (S.RETURNED, S.SUBMITTED, {"clerk", "superuser"}),
    (S.SUBMITTED, S.RETURNED, {"reviewer", "region_reviewer", "superuser"}),
    (S.SUBMITTED, S.APPROVED, {"reviewer", "region_reviewer", "superuser"}),
    (S.APPROVED, S.RETURNED, {"reviewer", "region_reviewer", "superuser"}),
    (S.APPROVED, S.PUBLISHED, {"reviewer", "region_reviewer", "superuser"}),
    (S.DRAFT, S.APPROVED, set()),
    (S.SUBMITTED, S.SUBMITTED, set()),
    (S.PUBLISHED, S.DRAFT, set()),
]


@pytest.mark.parametrize("source, target, allowed", MOVES)
@pytest.mark.parametrize("persona", sorted(SITE))
def test_transitions_by_role(people, report, source, target, allowed, persona):
    AnnualReport.objects.filter(pk=report.pk).update(status=source)
    report.refresh_from_db()
    if persona in allowed:
        workflow.move(report, target, people[persona], comment="请核对。")
        assert AnnualReport.objects.get(pk=report.pk).status == target
        t = Transition.objects.get(report=report)
        assert (t.from_status, t.to_status, t.user, t.comment) == (source, target, people[persona], "请核对。")
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.move(report, target, people[persona], comment="请核对。")
        assert AnnualReport.objects.get(pk=report.pk).status == source and not Transition.objects.exists()


def test_returning_needs_a_comment(people, report):
    AnnualReport.objects.filter(pk=report.pk).update(status=S.SUBMITTED)
    report.refresh_from_db()
    with pytest.raises(workflow.TransitionRefused, match="意见"):
        workflow.move(report, S.RETURNED, people["reviewer"], comment="  ")


def test_errors_block_submission_and_approval(people, demo):
    hulan = demo[2]  # E8, E9
    with pytest.raises(workflow.TransitionRefused, match="2 处错误"):
        workflow.move(hulan, S.SUBMITTED, people["other_clerk"])
    AnnualReport.objects.filter(pk=hulan.pk).update(status=S.SUBMITTED)
    hulan.refresh_from_db()
    with pytest.raises(workflow.TransitionRefused, match="错误"):
        workflow.move(hulan, S.APPROVED, people["reviewer"])


def test_warnings_need_an_explanation_before_submission(demo):
    yuanping = fee_stated(demo[3])  # warnings only
    clerk = get_user_model().objects.get(username="yuanping")
    with pytest.raises(workflow.TransitionRefused, match="上报说明"):
        workflow.move(yuanping, S.SUBMITTED, clerk)
    for finding in yuanping.evaluate():
        workflow.explain(yuanping, finding, "原件该栏未填，实际为0。")
    workflow.move(yuanping, S.SUBMITTED, clerk)
    yuanping.refresh_from_db()
    assert yuanping.status == S.SUBMITTED and yuanping.submitted_at is not None


def test_the_agency_cannot_edit_after_submitting(client, people, report):
    workflow.move(report, S.SUBMITTED, people["clerk"])
    client.force_login(people["clerk"])
    assert client.get(reverse("reports:edit", args=[report.pk])).status_code == 302  # to the print view
    assert not workflow.may_edit(report, people["clerk"])
    workflow.move(report, S.RETURNED, people["reviewer"], comment="补充说明")
    assert workflow.may_edit(report, people["clerk"])


def test_a_system_administrator_cannot_make_anyone_superuser(client, people):
    admin_user = people["sysadmin"]
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    client.post(url, {"username": "sysadmin", "is_superuser": "on", "is_staff": "on", "is_active": "on",
                      "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})  # fmt: skip
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser
    superuser = people["superuser"]
    assert client.get(reverse("admin:auth_user_change", args=[superuser.pk])).status_code in (302, 403)
    assert client.post(reverse("admin:auth_user_change", args=[superuser.pk]), {"username": "x"}).status_code == 403


def test_the_agency_registry_is_scoped_like_reports(client, people):
    client.force_login(people["region_reviewer"])  # 山东省
    page = client.get(reverse("admin:reports_agency_changelist")).content.decode()
    assert "泰安市泰山区卫生健康局" in page and "哈尔滨市呼兰区卫生健康局" not in page
    client.force_login(people["sysadmin"])
    page = client.get(reverse("admin:reports_agency_changelist")).content.decode()
    assert "泰安市泰山区卫生健康局" in page and "哈尔滨市呼兰区卫生健康局" in page
