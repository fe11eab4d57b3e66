"""The reviewer's admin: the list, the report in the official layout, findings on cells."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.forms import ReportForm
from reports.models import AnnualReport, Region

from ..conftest import PASSWORD

LIST = reverse("admin:reports_annualreport_changelist")


def change_url(report):
    return reverse("admin:reports_annualreport_change", args=[report.pk])


def cell(html, key):
    """The <td> of a value cell: its class attribute and contents."""
    match = re.search(rf'<td data-cell="{key}"[^>]*class="([^"]*)"[^>]*>(.*?)</td>', html, re.S)
    assert match, f"no cell {key}"
    return match.group(1), match.group(2)


def list_queries(client, query=""):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST + query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "?has_errors=yes", "?year=2023&status=draft", "?q=测试"])
def test_list_query_count_does_not_grow_with_reports(client, reviewer, make_reports, query):
    client.force_login(reviewer)
    make_reports(5, "640302")
    five = list_queries(client, query)
    make_reports(195, "640303")
    assert list_queries(client, query) == five


def test_list_shows_agency_year_status_and_counts(client, reviewer, demo):
    client.force_login(reviewer)
    html = client.get(LIST).content.decode()
    for column in ("agency", "region", "year", "status_label", "error_count", "warning_count"):
        assert f"column-{column}" in html  # the list header cell of that column
    assert "哈尔滨市呼兰区卫生健康局" in html and '<span class="status status-draft">草稿</span>' in html
    assert "reports/report.css" in html  # where each status has its colour
    errors = re.findall(r'<td class="field-error_count">(\d+)</td>', html)
    assert sorted(map(int, errors)) == [0, 1, 1, 2, 2]  # 003 and 004: E13 (六 leaves 信息处理费 unsaid)


def test_filters_and_search(client, reviewer, demo):
    client.force_login(reviewer)

    def agencies(query):
        html = client.get(LIST + query).content.decode()
        return set(re.findall(r'<th class="field-agency[^"]*"><a [^>]*>([^<]+)</a>', html))

    with_errors = {"吴忠市利通区卫生健康局", "哈尔滨市呼兰区卫生健康局", "原平市卫生健康局", "榆林市榆阳区卫生健康局"}
    assert agencies("?has_errors=yes") == with_errors
    assert agencies("?has_errors=no") == {"泰安市泰山区卫生健康局"}
    assert agencies("?year=2024") == {"原平市卫生健康局"}
    assert agencies("?q=呼兰") == {"哈尔滨市呼兰区卫生健康局"}
    province = Region.objects.get(code="230000")  # 黑龙江省: the subtree reaches 呼兰区's agency
    assert agencies(f"?region={province.code}") == {"哈尔滨市呼兰区卫生健康局"}
    assert agencies("?status=approved") == set()


def test_search_finds_agencies_by_the_names_people_use(client, reviewer, demo):
    client.force_login(reviewer)

    def found(url, query):
        html = client.get(url + "?q=" + query).content.decode()
        return set(re.findall(r'<th class="field-(?:agency|name)[^"]*"><a [^>]*>([^<]+)</a>', html))

    assert found(LIST, "利通区卫健局") == {"吴忠市利通区卫生健康局"}
    assert found(LIST, "利通区 卫健局") == {"吴忠市利通区卫生健康局"}
    assert len(found(LIST, "卫健局")) == 5
    assert found(LIST, "利通区卫健委") == set()
    assert found(reverse("admin:reports_agency_changelist"), "呼兰区卫健局") == {"哈尔滨市呼兰区卫生健康局"}
    autocomplete = reverse("admin:autocomplete") + "?app_label=reports&model_name=annualreport&field_name=agency&term="
    assert [r["text"] for r in client.get(autocomplete + "泰山区卫健局").json()["results"]] == ["泰安市泰山区卫生健康局"]


def test_change_page_marks_seed_002_findings_on_their_cells(client, reviewer, demo):
    client.force_login(reviewer)
    html = client.get(change_url(demo[2])).content.decode()
    css, content = cell(html, "applications__unable_not_held__natural_person")
    assert "finding-error" in css and ">8<" not in content and "8" in content and "E8 E9" in content
    css, content = cell(html, "applications__unable_not_held__total")
    assert "finding-error" in css and "E9" in content
    css, content = cell(html, "applications__total_processed__natural_person")
    assert "finding-error" in css and "E8" in content
    css, _ = cell(html, "applications__granted__natural_person")
    assert "finding" not in css
    # The official labels and the Chinese messages quoting them.
    for label in ("申请人情况", "法人或其他组织", "三、本年度办理结果", "（四）无法提供", "未经复议直接起诉"):
        assert label in html
    assert "表三「1.本机关不掌握相关政府信息」行：「总计」列为0，但六类申请人之和为8（自然人 8）。" in html
    # Read-only for a reviewer: values, no inputs.
    assert 'name="applications__' not in html


def test_change_page_marks_blank_cells_and_missing_columns(client, reviewer, demo):
    client.force_login(reviewer)
    html = client.get(change_url(demo[3])).content.decode()
    css, content = cell(html, "active__regulations__in_force")
    assert "finding-warning" in css and "W1" in content
    html = client.get(change_url(demo[0])).content.decode()
    assert re.search(r'<th[^>]*class="finding-error"[^>]*>法律服务机构<sup class="codes">E3', html)
    assert "表三缺少官方列「其他」。" in html


def test_reviewer_cannot_change_figures(client, reviewer, demo):
    client.force_login(reviewer)
    response = client.post(change_url(demo[2]), form_data(demo[2]))
    assert response.status_code == 403


def form_data(report, **changes):
    form = ReportForm(instance=report)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def test_a_submitted_report_cannot_be_saved_with_errors_on_its_cells(client, superuser, demo):
    client.force_login(superuser)
    report = demo[2]
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted")
    response = client.post(change_url(report), form_data(report))
    assert response.status_code == 200  # the form again, with errors
    errors = response.context["adminform"].form.errors.as_data()
    assert [e.code for e in errors["applications__unable_not_held__total"]] == ["E9"]
    assert [e.code for e in errors["applications__total_processed__natural_person"]] == ["E8"]
    css, content = cell(response.content.decode(), "applications__unable_not_held__total")
    assert "finding-error" in css and "cell-error" in content


def test_status_changes_only_through_the_workflow(client, superuser, demo):
    client.force_login(superuser)
    page = client.get(change_url(demo[1])).content.decode()
    assert 'name="status"' not in page
    client.post(change_url(demo[1]), {**form_data(demo[1]), "status": "published"})
    assert AnnualReport.objects.get(pk=demo[1].pk).status == "draft"


def test_draft_saves_as_typed_and_refreshes_findings(client, superuser, demo):
    client.force_login(superuser)
    report = demo[2]
    data = form_data(report, applications__unable_not_held__total="8")
    response = client.post(change_url(report), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    report.refresh_from_db()
    assert report.application_rows.get(row="unable_not_held").total == 8
    # E9 fixed; E8 remains, now for the 总计 column too (its outcomes add up to 8 as well).
    assert set(report.findings.values_list("code", "column")) == {("E8", "natural_person"), ("E8", "total")}
    assert report.revisions.count() == 2 and report.revisions.first().source == "表单编辑"

    data = form_data(report, applications__total_processed__natural_person="8",
                     applications__total_processed__total="8", applications__new_received__natural_person="8",
                     applications__new_received__total="8")
    response = client.post(change_url(report), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    report.refresh_from_db()
    assert report.status == "draft" and report.error_count == 0


def test_original_file_downloads_for_viewers(client, reviewer, demo):
    client.force_login(reviewer)
    response = client.get(reverse("admin:reports_annualreport_source", args=[demo[1].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith("泰山区".encode())


def test_missing_original_file_is_404_not_500(client, reviewer, demo):
    client.force_login(reviewer)
    demo[1].source_file.storage.delete(demo[1].source_file.name)
    response = client.get(reverse("admin:reports_annualreport_source", args=[demo[1].pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("applications__granted__natural_person", "3000000000"),
        ("applications__granted__natural_person", "99999999999999999999"),
        ("applications__granted__natural_person", "一百"),
        ("active__fees", "999999999999.9999"),
        ("active__fees", "0.1234567"),
        ("year", "99999"),
    ],
)
def test_odd_values_are_refused_with_a_message_never_a_500(client, superuser, demo, field, value):
    client.force_login(superuser)
    response = client.post(change_url(demo[1]), form_data(demo[1], **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert client.get(change_url(demo[1])).status_code == 200


def test_saving_without_changes_keeps_the_documents_findings(client, superuser, demo):
    """A status change must not erase what the document showed (000 lacks two columns: E3)."""
    client.force_login(superuser)
    report = demo[0]
    before = sorted(report.findings.values_list("code", "column"))
    response = client.post(change_url(report), form_data(report, scope="self"))
    assert response.status_code == 302
    assert sorted(report.findings.values_list("code", "column")) == before
    # Entering the missing column's figures ends the E3 for it.
    filled = {f"applications__{row}__legal_service": "0" for row in
              ("new_received", "carried_over", "granted", "partially_granted", "total_processed", "carried_forward")}
    report.refresh_from_db()  # the page is opened again after that save
    data = form_data(report)
    for key in data:
        if key.endswith("__legal_service"):
            data[key] = "0"
    data.update(filled)
    assert client.post(change_url(report), data).status_code == 302
    assert ("E3", "legal_service") not in set(report.findings.values_list("code", "column"))
    assert ("E3", "other") in set(report.findings.values_list("code", "column"))


def test_outcome_block_spans_all_its_rows(client, reviewer, demo):
    """三、本年度办理结果 spans the 21 outcome rows and （七）总计 (22); in 2019 format, 20."""
    client.force_login(reviewer)
    html = client.get(change_url(demo[1])).content.decode()
    assert re.search(r'<th rowspan="22">三、本年度办理结果</th>', html)
    from reports import vocabulary as v

    assert len(v.OUTCOME_KEYS) == 21 and len(v.outcome_keys("2019")) == 19


def test_each_finding_is_listed_once_on_the_report_page(client, superuser, demo):
    client.force_login(superuser)
    page = client.get(change_url(demo[2])).content.decode()
    listed = re.findall(r'<li class="finding-\w+"><span class="code"[^>]*>(\w+)</span> ([^<]+)</li>', page)
    assert listed and len(listed) == len(set(listed)) == demo[2].findings.count()
