"""One write path: every writer stores a version with its revision, findings, transition and
audit event; a stale save is refused; races end in a clear message, not a 500 (issue 10,
points 5, 6, 7 and 10, and the audit log's report events)."""
import re

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from reports import roles, versions, workflow
from reports.choices import ReportStatus
from reports.forms import AgencyReportForm
from reports.importing import import_bytes
from reports.models import Agency, AnnualReport, AuditEvent, Job, JobKind, JobState, Profile, ReportRevision, Transition
from reports.models.agency import OPERATOR

from .admin.test_import_views import choices, preview_url, upload
from .conftest import make_user, seed


def clerk(name, agency):
    user = make_user(name, roles.AGENCY_CLERK)
    Profile.objects.create(user=user, agency=agency, must_change_password=False)
    return user


def form_data(report, **changes):
    form = AgencyReportForm(instance=report)
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    return {**data, **changes}


NOT_HELD = "applications__unable_not_held__natural_person"


def test_a_stale_save_is_refused_and_says_who_saved_what_and_when(client, seeds):
    report = seeds[2]  # 呼兰区 2023, a draft
    first, second = clerk("wang", report.agency), clerk("li", report.agency)
    opened_by_both = form_data(report)  # both pages opened at the same version
    client.force_login(first)
    assert client.post(reverse("reports:edit", args=[report.pk]), {**opened_by_both, NOT_HELD: "0"}).status_code == 302
    client.force_login(second)
    page = client.post(reverse("reports:edit", args=[report.pk]), {**opened_by_both, NOT_HELD: "7"})
    text = page.content.decode()
    assert page.status_code == 200 and "本次保存未生效" in text
    assert re.search(r"已由 wang 于 \d{4}-\d\d-\d\d \d\d:\d\d 保存（表单编辑，修改了表三「1\.本机关不掌握相关政府信息」行「自然人」列", text)
    stored = AnnualReport.objects.get(pk=report.pk)
    assert stored.application_rows.get(row="unable_not_held").natural_person == 0  # wang's figure stands
    # Opened again, the page carries the new version and saves.
    assert client.post(reverse("reports:edit", args=[report.pk]), form_data(stored, **{NOT_HELD: "7"})).status_code == 302


def test_every_writer_stores_a_numbered_revision_and_an_audit_event(client, seeds):
    report = seeds[2]
    assert report.version == 1 and report.revisions.get().version == 1
    client.force_login(clerk("wang", report.agency))
    client.post(reverse("reports:edit", args=[report.pk]), form_data(report, **{NOT_HELD: "0"}))
    corrected = seed(2).read_text().replace("\t8\n", "\t3\n", 1).encode()
    import_bytes(corrected, "更正.txt", OPERATOR)
    report.refresh_from_db()
    assert report.version == 3
    assert list(report.revisions.order_by("version").values_list("version", "source")) == [
        (1, f"导入 {seed(2).name}"), (2, "表单编辑"), (3, "导入 更正.txt")
    ]  # fmt: skip
    events = AuditEvent.objects.filter(action="figures", target=versions.report_label(report)).order_by("id")
    assert [e.detail["version"] for e in events] == [1, 2, 3]
    assert events[1].username == "wang"
    assert events[1].detail["changed"] == ["表三「1.本机关不掌握相关政府信息」行「自然人」列"]
    imported = AuditEvent.objects.filter(action="import", target="更正.txt").get()
    assert imported.detail["outcome"] == "更新" and len(imported.detail["sha256"]) == 64


def test_reimporting_over_a_published_report_records_the_transition(seeds, reviewer):
    report = seeds[2]
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.PUBLISHED)
    corrected = seed(2).read_text().replace("\t8\n", "\t0\n", 1).encode()
    outcome = import_bytes(corrected, "更正.txt", reviewer)
    assert outcome.action == "updated" and "已改回草稿" in outcome.message
    move = Transition.objects.get(report=report)
    assert (move.from_status, move.to_status, move.user) == ("published", "draft", reviewer)
    assert "重新报送" in move.comment
    event = AuditEvent.objects.get(action="transition")
    assert event.detail == {"from": "published", "to": "draft", "comment": move.comment} and event.username == "alice"


def test_two_reviewers_moving_one_report_at_once(seeds, reviewer):
    report = seeds[1]  # 泰山区 2022: no errors
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    first, second = AnnualReport.objects.get(pk=report.pk), AnnualReport.objects.get(pk=report.pk)
    workflow.move(first, ReportStatus.RETURNED, reviewer, "请补充说明。")
    with pytest.raises(workflow.TransitionRefused, match="已被他人更改"):
        workflow.move(second, ReportStatus.APPROVED, make_user("bob", roles.REVIEWER))
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED
    assert Transition.objects.filter(report=report).count() == 1


