"""三员分立 on the accounts admin: what 系统管理员 and 安全管理员 may change, and the trail it leaves."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from reports import roles
from reports.models import Agency, AuditAction, AuditEvent, Profile

from ..conftest import PASSWORD, make_user

User = get_user_model()
ADD = reverse("admin:auth_user_add")
NEW_PASSWORD = "Huanghe-River-9"


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def group(name):
    return Group.objects.get(name=name).pk


def form_data(user, **extra):
    """What the change form posts, every field a hostile browser could add included."""
    return {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1", "profile-0-agency": "", "profile-0-region": "",
        **extra,
    }  # fmt: skip


def new_account(username, agency="", region="", **extra):
    """What the one add page posts: the account, its names and where it works."""
    return {
        "username": username, "last_name": "", "first_name": "", "email": "",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1", "profile-0-agency": agency, "profile-0-region": region,
        **extra,
    }  # fmt: skip


HOSTILE = {
    "is_superuser": "on",
    "is_staff": "on",
    "password": "md5$x$y",
    "password1": "Known-Password-1",
    "password2": "Known-Password-1",
}


@pytest.fixture
def people(db):
    return {
        "sysadmin": make_user("xitong", roles.SYSTEM_ADMIN),
        "security": make_user("anquan", roles.SECURITY_ADMIN),
        "auditor": make_user("shenji", roles.AUDIT_ADMIN),
        "clerk": make_user("litong", roles.AGENCY_CLERK),
    }


def test_a_system_administrator_creates_an_account_without_a_usable_password(client, people):
    client.force_login(people["sysadmin"])
    page = client.get(ADD).content.decode()
    assert 'name="password1"' not in page and "由安全管理员分配角色并设置初始密码" in page
    response = client.post(ADD, new_account("newclerk", groups=[group(roles.REVIEWER)], **HOSTILE))
    assert response.status_code == 302
    account = User.objects.get(username="newclerk")
    assert not account.has_usable_password() and not account.is_superuser and not account.groups.exists()
    created = AuditEvent.objects.get(action=AuditAction.USER_CHANGE, target="newclerk")
    assert created.username == "xitong" and created.detail == {"操作": "新建账号"}


def test_one_page_creates_a_clerks_account_with_its_names_and_agency(client, people):
    agency = Agency.objects.create(name="吴忠市利通区卫生健康局")
    client.force_login(people["sysadmin"])
    page = client.get(ADD).content.decode()
    for field in ("username", "last_name", "first_name", "email", "profile-0-agency", "profile-0-region"):
        assert f'name="{field}"' in page, field
    assert 'name="groups"' not in page and 'name="password1"' not in page  # the 安全管理员's part
    data = new_account("wangfang", agency=agency.pk, last_name="王", first_name="芳", email="wf@example.cn", _save="保存")
    response = client.post(ADD, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:auth_user_changelist")
    assert "已新建账号「wangfang」。请安全管理员" in response.content.decode()
    account = User.objects.get(username="wangfang")
    assert (account.last_name, account.first_name, account.email) == ("王", "芳", "wf@example.cn")
    assert account.profile.agency == agency and account.profile.must_change_password
    created = AuditEvent.objects.get(action=AuditAction.USER_CHANGE, target="wangfang")
    assert created.detail == {"操作": "新建账号", "所属机关": {"原": None, "新": "吴忠市利通区卫生健康局"}}


def test_the_security_administrator_gives_a_new_account_its_role_and_first_password_on_one_page(client, people):
    agency = Agency.objects.create(name="吴忠市利通区卫生健康局")
    client.force_login(people["sysadmin"])
    client.post(ADD, new_account("wangfang", agency=agency.pk))
    account = User.objects.get(username="wangfang")
    client.force_login(people["security"])
    page = client.get(change_url(account)).content.decode()
    assert 'name="groups"' in page and 'name="password1"' in page and 'name="password2"' in page
    assert "吴忠市利通区卫生健康局" in page  # where it works, read-only
    mismatch = client.post(change_url(account), {"groups": [group(roles.AGENCY_CLERK)], "password1": NEW_PASSWORD,
                                                 "password2": NEW_PASSWORD + "x"})  # fmt: skip
    assert mismatch.status_code == 200 and "输入的两个密码不一致" in mismatch.content.decode()
    weak = client.post(change_url(account), {"groups": [group(roles.AGENCY_CLERK)], "password1": "abc",
                                             "password2": "abc"})  # fmt: skip
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    account.refresh_from_db()
    assert not account.groups.exists() and not account.has_usable_password()  # nothing of a refused page

    data = {"groups": [group(roles.AGENCY_CLERK)], "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(change_url(account), data).status_code == 302
    account.refresh_from_db()
    assert [g.name for g in account.groups.all()] == [roles.AGENCY_CLERK] and not account.is_staff
    assert account.check_password(NEW_PASSWORD) and Profile.objects.get(user=account).must_change_password
    role = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGE, target="wangfang")
    assert role.username == "anquan" and role.detail == {"角色": {"原": [], "新": [roles.AGENCY_CLERK]}}
    password = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET, target="wangfang")
    assert password.detail == {"类型": "初始密码", "下次登录须修改": True}
    assert NEW_PASSWORD not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    page = client.get(change_url(account)).content.decode()  # a password now: reset on its own page
    assert 'name="password1"' not in page and "../password/" in page

    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "wangfang", "password": NEW_PASSWORD})
    assert client.get(reverse("reports:list"))["Location"].startswith(reverse("password_change"))


def test_a_role_may_be_given_before_the_password(client, people):
    client.force_login(people["sysadmin"])
    client.post(ADD, new_account("later"))
    account = User.objects.get(username="later")
    client.force_login(people["security"])
    response = client.post(change_url(account), {"groups": [group(roles.REVIEWER)], "password1": "", "password2": ""})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_staff and not account.has_usable_password()
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_the_account_list_shows_role_and_where_each_account_works_and_what_waits(client, demo):
    client.force_login(User.objects.get(username="anquan"))
    html = client.get(reverse("admin:auth_user_changelist")).content.decode()

    def row(username):
        match = re.search(rf">{username}</a></th>(.*?)</tr>", html, re.S)
        return re.sub(r"<[^>]+>", " ", match.group(1)).split()

    assert row("litong")[2:4] == [roles.AGENCY_CLERK, "吴忠市利通区卫生健康局"]
    assert row("reviewer")[2:4] == [roles.REVIEWER, "全部区划"]
    assert row("xitong")[2:4] == [roles.SYSTEM_ADMIN, "—"]
    User.objects.create_user("waiting")
    waiting = client.get(reverse("admin:auth_user_changelist") + "?awaiting=password").content.decode()
    assert ">waiting</a>" in waiting and ">litong</a>" not in waiting
    assert "未分配" in client.get(reverse("admin:auth_user_changelist") + "?awaiting=role").content.decode()
    found = client.get(reverse("admin:auth_user_changelist") + "?q=利通区卫健局").content.decode()
    assert ">litong</a>" in found and ">taishan</a>" not in found


def test_a_system_administrator_edits_who_an_account_is_but_not_its_roles_or_password(client, people):
    sysadmin, clerk = people["sysadmin"], people["clerk"]
    client.force_login(sysadmin)
    page = client.get(change_url(clerk)).content.decode()
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page and "../password/" not in page
    everything = Permission.objects.values_list("pk", flat=True)
    data = form_data(clerk, first_name="利通", groups=[group(roles.REVIEWER)], user_permissions=list(everything), **HOSTILE)
    assert client.post(change_url(clerk), data).status_code == 302
    clerk.refresh_from_db()
    assert clerk.first_name == "利通"
    assert [g.name for g in clerk.groups.all()] == [roles.AGENCY_CLERK] and not clerk.user_permissions.exists()
    assert not clerk.is_superuser and not clerk.is_staff and clerk.check_password(PASSWORD)
    change = AuditEvent.objects.get(action=AuditAction.USER_CHANGE, target="litong")
    assert change.detail == {"名字": {"原": "", "新": "利通"}}
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGE).exists()
    assert client.get(password_url(clerk)).status_code == 403
    response = client.post(password_url(clerk), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_a_system_administrator_cannot_give_itself_a_role(client, people):
    sysadmin = people["sysadmin"]
    client.force_login(sysadmin)
    data = form_data(sysadmin, groups=[group(roles.REVIEWER), group(roles.SECURITY_ADMIN)], **HOSTILE)
    client.post(change_url(sysadmin), data)
    sysadmin.refresh_from_db()
    assert [g.name for g in sysadmin.groups.all()] == [roles.SYSTEM_ADMIN] and not sysadmin.is_superuser


def test_a_security_administrator_gives_roles_and_staff_follows(client, people):
    security, clerk = people["security"], people["clerk"]
    client.force_login(security)
    response = client.post(change_url(clerk), {"groups": [group(roles.REVIEWER)], "first_name": "改名", **HOSTILE})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert [g.name for g in clerk.groups.all()] == [roles.REVIEWER]
    assert clerk.is_staff and not clerk.is_superuser and clerk.first_name == ""  # names are the 系统管理员's
    change = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGE)
    assert (change.username, change.target) == ("anquan", "litong")
    assert change.detail == {"角色": {"原": [roles.AGENCY_CLERK], "新": [roles.REVIEWER]}, "进入审核工作台": {"原": False, "新": True}}


def test_an_administrator_role_is_held_alone(client, people):
    client.force_login(people["security"])
    clerk = people["clerk"]
    response = client.post(change_url(clerk), {"groups": [group(roles.SYSTEM_ADMIN), group(roles.REVIEWER)]})
    assert response.status_code == 200 and "三员分立" in response.content.decode()
    assert [g.name for g in clerk.groups.all()] == [roles.AGENCY_CLERK]


def test_nobody_changes_their_own_roles_nor_a_superusers_account(client, people, superuser):
    security = people["security"]
    client.force_login(security)
    client.post(change_url(security), {"groups": [group(roles.REVIEWER)], "user_permissions": []})
    assert [g.name for g in security.groups.all()] == [roles.SECURITY_ADMIN]
    assert security.user_permissions.count() == 0
    assert client.get(password_url(security)).status_code == 403  # its own: 修改密码
    assert client.get(change_url(superuser)).status_code == 403
    assert client.post(change_url(superuser), {"groups": [group(roles.REVIEWER)]}).status_code == 403
    assert client.get(password_url(superuser)).status_code == 403
    assert not superuser.groups.exists()
    role = reverse("admin:auth_group_change", args=[group(roles.SECURITY_ADMIN)])
    security.user_permissions.add(Permission.objects.get(codename="change_group"))  # even if granted
    security = User.objects.get(pk=security.pk)
    client.force_login(security)
    assert client.post(role, {"name": roles.SECURITY_ADMIN, "permissions": []}).status_code == 403
    assert Group.objects.get(name=roles.SECURITY_ADMIN).permissions.exists()


def test_a_security_administrator_sets_the_first_password_and_its_user_changes_it(client, people):
    client.force_login(people["sysadmin"])
    client.post(ADD, new_account("newclerk"))
    account = User.objects.get(username="newclerk")
    client.force_login(people["security"])
    weak = client.post(password_url(account), {"password1": "abc", "password2": "abc"})
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    response = client.post(password_url(account), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD) and Profile.objects.get(user=account).must_change_password
    reset = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
    assert (reset.username, reset.target) == ("anquan", "newclerk")
    assert reset.detail == {"类型": "初始密码", "下次登录须修改": True}

    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "newclerk", "password": NEW_PASSWORD})
    assert client.get(reverse("reports:list"))["Location"].startswith(reverse("password_change"))


def test_a_reset_password_must_be_changed_too(client, people):
    client.force_login(people["security"])
    clerk = people["clerk"]
    empty = client.post(password_url(clerk), {"usable_password": "true", "password1": "", "password2": ""})
    assert empty.status_code == 200 and clerk.check_password(PASSWORD)
    data = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set-password": "1"}
    assert client.post(password_url(clerk), data).status_code == 302
    assert Profile.objects.get(user=clerk).must_change_password
    assert AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET).detail["类型"] == "重置密码"


def test_a_security_administrator_may_disable_password_login(client, people):
    client.force_login(people["security"])
    clerk = people["clerk"]
    response = client.post(password_url(clerk), {"usable_password": "false", "unset-password": "1"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.has_usable_password()
    assert AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET).detail == {"类型": "停用密码登录"}


def test_nobody_deletes_a_role_of_the_product(client, superuser):
    roles.ensure_groups()
    client.force_login(superuser)
    reviewer = Group.objects.get(name=roles.REVIEWER)
    assert client.get(reverse("admin:auth_group_delete", args=[reviewer.pk])).status_code == 403
    assert client.post(reverse("admin:auth_group_delete", args=[reviewer.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:auth_group_changelist"), {"action": "delete_selected", "_selected_action": [reviewer.pk],
                                                         "post": "yes"})  # fmt: skip
    assert Group.objects.filter(name=roles.REVIEWER).exists()
    other = Group.objects.create(name="临时")
    assert client.post(reverse("admin:auth_group_delete", args=[other.pk]), {"post": "yes"}).status_code == 302
    assert not Group.objects.filter(name="临时").exists()


def test_permissions_are_named_in_chinese_and_only_the_products_are_offered(client, superuser):
    roles.ensure_groups()
    assert Permission.objects.get(codename="add_agency").name == "可以增加机关"
    assert Permission.objects.get(codename="view_user").name == "可以查看用户"
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_group_change", args=[group(roles.REVIEWER)])).content.decode()
    offered = dict((int(pk), name) for pk, name in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page))
    assert "可以查看机关" in offered.values() and "可以导入年报文件" in offered.values()
    assert Permission.objects.get(codename="view_session").pk not in offered  # grants nothing here
    assert not [name for name in offered.values() if "|" in name]


def test_a_superuser_changing_a_roles_permissions_is_audited(client, superuser):
    roles.ensure_groups()
    client.force_login(superuser)
    reviewer = Group.objects.get(name=roles.REVIEWER)
    kept = list(reviewer.permissions.exclude(codename="view_region").values_list("pk", flat=True))
    url = reverse("admin:auth_group_change", args=[reviewer.pk])
    assert client.post(url, {"name": roles.REVIEWER, "permissions": kept}).status_code == 302
    change = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGE)
    assert change.target == "角色：审核员"
    removed = set(change.detail["权限"]["原"]) - set(change.detail["权限"]["新"])
    assert len(removed) == 1 and "行政区划" in removed.pop()


@pytest.mark.parametrize("persona", ["sysadmin", "security", "auditor"])
def test_no_administrator_reads_report_figures(client, people, persona, seeds):
    admin_user = people[persona]
    assert not [p for p in admin_user.get_all_permissions() if p.split(".")[1].endswith(roles.REPORT_MODELS)]
    client.force_login(admin_user)
    assert client.get(reverse("admin:reports_annualreport_changelist")).status_code == 403
    assert client.get(reverse("admin:reports_annualreport_change", args=[seeds[0].pk])).status_code == 403
    assert 'data-report="' not in client.get(reverse("reports:list")).content.decode()
    assert client.get(reverse("reports:print", args=[seeds[0].pk])).status_code == 404


def test_the_security_administrator_sees_roles_but_does_not_edit_them(client, people):
    client.force_login(people["security"])
    url = reverse("admin:auth_group_change", args=[group(roles.REVIEWER)])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "x", "permissions": []}).status_code == 403
    assert Group.objects.filter(name=roles.REVIEWER).exists()


def test_the_account_pages_open(client, people, superuser):
    client.force_login(people["security"])
    page = client.get(change_url(people["clerk"])).content.decode()
    assert 'name="groups"' in page and 'name="first_name"' not in page and "../password/" in page
    client.force_login(superuser)
    pages = ["admin:auth_user_changelist", "admin:auth_user_add", "admin:auth_group_changelist",
             "admin:reports_loginlock_changelist", "admin:reports_auditevent_changelist", "admin:index"]  # fmt: skip
    for url in [reverse(name) for name in pages] + [change_url(people["clerk"]), password_url(people["clerk"])]:
        assert client.get(url).status_code == 200, url
