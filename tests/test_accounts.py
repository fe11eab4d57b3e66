"""等保 2.0 on the accounts: password policy, own password change, forced change of a password
someone else set, login lockout, idle timeout, and the audit trail of logins."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from reports import roles
from reports.models import AuditAction, AuditEvent, Profile

from .conftest import PASSWORD, make_user

LOGIN, LIST, PASSWORD_PAGE = reverse("login"), reverse("reports:list"), reverse("password_change")
NEW_PASSWORD = "Huanghe-River-9"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.mark.parametrize(
    "password, code",
    [
        ("Ab-12345", "password_too_short"),  # 8 characters
        ("huanghe-river", "password_too_simple"),  # two classes
        ("Litong2024", "password_too_similar"),  # the username
        ("Password123", "password_too_common"),
        ("12345678901234", "password_entirely_numeric"),
    ],
)
def test_the_password_policy_refuses_in_chinese(db, password, code):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, get_user_model()(username="litong"))
    errors = {error.code: error for error in refused.value.error_list}
    assert code in errors
    assert all(any("\u4e00" <= c <= "\u9fff" for c in message) for message in refused.value.messages)


def test_a_password_of_ten_characters_and_three_classes_passes(db):
    validate_password(NEW_PASSWORD, get_user_model()(username="litong"))
    validate_password("GovInfo-Demo-1", get_user_model()(username="admin"))  # the demo default


def test_a_clerk_changes_their_own_password_from_the_site_header(client, db):
    clerk = make_user("litong", roles.AGENCY_CLERK)
    client.force_login(clerk)
    assert PASSWORD_PAGE in client.get(LIST).content.decode()
    weak = client.post(PASSWORD_PAGE, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200 and "密码太短，至少需要 10 个字符。" in weak.content.decode()
    same = client.post(PASSWORD_PAGE, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "新密码不能与原密码相同。" in same.content.decode()
    response = client.post(
        PASSWORD_PAGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    assert client.get(LIST).status_code == 200  # still logged in
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    [change] = events(AuditAction.PASSWORD_CHANGE)
    assert change.username == "litong" and change.detail == {"首次登录强制修改": False}


def test_the_admins_own_password_link_leads_to_the_same_page(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302 and response["Location"] == PASSWORD_PAGE


def test_a_password_set_by_someone_else_is_changed_before_anything_else(client, db):
    clerk = make_user("litong", roles.AGENCY_CLERK)
    Profile.objects.create(user=clerk, must_change_password=True)
    assert attempt(client, "litong", PASSWORD).status_code == 302
    for page in (LIST, reverse("admin:index")):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == f"{PASSWORD_PAGE}?next={page.replace('/', '%2F')}"
    page = client.get(PASSWORD_PAGE).content.decode()
    assert "请先修改密码再继续使用本系统" in page
    assert client.get("/static/reports/site.css").status_code == 404  # not sent to the password page
    response = client.post(
        PASSWORD_PAGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "next": LIST},
    )
    assert response["Location"] == LIST
    assert client.get(LIST).status_code == 200
    assert not Profile.objects.get(user=clerk).must_change_password
    assert events(AuditAction.PASSWORD_CHANGE)[0].detail == {"首次登录强制修改": True}
    assert client.post(reverse("logout")).status_code == 302


def test_logout_is_allowed_before_the_forced_change(client, db):
    clerk = make_user("litong", roles.AGENCY_CLERK)
    Profile.objects.create(user=clerk, must_change_password=True)
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_logins_and_logouts_are_audited_with_the_address(client, db):
    make_user("litong", roles.AGENCY_CLERK)
    attempt(client, "litong", PASSWORD, ip="10.1.2.3")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    [login], [logout] = events(AuditAction.LOGIN), events(AuditAction.LOGOUT)
    assert (login.username, login.target, login.ip, login.result) == ("litong", "litong", "10.1.2.3", "success")
    assert (logout.username, logout.ip) == ("litong", "10.1.2.3")


def test_five_failures_lock_that_username_from_that_address_for_30_minutes(client, db):
    make_user("litong", roles.AGENCY_CLERK)
    make_user("hulan", roles.AGENCY_CLERK)
    for _ in range(4):
        response = attempt(client, "litong", "Wrong-Password-1")
        assert response.status_code == 200 and "用户名或密码不正确。" in response.content.decode()
    response = attempt(client, "litong", "Wrong-Password-1")
    page = response.content.decode()
    lock = AccessAttempt.objects.get(username="litong")
    until = timezone.localtime(lock.attempt_time + timedelta(minutes=30))
    assert response.status_code == 429
    assert f"账号「litong」已连续 5 次登录失败，已被锁定至 {until:%Y年%-m月%-d日 %H:%M}" in page and "安全管理员" in page
    response = attempt(client, "litong", PASSWORD)  # the right password, still refused
    assert response.status_code == 429 and "_auth_user_id" not in client.session

    assert attempt(client, "hulan", PASSWORD).status_code == 302  # another account from that address
    client.post(reverse("logout"))
    assert attempt(client, "litong", PASSWORD, ip="10.0.0.2").status_code == 302  # that account elsewhere
    client.post(reverse("logout"))

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))
    assert attempt(client, "litong", PASSWORD).status_code == 302  # 30 minutes later


def test_failures_and_the_lockout_are_audited(client, db):
    make_user("litong", roles.AGENCY_CLERK)
    for _ in range(6):
        attempt(client, "litong", "Wrong-Password-1", ip="10.9.9.9")
    failures = events(AuditAction.LOGIN_FAILED)
    assert len(failures) == 6 and {(e.username, e.ip, e.result) for e in failures} == {("litong", "10.9.9.9", "failure")}
    assert [e.detail["原因"] for e in failures] == ["用户名或密码不正确"] * 5 + ["账号已锁定"]
    [lockout] = events(AuditAction.LOCKOUT)
    assert (lockout.target, lockout.ip) == ("litong", "10.9.9.9")
    assert lockout.detail == {"连续失败次数": 5, "锁定分钟数": 30}


def test_a_session_ends_after_30_idle_minutes(client, monkeypatch, db):
    client.force_login(make_user("litong", roles.AGENCY_CLERK))
    start = timezone.now()
    for idle, status in ((29, 200), (58, 200), (89, 302)):  # every request moves the end on
        monkeypatch.setattr(timezone, "now", lambda minutes=idle: start + timedelta(minutes=minutes))
        response = client.get(LIST)
        assert response.status_code == status
    assert response["Location"].startswith(LOGIN)
