"""The admin site as staff and clerks meet it: no 查看站点, and a clerk told where to log in."""
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports import roles

from ..conftest import PASSWORD, make_user

LOGIN = reverse("admin:login")


def test_staff_are_not_sent_to_the_clerks_site(client, demo):
    client.force_login(get_user_model().objects.get(username="reviewer"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "查看站点" not in page and f'href="{reverse("reports:list")}"' not in page


def test_a_clerk_logging_in_to_the_admin_is_told_where_to_log_in(client, db):
    make_user("litong", roles.AGENCY_CLERK)
    page = client.get(LOGIN).content.decode()
    assert f'href="{reverse("login")}"' in page and "机关填报员请在" in page
    response = client.post(LOGIN, {"username": "litong", "password": PASSWORD, "next": reverse("admin:index")})
    page = response.content.decode()
    assert response.status_code == 200 and "账号「litong」不能进入审核工作台。机关填报员请在填报站点登录" in page
    assert "用户名或密码不正确" not in page and "_auth_user_id" not in client.session
    wrong = client.post(LOGIN, {"username": "litong", "password": "Wrong-Password-1"}).content.decode()
    assert "用户名或密码不正确（区分大小写）。" in wrong and "不能进入审核工作台" not in wrong  # a wrong password tells nothing


def test_a_logged_in_clerk_at_the_admin_is_sent_to_their_reports(client, db):
    client.force_login(make_user("litong", roles.AGENCY_CLERK))
    page = client.get(reverse("admin:index"), follow=True).content.decode()
    assert 'id="not-staff"' in page and f'href="{reverse("reports:list")}">我的年报</a>' in page
