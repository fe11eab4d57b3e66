"""审计日志: the 审计管理员 reads, filters, searches and exports it; nobody edits or deletes it."""
import csv
import html
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from reports import audit, roles
from reports.models import AuditAction, AuditEvent, AuditResult

from ..conftest import make_user

LOG = reverse("admin:reports_auditevent_changelist")
EXPORT = reverse("admin:reports_auditevent_export")


@pytest.fixture
def trail(db):
    audit.record(AuditAction.LOGIN_FAILED, "litong", username="litong", result=AuditResult.FAILURE)
    AuditEvent.objects.bulk_create([AuditEvent(created_at=timezone.now() - timedelta(days=40), username="hulan",
                                               action=AuditAction.LOGIN, target="hulan", ip="10.0.0.5")])  # fmt: skip
    audit.record(AuditAction.ROLE_CHANGE, "taishan", username="anquan", detail={"组": {"原": [], "新": ["审核员"]}})
    return AuditEvent.objects.order_by("id")


@pytest.fixture
def auditor(client, db):
    user = make_user("shenji", roles.AUDIT_ADMIN)
    client.force_login(user)
    return user


def listed(client, query=""):
    return [row.username for row in client.get(LOG + query).context["cl"].result_list]


def test_the_auditor_sees_every_column_and_filters(client, trail, auditor):
    page = client.get(LOG).content.decode()
    for heading in ("时间", "用户", "来源IP", "事件", "对象", "结果", "详情"):
        assert heading in page
    assert "角色或权限变更" in page and "审核员" in page and "10.0.0.5" in page
    assert listed(client, "?action=login_failed") == ["litong"]
    assert listed(client, "?result=failure") == ["litong"]
    today = timezone.localdate()
    assert "hulan" not in listed(client, f"?created_at__year={today.year}&created_at__month={today.month}")
    assert listed(client, "?q=taishan") == ["anquan"]  # the target
    assert listed(client, "?q=hulan") == ["hulan"]  # the user


def test_details_written_in_english_are_listed_and_exported_in_chinese_and_stored_as_written(client, auditor):
    detail = {"from": "submitted", "to": "returned", "comment": "请补充。", "model": "reports.agency",
              "rows": {"new": 2, "invalid": 1}, "kind": "docx", "sha256": "ab12"}  # fmt: skip
    audit.record(AuditAction.TRANSITION, "利通区2023年度报告", username="reviewer", detail=detail)
    chinese = {"原状态": "已报送", "新状态": "退回修改", "意见": "请补充。", "数据": "机关",
               "行数": {"新增": 2, "无效": 1}, "类型": "Word（可发布）", "SHA-256": "ab12"}  # fmt: skip
    page = client.get(LOG + "?action=transition").content.decode()
    assert json.loads(html.unescape(re.search(r'<td class="field-details">(.*?)</td>', page).group(1))) == chinese
    exported = client.post(EXPORT + "?action=transition", {"format": "1", "auditeventresource_detail": "on"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert json.loads(rows[1][0]) == chinese
    assert AuditEvent.objects.get(action=AuditAction.TRANSITION).detail == detail


def test_an_events_page_names_it_by_the_time_the_list_shows(client, trail, auditor):
    event = trail.get(action=AuditAction.ROLE_CHANGE)
    shown = f"{timezone.localtime(event.created_at):%Y-%m-%d %H:%M:%S}"
    assert shown in client.get(LOG).content.decode()
    page = client.get(reverse("admin:reports_auditevent_change", args=[event.pk])).content.decode()
    assert f"{shown} anquan 角色或权限变更" in page


def test_the_auditor_sees_nothing_else(client, auditor, seeds):
    index = client.get(reverse("admin:index")).content.decode()
    assert LOG in index and reverse("admin:auth_user_changelist") not in index
    assert reverse("admin:reports_annualreport_changelist") not in index
    for url in ("admin:auth_user_changelist", "admin:reports_annualreport_changelist", "admin:reports_agency_changelist",
                "admin:reports_loginlock_changelist"):  # fmt: skip
        assert client.get(reverse(url)).status_code == 403


@pytest.mark.parametrize("file_format, read", [("0", "xlsx"), ("1", "csv")])
def test_the_export_is_the_filtered_log_with_chinese_headers(client, trail, auditor, file_format, read):
    response = client.post(EXPORT + "?action=role_change", {"format": file_format, "auditeventresource_created_at": "on",
        "auditeventresource_username": "on", "auditeventresource_ip": "on", "auditeventresource_action": "on",
        "auditeventresource_target": "on", "auditeventresource_result": "on", "auditeventresource_detail": "on"})  # fmt: skip
    assert response.status_code == 200 and "audit-log-" in response["Content-Disposition"]
    if read == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["时间", "用户", "来源IP", "事件", "对象", "结果", "详情"]
    assert len(rows) == 2 and list(rows[1])[1:] == ["anquan", None if read == "xlsx" else "", "角色或权限变更", "taishan",
                                                     "成功", '{"组": {"原": [], "新": ["审核员"]}}']  # fmt: skip
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (exported.username, exported.target, exported.detail["rows"]) == ("shenji", "审计日志", 1)
    assert exported.detail["query"] == "action=role_change"


def test_nobody_adds_changes_or_deletes_an_event_in_the_admin(client, trail, superuser):
    client.force_login(superuser)
    event, count = trail.first(), AuditEvent.objects.count()
    change = reverse("admin:reports_auditevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="username"' not in page.content.decode()  # read-only
    assert client.post(change, {"username": "someone", "action": "login", "result": "success"}).status_code == 403
    assert client.post(reverse("admin:reports_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:reports_auditevent_add")).status_code == 403
    client.post(LOG, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    event.refresh_from_db()
    assert event.username == "litong" and AuditEvent.objects.count() == count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("sql", ["UPDATE reports_auditevent SET username = 'x'", "DELETE FROM reports_auditevent"])
def test_the_database_refuses_to_rewrite_the_log(trail, sql):
    with pytest.raises(DatabaseError, match="审计日志不可修改或删除"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(username="litong").exists()


def test_each_stored_detail_key_has_its_own_chinese_name():
    """Two keys under one name would overwrite each other in the list and the export."""
    from reports.audit_details import DETAIL_KEYS

    assert len(set(DETAIL_KEYS.values())) == len(DETAIL_KEYS)
