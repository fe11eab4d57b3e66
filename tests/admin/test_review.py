"""The reviewer's admin: transitions, bulk actions, filters, 报送进度, revision diffs."""
import re
from datetime import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from reports import versions
from reports import workflow
from reports.choices import ReportStatus as S
from reports.models import AnnualReport, Transition

LIST = reverse("admin:reports_annualreport_changelist")


def change_url(report):
    return reverse("admin:reports_annualreport_change", args=[report.pk])


def user(name):
    return get_user_model().objects.get(username=name)


def submitted(report):
    AnnualReport.objects.filter(pk=report.pk).update(status=S.SUBMITTED)
    report.refresh_from_db()
    return report


def test_report_page_offers_the_allowed_moves_and_makes_them(client, demo):
    report = submitted(demo[1])
    client.force_login(user("reviewer"))
    page = client.get(change_url(report)).content.decode()
    assert 'value="approved"' in page and 'value="returned"' in page and 'value="published"' not in page
    move = reverse("admin:reports_annualreport_move", args=[report.pk])
    response = client.post(move, {"to_status": "returned", "comment": ""}, follow=True)
    assert "必须填写意见" in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).status == S.SUBMITTED
    client.post(move, {"to_status": "returned", "comment": "请补充第六部分。"})
    t = Transition.objects.get(report=report)
    assert (t.to_status, t.comment, t.user.username) == (S.RETURNED, "请补充第六部分。", "reviewer")
    client.force_login(user("leader"))
    response = client.post(move, {"to_status": "submitted"}, follow=True)
    assert "不能将" in response.content.decode()


def test_bulk_actions_ask_for_a_comment_and_report_skipped_reports(client, demo):
    for report in (demo[1], demo[2]):
        submitted(report)
    client.force_login(user("reviewer"))
    ids = [str(r.pk) for r in demo.values()]
    page = client.post(LIST, {"action": "approve", "_selected_action": ids}).content.decode()
    assert "确认" in page and page.count("<li>") >= 5 and AnnualReport.objects.filter(status=S.APPROVED).count() == 0
    response = client.post(LIST, {"action": "approve", "_selected_action": ids, "confirm": "1", "comment": ""}, follow=True)
    html = response.content.decode()
    assert AnnualReport.objects.get(pk=demo[1].pk).status == S.APPROVED  # clean and submitted
    assert AnnualReport.objects.get(pk=demo[2].pk).status == S.SUBMITTED  # 2 errors: skipped
    assert "已审核通过 1 份报告" in html and "2 处错误" in html and "不能将「草稿」" in html
    response = client.post(LIST, {"action": "send_back", "_selected_action": [str(demo[2].pk)], "confirm": "1", "comment": ""}, follow=True)
    assert "必须填写意见" in response.content.decode()
    client.post(LIST, {"action": "send_back", "_selected_action": [str(demo[2].pk)], "confirm": "1", "comment": "改正表三"})
    assert AnnualReport.objects.get(pk=demo[2].pk).status == S.RETURNED


def test_leaders_have_no_review_actions(client, demo):
    client.force_login(user("leader"))
    page = client.get(LIST).content.decode()
    assert 'value="approve"' not in page and 'value="send_back"' not in page


def agencies_listed(client, query):
    html = client.get(LIST + query).content.decode()
    return set(re.findall(r'<th class="field-agency[^"]*"><a [^>]*>([^<]+)</a>', html))


def test_unexplained_warnings_and_overdue_filters(client, demo):
    client.force_login(user("reviewer"))
    assert agencies_listed(client, "?unexplained=yes") == {"原平市卫生健康局", "榆林市榆阳区卫生健康局"}
    for finding in demo[3].evaluate():
        workflow.explain(demo[3], finding, "原件未填，实为0")
    assert agencies_listed(client, "?unexplained=yes") == {"榆林市榆阳区卫生健康局"}
    # Every demo report is a published document imported long after its deadline: none overdue.
    assert agencies_listed(client, "?overdue=yes") == set()
    workflow.move(demo[1], S.SUBMITTED, user("taishan"))  # submitted today, long after 2023-01-31
    assert agencies_listed(client, "?overdue=yes") == {"泰安市泰山区卫生健康局"}
    # Begun in this system before its deadline and still not submitted after it: overdue.
    begun_early(demo[2])
    assert agencies_listed(client, "?overdue=yes") == {"泰安市泰山区卫生健康局", "哈尔滨市呼兰区卫生健康局"}


def begun_early(report):
    """`report` as if begun here on 2024-01-10, before its deadline (saved: overdue_after follows)."""
    report = AnnualReport.objects.get(pk=report.pk)
    report.created_at = timezone.make_aware(datetime(2024, 1, 10))
    report.save()


def test_agencies_without_a_report_are_overdue_only_in_a_year_collected_here(client, demo):
    from reports.models import Agency

    Agency.objects.create(name="吴忠市利通区教育局", region=demo[0].agency.region)
    client.force_login(user("reviewer"))
    url = reverse("admin:reports_annualreport_progress") + "?year=2023"
    assert "逾期 0" in re.sub(r"\s+", " ", client.get(url).content.decode())  # imported records only
    begun_early(demo[2])
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "逾期 5" in page  # 呼兰区's draft, and the four agencies with no 2023 report


def test_progress_board_lists_every_agency_with_its_status(client, demo):
    from reports.models import Agency

    Agency.objects.create(name="吴忠市利通区教育局", region=demo[0].agency.region)
    client.force_login(user("reviewer"))
    page = client.get(reverse("admin:reports_annualreport_progress") + "?year=2023").content.decode()
    assert "吴忠市利通区卫生健康局" in page and "哈尔滨市呼兰区卫生健康局" in page
    assert re.search(r"吴忠市利通区教育局</td>\s*<td>利通区</td><td>未填报", page)
    assert "草稿 2" in page and "未填报 4" in page
    page = client.get(reverse("admin:reports_annualreport_progress") + "?year=2023&region=640000").content.decode()
    board = page.split('<table id="progress">')[1]
    assert "哈尔滨" not in board and "吴忠市利通区教育局" in board


def test_revision_history_shows_what_changed(client, demo):
    report = demo[2]
    shape = report.to_shape()
    shape.applications["unable_not_held"]["natural_person"] = 0
    versions.store(report, shape, user=None, source="表单编辑")
    client.force_login(user("reviewer"))
    page = client.get(change_url(report)).content.decode()
    assert "表三「1.本机关不掌握相关政府信息」行「自然人」列：8 → 0" in page and "首个版本" in page


def test_progress_board_refuses_odd_years_gracefully(client, demo):
    client.force_login(user("reviewer"))
    for year in ("²", "99999", "0", "abc", "-1"):
        response = client.get(reverse("admin:reports_annualreport_progress") + f"?year={year}&region=nope")
        assert response.status_code == 200


def test_a_region_stored_without_a_code_does_not_empty_the_progress_board(client, demo):
    """Before codes were checked, a registry import could store a region with code "" (path "//");
    报送进度 without a chosen region then took it for the choice and listed nobody. The import
    refuses such a code now (tests/test_resources.py); a row stored before is ignored."""
    from reports.models import Region

    Region.objects.bulk_create([Region(code="", name="空代码", path="//")])  # as the old import stored it
    client.force_login(user("reviewer"))
    response = client.get(reverse("admin:reports_annualreport_progress") + "?year=2023")
    assert response.context["region"] is None and len(response.context["rows"]) == 5