def test_confirming_twice_imports_once(client, superuser):
    client.force_login(superuser)
    url = preview_url(upload(client, (seed(1).name, seed(1).read_bytes())))
    data = choices(client.get(url).content.decode())
    first = client.post(url, data)
    assert first.status_code == 302
    # A second click that arrives later, or Back and resubmit: the first import's job, nothing imported.
    again = client.post(url, data, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"] and 'class="action-created"' in again.content.decode()
    assert AnnualReport.objects.count() == 1 and ReportRevision.objects.count() == 1


def test_a_confirmation_arriving_while_the_first_imports_does_nothing(client, superuser):
    client.force_login(superuser)
    url = preview_url(upload(client, (seed(1).name, seed(1).read_bytes())))
    data = choices(client.get(url).content.decode())
    token = url.rstrip("/").split("/")[-1]
    first = Job.objects.create(user=superuser, kind=JobKind.IMPORT, title="导入", token=token, state=JobState.RUNNING)
    response = client.post(url, data, follow=True)  # the first click's import, still running
    assert response.redirect_chain[-1][0] == reverse("admin:reports_annualreport_job", args=[first.pk])
    assert not AnnualReport.objects.exists() and Job.objects.filter(kind=JobKind.IMPORT).count() == 1
    assert "进行中" in response.content.decode()


def test_an_agency_created_by_someone_else_meanwhile_is_used_not_duplicated(client, superuser):
    client.force_login(superuser)
    url = preview_url(upload(client, (seed(1).name, seed(1).read_bytes())))
    data = choices(client.get(url).content.decode())
    assert data["0-agency"] == "new"
    Agency.objects.create(name=data["0-new_name"])  # another reviewer's import, committed first
    page = client.post(url, data).content.decode()  # the preview again, asking to choose
    assert "请选择已有机关" in page and not AnnualReport.objects.exists()
    # Created between the confirmation's checks and its import: the import takes that agency.
    outcome = import_bytes(seed(1).read_bytes(), seed(1).name, superuser, Agency(name=data["0-new_name"]))
    assert outcome.action == "created" and Agency.objects.count() == 1


def test_a_report_ever_submitted_cannot_be_deleted(client, seeds, superuser):
    report = seeds[1]
    workflow.record_transition(report, ReportStatus.SUBMITTED, superuser)
    report.save()
    client.force_login(superuser)
    delete = reverse("admin:reports_annualreport_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    with pytest.raises(ProtectedError):
        report.delete()
    changelist = reverse("admin:reports_annualreport_changelist")
    page = client.post(changelist, {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"})
    assert AnnualReport.objects.filter(pk=report.pk).exists()
    assert page.status_code in (200, 302)


def test_deleting_a_draft_keeps_its_last_version_in_the_audit_log(client, seeds, superuser):
    report = seeds[2]
    client.force_login(superuser)
    delete = reverse("admin:reports_annualreport_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not AnnualReport.objects.filter(pk=report.pk).exists()
    event = AuditEvent.objects.get(action="delete")
    assert event.username == "root" and event.target == "呼兰区卫生健康局2023年度报告"
    assert event.detail["last_revision"]["applications"]["unable_not_held"]["natural_person"] == 8


def test_downloads_are_audited(client, seeds, superuser):
    client.force_login(superuser)
    client.get(reverse("reports:download", args=[seeds[1].pk, "xlsx"]))
    job = client.get(reverse("admin:reports_annualreport_leadership_download") + "?year=2023", follow=True).context["job"]
    assert not AuditEvent.objects.filter(action="export", target="统计汇总工作簿").exists()  # written, not yet taken
    client.get(reverse("admin:reports_annualreport_job_download", args=[job.pk]))
    exports = AuditEvent.objects.filter(action="export").order_by("id")
    assert [e.target for e in exports] == ["泰安市泰山区卫生健康局2022年度报告", "统计汇总工作簿"]
    assert exports[1].detail == {"selection": "year=2023", "reports": 2}
    assert exports[0].ip == "127.0.0.1"


def test_the_audit_log_keeps_only_a_real_address(rf, settings):
    from reports.audit import client_ip

    settings.BEHIND_PROXY = True
    request = rf.get("/", HTTP_X_FORWARDED_FOR="'; DROP TABLE x; --, 10.0.0.1", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "127.0.0.1"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="10.1.2.3, 10.0.0.1")) == "10.1.2.3"
    settings.BEHIND_PROXY = False
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="10.1.2.3")) == "127.0.0.1"
