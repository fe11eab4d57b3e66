"""A reviewer's acknowledgement of a warning (「已核实」, with a note): kept with the finding while
the rule says the same about the same place, counted by the 有未说明的警告 filter, written to the
问题清单 sheet beside the agency's 上报说明, and audit-logged. Seed 003 (a 2024 report) warns W1
twice (现行有效件数 blank) and W10 (a 2023 statement in its table-四 text)."""
from io import StringIO
from unittest.mock import ANY

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import roles
from reports.models import Acknowledgement, AnnualReport, AuditEvent, WarningExplanation
from tests.conftest import make_user

LIST = reverse("admin:reports_annualreport_changelist")


def acknowledge(client, report, finding, note=""):
    url = reverse("admin:reports_annualreport_acknowledge", args=[report.pk])
    return client.post(url, {"finding": finding.pk, "note": note})


def unexplained():
    return set(AnnualReport.objects.with_unexplained_warnings().values_list("pk", flat=True))


def test_a_reviewer_acknowledges_a_warning_and_it_is_audited_and_shown(client, demo, reviewer):
    report = demo[3]
    w10 = report.findings.get(code="W10")
    client.force_login(reviewer)
    response = acknowledge(client, report, w10, "已与该局电话核实：为上年数据，本年无复议诉讼。")
    assert response.status_code == 302
    stored = Acknowledgement.objects.get()
    assert (stored.code, stored.location, stored.message, stored.user) == ("W10", w10.location, w10.message, reviewer)
    event = AuditEvent.objects.filter(action="acknowledge").get()
    assert event.username == reviewer.username and event.detail["code"] == "W10" and "电话核实" in event.detail["note"]
    page = client.get(reverse("admin:reports_annualreport_change", args=[report.pk])).content.decode()
    assert "已与该局电话核实" in page
    # An empty note says 「已核实」.
    w1 = report.findings.filter(code="W1").first()
    acknowledge(client, report, w1)
    assert Acknowledgement.objects.get(code="W1", location=w1.location).note == "已核实"


def test_the_acknowledgement_survives_revalidation_while_the_finding_is_unchanged(client, demo, reviewer):
    report = demo[3]
    client.force_login(reviewer)
    for finding in report.findings.filter(severity="warning"):
        acknowledge(client, report, finding)
    assert report.pk not in unexplained()
    report.refresh_findings()  # findings rewritten: the same code, place and message
    assert report.pk not in unexplained()
    assert report.pk not in {r.pk for r in client.get(LIST + "?unexplained=yes").context["cl"].result_list}
    # The text changes, so W10 now quotes another sentence: it is a new warning, not acknowledged.
    facts = report.source_facts
    facts["notes"]["review_litigation"] = facts["notes"]["review_litigation"].replace("行政复议0件", "行政复议零件")
    AnnualReport.objects.filter(pk=report.pk).update(source_facts=facts)
    AnnualReport.objects.get(pk=report.pk).refresh_findings()
    assert report.pk in unexplained()


def test_the_filter_counts_warnings_neither_explained_nor_acknowledged(client, demo, reviewer):
    report = demo[3]
    w1s = list(report.findings.filter(code="W1"))
    for w1 in w1s:  # the agency explains the blanks …
        WarningExplanation.objects.create(report=report, code="W1", location=w1.location, text="本年无规章。")
    assert report.pk in unexplained()  # … W10 remains
    client.force_login(reviewer)
    acknowledge(client, report, report.findings.get(code="W10"))
    assert report.pk not in unexplained()


def test_only_reviewers_acknowledge(client, demo):
    report = demo[3]
    client.force_login(make_user("lingdao", roles.LEADER))
    assert acknowledge(client, report, report.findings.get(code="W10")).status_code == 403
    assert not Acknowledgement.objects.exists()


def test_a_warning_revalidated_away_is_not_acknowledged(client, demo, reviewer):
    report = demo[3]
    w10 = report.findings.get(code="W10")
    # Re-validated after w10's row went (a re-validation leaves unchanged findings' rows as they
    # are): a new row stands for it.
    report.findings.filter(pk=w10.pk).delete()
    report.refresh_findings()
    client.force_login(reviewer)
    response = acknowledge(client, report, w10)
    assert response.status_code == 302 and not Acknowledgement.objects.exists()


@pytest.mark.parametrize("forged", ["²", "9" * 30, "-1", "1.0", ""])
def test_a_forged_finding_is_refused_with_a_message(client, demo, reviewer, forged):
    report = demo[3]
    client.force_login(reviewer)
    url = reverse("admin:reports_annualreport_acknowledge", args=[report.pk])
    response = client.post(url, {"finding": forged}, follow=True)
    assert response.status_code == 200 and "该警告已不存在" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_the_findings_sheet_has_the_explanation_and_the_acknowledgement(client, demo, reviewer, tmp_path):
    report = demo[3]
    w1 = report.findings.filter(code="W1").first()
    WarningExplanation.objects.create(report=report, code="W1", location=w1.location, text="本年无规章。")
    client.force_login(reviewer)
    acknowledge(client, report, w1, "属实。")
    out = tmp_path / "汇总.xlsx"
    call_command("export_excel", "--year", str(report.year), "-o", str(out), stdout=StringIO())
    rows = list(openpyxl.load_workbook(out)["问题清单"].iter_rows(values_only=True))
    assert rows[0][6:] == ("上报说明", "审核核实")
    mine = [r for r in rows[1:] if r[2] == "W1" and r[4] == w1.message]
    assert any(r[6:] == ("本年无规章。", "属实。") for r in mine)
    assert all(not any(r[6:]) for r in rows[1:] if r[2] == "W10")


def test_the_report_page_reads_its_findings_once(client, demo, reviewer):
    """The layout and the review panel share one read of the findings; the page's queries are
    pinned so that a second read (or one per warning) shows here."""
    report = demo[3]
    w10, w1 = report.findings.get(code="W10"), report.findings.filter(code="W1").first()
    WarningExplanation.objects.create(report=report, code="W10", location=w10.location, paragraph=w10.paragraph,
                                      span_start=w10.span_start, span_end=w10.span_end, text="系上年数据。")  # fmt: skip
    client.force_login(reviewer)
    acknowledge(client, report, w1, "已核实现行有效件数")
    ContentType.objects.clear_cache()  # counted alike whichever test ran before
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("admin:reports_annualreport_change", args=[report.pk])).content.decode()
    assert "系上年数据。" in page and "已核实现行有效件数" in page
    assert [q["sql"] for q in captured if 'FROM "reports_finding"' in q["sql"]] == [ANY]
    assert len(captured) == 26
