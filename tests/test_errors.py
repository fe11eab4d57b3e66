"""What a failure shows and leaves: 400/403/404/500 and CSRF pages in Chinese in the product's look,
a server error's traceback and request in the log, and Back after 报送 leading to the report."""
import io
import logging
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path, reverse

from govinfo.urls import urlpatterns as site
from reports import roles, workflow

from .conftest import PASSWORD, make_user


def fail(request):
    raise RuntimeError(request.GET["marker"])


urlpatterns = [path("fail/", fail)] + site  # this module is the URLconf of the 500 test


def looks_like_the_product(page):
    return "reports/site.css" in page and '<header class="site">' in page and 'lang="zh-hans"' in page


def test_404_is_a_chinese_page(client, db):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in page and looks_like_the_product(page)


def test_403_is_a_chinese_page(client, db):
    client.force_login(make_user("xitong", roles.SYSTEM_ADMIN))
    response = client.get(reverse("admin:reports_annualreport_changelist"))
    page = response.content.decode()
    assert response.status_code == 403 and "无权访问" in page and looks_like_the_product(page)


def test_400_is_a_chinese_page(client, db):
    response = client.get("/", HTTP_HOST="intruder.example")
    page = response.content.decode()
    assert response.status_code == 400 and "请求有误" in page and looks_like_the_product(page)


def test_a_csrf_failure_is_a_chinese_page(db):
    make_user("litong", roles.AGENCY_CLERK)
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "litong", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in page and looks_like_the_product(page)


@pytest.mark.urls(__name__)
def test_a_server_error_is_a_chinese_page_and_leaves_its_traceback_and_request_in_the_log(db, settings):
    logger = logging.getLogger("django.request")
    [stderr] = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    [logfile] = [h for h in logger.handlers if isinstance(h, logging.FileHandler)]
    assert Path(logfile.baseFilename).parent == settings.LOG_DIR
    marker = uuid.uuid4().hex
    client = Client(raise_request_exception=False)
    client.force_login(make_user("litong", roles.AGENCY_CLERK))
    captured = io.StringIO()
    original = stderr.setStream(captured)
    try:
        response = client.get(f"/fail/?marker={marker}", REMOTE_ADDR="10.3.3.3")
    finally:
        stderr.setStream(original)
    page = response.content.decode()
    assert response.status_code == 500 and "服务器错误" in page and looks_like_the_product(page)
    logfile.flush()
    written = Path(logfile.baseFilename).read_text(encoding="utf-8")
    for output in (captured.getvalue(), written[written.rindex("GET /fail/") :]):
        assert "GET /fail/ 用户=litong IP=10.3.3.3" in output
        assert "Traceback (most recent call last)" in output and f"RuntimeError: {marker}" in output


def test_back_after_submitting_leads_to_the_report_not_a_403(client, demo):
    report = demo[1]  # 泰山区: no errors, no warnings
    clerk = report.agency.profile_set.get().user
    workflow.move(report, workflow.S.SUBMITTED, clerk)
    client.force_login(clerk)
    response = client.get(reverse("reports:submit", args=[report.pk]), follow=True)
    assert response.redirect_chain == [(reverse("reports:print", args=[report.pk]), 302)]
    assert "该报告状态为「已报送」，不能再次报送。" in response.content.decode()
    assert client.post(reverse("reports:submit", args=[report.pk])).status_code == 302
