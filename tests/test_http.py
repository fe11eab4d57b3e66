"""A NUL character anywhere in a request is refused before any view runs (PostgreSQL refuses it in
any text it is sent, so each filter or search fed one used to fail with a server error)."""
import pytest
from django.urls import reverse

from reports.models import Agency, AnnualReport, Transition

REFUSED = "请求中含有不允许的空字符（NUL），已拒绝。"


@pytest.mark.parametrize(
    "url, query",
    [
        ("admin:reports_annualreport_progress", "region=%00"),  # 报送进度
        ("admin:autocomplete", "term=%00&app_label=reports&model_name=annualreport&field_name=agency"),
        ("admin:reports_annualreport_changelist", "q=%00"),
        ("admin:reports_annualreport_changelist", "year=%00"),
        ("admin:reports_annualreport_changelist", "region=%00"),
        ("admin:reports_annualreport_leadership", "region=6400%0000"),
        ("admin:reports_annualreport_changelist", "%00=1"),  # a key
    ],
)
def test_nul_in_a_query_string_is_a_bad_request(client, superuser, demo, url, query):
    client.raise_request_exception = False
    client.force_login(superuser)
    response = client.get(f"{reverse(url)}?{query}")
    assert response.status_code == 400 and response.content.decode() == REFUSED


def test_nul_in_a_path_a_form_or_a_cookie_is_a_bad_request(client, superuser, demo):
    client.raise_request_exception = False
    client.force_login(superuser)
    assert client.get("/admin/reports/agency/%00/change/").status_code == 400
    response = client.post(reverse("admin:reports_agency_add"), {"name": "某局\x00", "kind": "department"})
    assert response.status_code == 400 and not Agency.objects.filter(name__startswith="某局").exists()
    client.cookies["sessionid"] = "abc\x00defghijk"  # sent as "abc\000defghijk", which Django unquotes
    assert client.get(reverse("reports:list")).status_code == 400


def test_nul_in_a_posted_comment_or_narrative_is_refused_and_nothing_stored(client, superuser, demo):
    """The move's comment reaches the database without a form (a server error on PostgreSQL); the
    report form would refuse the narrative itself, but the request is refused before either."""
    client.raise_request_exception = False
    client.force_login(superuser)
    AnnualReport.objects.filter(pk=demo[1].pk).update(status="submitted")
    move = reverse("admin:reports_annualreport_move", args=[demo[1].pk])
    response = client.post(move, {"to_status": "returned", "comment": "请改正\x00"})
    assert response.status_code == 400 and response.content.decode() == REFUSED
    assert not Transition.objects.exists() and AnnualReport.objects.get(pk=demo[1].pk).status == "submitted"
    change = reverse("admin:reports_annualreport_change", args=[demo[1].pk])
    assert client.post(change, {"problems": "正常\x00问题"}).status_code == 400
    assert "\x00" not in "".join(demo[1].to_shape().sections["problems"])


def test_requests_without_nul_are_served(client, superuser, demo):
    client.force_login(superuser)
    assert client.get(reverse("admin:reports_annualreport_progress") + "?region=640000").status_code == 200
    assert client.get(reverse("admin:reports_annualreport_changelist") + "?q=%E5%88%A9%E9%80%9A").status_code == 200
