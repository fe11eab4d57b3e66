"""Each warning its own 上报说明 and its own 核实: a finding about a sentence is told apart from
another of the same rule in the same section by its sentence (paragraph and span).

Seed 003 (a 2024 report) states 2023's figures beside table 四 (W10); the tests add a second
statement of another year to the same text, as reports that recite several past years do."""
import pkgutil
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports import versions, workflow
from reports.admin.review import warnings_of
from reports.models import Acknowledgement, AnnualReport, AuditEvent, WarningExplanation
from reports.models.agency import OPERATOR

from .conftest import fee_stated

SECOND = "2022年我市有关政府信息公开行政诉讼0件。"


# Found by name: migrations are renumbered when branches merge.
MIGRATION = next(
    m.name for m in pkgutil.iter_modules(import_module("reports.migrations").__path__)
    if m.name.endswith("_finding_place_of_explanations")
)  # fmt: skip


def with_text(report, added):
    """`report` stored again with `added` at the end of its table-四 text."""
    shape = report.to_shape()
    shape.facts["notes"]["review_litigation"] += added
    versions.store(report, shape, user=OPERATOR, source="测试")
    report.refresh_from_db()
    return report


def unexplained():
    return set(AnnualReport.objects.with_unexplained_warnings().values_list("pk", flat=True))


def test_two_w10_sentences_of_one_section_are_explained_one_by_one(client, demo):
    report = with_text(fee_stated(demo[3]), "\n" + SECOND)
    w10 = list(report.findings.filter(code="W10"))
    assert len(w10) == 2 and w10[0].location == w10[1].location  # one section, two sentences
    assert w10[0].span != w10[1].span or w10[0].paragraph != w10[1].paragraph
    client.force_login(get_user_model().objects.get(username="yuanping"))
    url = reverse("reports:submit", args=[report.pk])
    response = client.get(url)
    entries = response.context["entries"]
    boxes = [f"{entries.index(e)}" for e in entries if e[0].code == "W10"]
    page = response.content.decode()
    assert len(boxes) == 2 and page.count('class="explanation"') == len(entries)
    # Each names where its sentence is: the first and the second paragraph of the text beside 四.
    assert "（见「四、政府信息公开行政复议、行政诉讼情况」第1段）" in page
    assert "（见「四、政府信息公开行政复议、行政诉讼情况」第2段）" in page
    # Every box but the second W10's filled in: not submitted, and that box says why.
    explained = {f"w{i}-text": "系上年数据，本年无复议诉讼。" for i in range(len(entries))}
    response = client.post(url, {**explained, f"w{boxes[1]}-text": ""})
    assert response.status_code == 200 and AnnualReport.objects.get(pk=report.pk).status == "draft"
    assert response.context["entries"][int(boxes[1])][1].errors
    explained[f"w{boxes[1]}-text"] = "2022年数据系引用，已核对。"
    assert client.post(url, explained).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    stored = {(e.paragraph, e.span): e.text for e in report.explanations.filter(code="W10")}
    assert stored == {
        (w10[0].paragraph, w10[0].span): "系上年数据，本年无复议诉讼。",
        (w10[1].paragraph, w10[1].span): "2022年数据系引用，已核对。",
    }
    # The reviewer's page shows each beside its own finding.
    shown = {f.pk: e.text for f, e, _ in warnings_of(report) if f.code == "W10"}
    assert shown == {w10[0].pk: "系上年数据，本年无复议诉讼。", w10[1].pk: "2022年数据系引用，已核对。"}


def test_one_explained_sentence_leaves_the_other_unexplained(demo):
    report = with_text(fee_stated(demo[3]), "\n" + SECOND)
    _, second = report.findings.filter(code="W10")
    for finding in report.findings.filter(severity="warning").exclude(pk=second.pk):
        workflow.explain(report, finding, "已说明。")
    assert report.pk in unexplained()
    assert workflow.unexplained_warnings(report, report.evaluate()) != []
    workflow.explain(report, second, "已说明。")
    assert report.pk not in unexplained() and workflow.unexplained_warnings(report, report.evaluate()) == []


def test_the_same_sentence_twice_is_acknowledged_twice(client, demo, reviewer):
    report = demo[3]
    statement = report.findings.get(code="W10")
    sentence = report.paragraphs.get(position=statement.paragraph).text[statement.span_start : statement.span_end]
    report = with_text(report, "\n" + sentence)  # the same words again, in a paragraph of their own
    first, second = report.findings.filter(code="W10")
    assert (first.location, first.message) == (second.location, second.message) and first.paragraph != second.paragraph
    client.force_login(reviewer)
    url = reverse("admin:reports_annualreport_acknowledge", args=[report.pk])
    client.post(url, {"finding": first.pk, "note": "已电话核实"})
    acknowledged = {f.pk: a and a.note for f, _, a in warnings_of(report) if f.code == "W10"}
    assert acknowledged == {first.pk: "已电话核实", second.pk: None}
    client.post(url, {"finding": second.pk, "note": ""})
    assert Acknowledgement.objects.filter(report=report, code="W10").count() == 2
    # The log says which sentence each was.
    events = AuditEvent.objects.filter(action="acknowledge").order_by("pk")
    assert [(e.detail["paragraph"], e.detail["span"]) for e in events] == [
        (first.paragraph, list(first.span)), (second.paragraph, list(second.span))
    ]


def test_explanations_stored_before_are_kept_by_each_sentence_they_covered(demo):
    """The data migration: an explanation and an acknowledgement keyed by section alone go to
    every sentence finding of that rule and section."""
    report = with_text(demo[3], "\n" + SECOND)
    first, second = report.findings.filter(code="W10")
    WarningExplanation.objects.create(report=report, code="W10", location=first.location, text="旧说明")
    Acknowledgement.objects.create(report=report, code="W10", location=first.location, message=first.message, note="旧核实")
    w1 = report.findings.filter(code="W1").first()
    WarningExplanation.objects.create(report=report, code="W1", location=w1.location, text="未填即为0")
    import_module(f"reports.migrations.{MIGRATION}").attach_to_sentences(apps, None)
    explanations = {f.pk: e and e.text for f, e, _ in warnings_of(report)}
    assert explanations[first.pk] == explanations[second.pk] == "旧说明" and explanations[w1.pk] == "未填即为0"
    acknowledged = {f.pk: a and a.note for f, _, a in warnings_of(report) if f.code == "W10"}
    assert acknowledged == {first.pk: "旧核实", second.pk: None}  # it named the first one's message
