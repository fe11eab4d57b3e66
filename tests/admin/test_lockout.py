"""登录锁定: the 安全管理员 sees a lock and releases it; the 系统管理员 cannot."""
import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.urls import reverse

from reports import roles
from reports.models import AuditAction, AuditEvent

from ..conftest import PASSWORD, make_user

LOCKS = reverse("admin:reports_loginlock_changelist")


@pytest.fixture
def locked(client, db):
    make_user("litong", roles.AGENCY_CLERK)
    for _ in range(5):
        client.post(reverse("login"), {"username": "litong", "password": "Wrong-Password-1"}, REMOTE_ADDR="10.0.0.7")
    assert client.post(reverse("login"), {"username": "litong", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7").status_code == 429


def release(client, lock):
    return client.post(LOCKS, {"action": "release", "_selected_action": [lock.pk], "index": "0"})


def test_the_security_administrator_sees_and_releases_a_lock(client, locked):
    client.force_login(make_user("anquan", roles.SECURITY_ADMIN))
    page = client.get(LOCKS).content.decode()
    assert "litong" in page and "10.0.0.7" in page and "已锁定，至" in page and "解除锁定" in page
    assert release(client, AccessAttempt.objects.get()).status_code == 302
    assert not AccessAttempt.objects.exists()
    unlock = AuditEvent.objects.get(action=AuditAction.UNLOCK)
    assert (unlock.username, unlock.target, unlock.detail) == ("anquan", "litong", {"来源IP": "10.0.0.7", "连续失败次数": 5})
    client.post(reverse("logout"))
    assert client.post(reverse("login"), {"username": "litong", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7").status_code == 302


@pytest.mark.parametrize("role", [roles.SYSTEM_ADMIN, roles.AUDIT_ADMIN, roles.REVIEWER])
def test_other_roles_cannot_release_a_lock(client, locked, role):
    client.force_login(make_user("other", role))
    assert client.get(LOCKS).status_code == 403
    assert release(client, AccessAttempt.objects.get()).status_code == 403
    assert AccessAttempt.objects.exists() and not AuditEvent.objects.filter(action=AuditAction.UNLOCK).exists()


def test_seeing_the_locks_is_not_releasing_them(client, locked):
    viewer = make_user("viewer", roles.REVIEWER)
    viewer.user_permissions.add(Permission.objects.get(codename="view_loginlock"))
    client.force_login(viewer)
    page = client.get(LOCKS).content.decode()
    assert "litong" in page and "解除锁定" not in page
    release(client, AccessAttempt.objects.get())
    assert AccessAttempt.objects.exists()
