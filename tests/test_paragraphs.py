"""The narrative stored as paragraphs, and findings about the text pointing at a sentence of one."""
import html
import inspect
import io
import pkgutil
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from reports import versions
from reports import vocabulary as v
from reports.layout import Marked, narrative_layout, official_tables
from reports.models import AnnualReport, Finding, Paragraph
from reports.models.annual_report import _store_paragraphs, paragraph_rows, paragraphs_digest
from reports.models.agency import OPERATOR
from reports.models.submission import FindingPlace, place_fields, place_of
from reports.parsers.grid import ENUMERATOR
from reports.rules import narrative
from reports.rules.shape import ReportShape

STATEMENT = "2023年我市有关政府信息公开行政复议0件，行政诉讼0件。"


def test_w10_points_at_the_sentence_of_another_year_in_seed_003(seeds):
    report = seeds[3]  # a 2024 report stating 2023's figures beside table 四
    finding = report.findings.get(code="W10")
    paragraph = report.paragraphs.get(position=finding.paragraph)
    assert (paragraph.section, paragraph.part) == ("review_litigation", "notes.review_litigation")
    assert paragraph.text[finding.span_start : finding.span_end] == STATEMENT


def test_a_stored_finding_has_the_place_its_explanation_stores(seeds):
    """Finding is a FindingPlace: rule, cell key or field, and the sentence, stored as the
    explanation and the acknowledgement store them (place_fields, written once)."""
    report = seeds[3]
    w10 = next(f for f in report.evaluate() if f.code == "W10")
    stored = report.findings.get(code="W10")
    assert isinstance(stored, FindingPlace) and place_of(stored) == place_of(w10)
    assert place_fields(stored) == place_fields(w10) == {
        "code": "W10", "location": w10.location, "paragraph": w10.paragraph,
        "span_start": w10.span[0], "span_end": w10.span[1],
    }  # fmt: skip
    assert Finding.fields_from_engine(w10).items() >= place_fields(w10).items()


def test_a_sentence_and_a_cell_show_their_findings_alike(seeds):
    """Seed 003's W10 marks a sentence of table 四's text, its W1 a cell of table 二: each shows
    its gravest severity and its findings' messages the same way (layout.Marked)."""
    report = seeds[3]
    findings = list(report.findings.all())
    laid = narrative_layout(report.paragraphs.all(), findings)
    [piece] = [p for paragraph in laid["review_litigation"] for p in paragraph.pieces if p.findings]
    cells = [c for t in official_tables(report.to_shape(), findings) for row in t.rows for c in row if c.findings]
    w1 = next(c for c in cells if [f.code for f in c.findings] == ["W1"])
    for marked in (piece, w1):
        [finding] = marked.findings
        assert isinstance(marked, Marked) and marked.severity == "warning"
        assert marked.messages == f"{finding.code}：{finding.message}"
    assert piece.text == STATEMENT


def test_paragraphs_are_the_stored_text_with_its_subheadings(seeds):
    report = seeds[3]
    stored = [(p.position, p.part, p.subheading, p.text) for p in report.paragraphs.all()]
    assert stored == [(p.position, p.part, p.subheading, p.text) for p in narrative.paragraphs(report.to_shape())]
    heading = report.paragraphs.get(text="（二）依申请公开方面")
    following = report.paragraphs.get(position=heading.position + 1)
    assert following.subheading == "依申请公开方面" and following.section == "overall"
    # 五's items are paragraphs of 五 under their label.
    assert {p.section for p in report.paragraphs.filter(part__startswith="improvements.")} == {"problems"}


def test_a_new_version_replaces_the_paragraphs_and_the_pointer_follows(seeds):
    report = seeds[3]
    shape = report.to_shape()
    shape.sections["overall"] = "新增的第一段。\n" + shape.sections["overall"]
    versions.store(report, shape, user=OPERATOR, source="测试")
    finding = report.findings.get(code="W10")
    paragraph = report.paragraphs.get(position=finding.paragraph)
    assert paragraph.text[finding.span_start : finding.span_end] == STATEMENT
    assert report.paragraphs.get(position=0).text == "新增的第一段。"
    assert Paragraph.objects.filter(report=report).count() == len(list(narrative.paragraphs(shape)))


def store_stale_paragraphs(report):
    """Store the report's paragraphs, and their digest, as another reading of its text would
    have (as before an upgrade changed narrative.paragraphs): one paragraph more at the start,
    every position after it one further on. Returns the rows now stored."""
    shape = report.to_shape()
    shape.sections["overall"] = "旧的分段多读出的一段。\n" + shape.sections["overall"]
    rows = paragraph_rows(shape)
    Paragraph.objects.filter(report=report).delete()
    Paragraph.objects.bulk_create(Paragraph(report=report, **row) for row in rows)
    AnnualReport.objects.filter(pk=report.pk).update(paragraphs_digest=paragraphs_digest(rows))
    return stored_paragraphs(report)


def stored_paragraphs(report):
    return [(p.position, p.section, p.part, p.subheading, p.text) for p in report.paragraphs.all()]


def read_paragraphs(report):
    return [tuple(row.values()) for row in paragraph_rows(report.to_shape())]


@pytest.mark.parametrize("refresh", [
    lambda report: AnnualReport.objects.filter(pk=report.pk).refresh_findings(),
    lambda report: AnnualReport.objects.get(pk=report.pk).refresh_findings(),
], ids=["re-validation", "one report"])  # fmt: skip
def test_a_refresh_rewrites_stale_paragraphs_that_its_findings_point_into(seeds, refresh):
    report = seeds[3]
    store_stale_paragraphs(report)
    finding = report.findings.get(code="W10")
    paragraph = report.paragraphs.get(position=finding.paragraph)
    assert paragraph.text[finding.span_start : finding.span_end] != STATEMENT  # the page would mark other words
    refresh(report)
    assert stored_paragraphs(report) == read_paragraphs(report)
    finding = report.findings.get(code="W10")
    paragraph = report.paragraphs.get(position=finding.paragraph)
    assert paragraph.text[finding.span_start : finding.span_end] == STATEMENT


def test_a_re_validation_leaves_paragraphs_that_agree_and_reports_without_sentence_findings(seeds):
    """Only the paragraphs of reports with a finding about a sentence are read again (it costs
    CPU), and only those read otherwise than stored are written; validate_reports --paragraphs
    reads every report's."""
    pointing, other = seeds[3], seeds[0]
    assert not other.findings.filter(paragraph__isnull=False).exists()
    kept = set(pointing.paragraphs.values_list("id", flat=True))
    stale = store_stale_paragraphs(other)
    AnnualReport.objects.filter(pk__in=[pointing.pk, other.pk]).refresh_findings()
    assert set(pointing.paragraphs.values_list("id", flat=True)) == kept
    assert stored_paragraphs(other) == stale
    call_command("validate_reports", "--paragraphs", stdout=io.StringIO())
    assert stored_paragraphs(other) == read_paragraphs(other)
    assert set(pointing.paragraphs.values_list("id", flat=True)) == kept


# Found by name: migrations are renumbered when branches merge.
PARAGRAPHS_MIGRATION = next(
    m.name for m in pkgutil.iter_modules(import_module("reports.migrations").__path__)
    if m.name.endswith("_narrative_paragraphs")
)  # fmt: skip


def test_the_paragraphs_migration_reads_the_stored_text_with_code_of_its_own(seeds):
    """The migration that brought paragraphs in makes the same rows whatever the project's code
    becomes: it imports none of it. It cuts every stored report's text into paragraphs and
    turns a finding's ("text", part, "start-end") cell into a pointer at the paragraph."""
    migration = import_module(f"reports.migrations.{PARAGRAPHS_MIGRATION}")
    assert not re.search(r"^\s*(?:from|import)\s+reports\b", inspect.getsource(migration), re.M)
    report = seeds[3]
    finding = report.findings.get(code="W10")
    lines = [(position, part, text) for position, _, part, _, text in stored_paragraphs(report)]
    part = report.paragraphs.get(position=finding.paragraph).part
    begin = report.source_facts["notes"]["review_litigation"].index(STATEMENT)
    Finding.objects.filter(pk=finding.pk).update(  # as findings marked a sentence before
        paragraph=None, span_start=None, span_end=None,
        cells=[*finding.cells, ["text", part, f"{begin}-{begin + len(STATEMENT)}"]],
    )  # fmt: skip
    Paragraph.objects.all().delete()
    migration.derive_paragraphs(apps, None)
    assert [(position, part, text) for position, _, part, _, text in stored_paragraphs(report)] == lines
    finding.refresh_from_db()
    assert not [cell for cell in finding.cells if cell[0] == "text"]
    assert report.paragraphs.get(position=finding.paragraph).text[finding.span_start : finding.span_end] == STATEMENT


def marked_and_linked(page, finding):
    """The sentence marked with the finding's message as title, and a link to it in a list."""
    mark = re.search(rf'<mark id="{finding.anchor}" class="finding-warning" title="([^"]*)">([^<]*)</mark>', page)
    return mark and html.unescape(mark.group(1)) == f"W10：{finding.message}" and mark.group(2) == STATEMENT and (
        f'<a href="#{finding.anchor}"' in page
    )


def test_the_clerks_report_page_marks_the_sentence_and_links_the_finding_to_it(client, demo):
    report = demo[3]
    finding = report.findings.get(code="W10")
    client.force_login(get_user_model().objects.get(username="yuanping"))
    page = client.get(reverse("reports:print", args=[report.pk])).content.decode()
    assert marked_and_linked(page, finding)
    # Paragraph by paragraph, each with its anchor.
    for paragraph in report.paragraphs.all():
        assert f'id="paragraph-{paragraph.position}"' in page


def test_the_reviewers_report_page_marks_the_sentence_and_links_the_finding_to_it(client, demo):
    report = demo[3]
    client.force_login(get_user_model().objects.get(username="reviewer"))
    page = client.get(reverse("admin:reports_annualreport_change", args=[report.pk])).content.decode()
    assert marked_and_linked(page, report.findings.get(code="W10"))
    # A finding about what a section lacks (E13: 六 says nothing of 信息处理费) links to the section.
    assert report.findings.get(code="E13").anchor == "section-other"
    assert '<a href="#section-other"' in page and 'id="section-other"' in page


def test_sub_headings_as_reports_write_them():
    shape = ReportShape()
    shape.sections["overall"] = "\n".join([
        "本年度工作概述。",  # before any sub-heading
        "（一）主动公开方面",  # 003: a heading of its own
        "一是加大公开力度。",
        "2、依申请公开方面。2022年收到申请2条。",  # 001: the clause an enumerated paragraph opens with
        "(一 )收取信息处理费情况：未收取。",  # 001's 六, spaced
        "4、**建立健全工作机制。**根据上级要求…",  # 004: bold marks of the web page
    ])  # fmt: skip
    shape.sections["problems"] = ["信息更新不及时"]  # a short item is an item, not a heading
    found = [(p.subheading, p.section) for p in narrative.paragraphs(shape)]
    assert found == [
        ("", "overall"),
        ("主动公开方面", "overall"),
        ("主动公开方面", "overall"),
        ("依申请公开方面", "overall"),
        ("收取信息处理费情况", "overall"),
        ("建立健全工作机制", "overall"),
        (v.PROBLEMS_LABEL, "problems"),
    ]


@pytest.mark.parametrize("enumerator", ["一、", "（二）", "(三)", "（ 四 ）", "3.", "4、", "5．", "（6）", "(7)", "八）", "9)"])
def test_labels_and_sub_headings_open_with_the_same_enumerators(enumerator):
    """One enumerator (vocabulary.ENUMERATOR): what the parsers strip from a row's label or an
    item is what opens a sub-heading."""
    assert ENUMERATOR.sub("", f"{enumerator}予以公开") == "予以公开"
    shape = ReportShape()
    shape.sections["overall"] = f"{enumerator}主动公开情况\n本年度主动公开信息12条。"
    assert [p.subheading for p in narrative.paragraphs(shape)] == ["主动公开情况", "主动公开情况"]


def pointers(page, finding):
    """The edit page's links from findings like `finding` (its code and message) to their
    sentences: [(href, text)]."""
    return [(href, html.unescape(text)) for href, text in re.findall(
        rf'<li class="finding-warning"><span class="code"[^>]*>{finding.code}</span> '
        rf'{re.escape(html.escape(finding.message))}\s*<a href="([^"]*)" class="text-pointer"[^>]*>([^<]*)</a>', page
    )]  # fmt: skip


def test_the_edit_page_links_a_sentence_finding_to_the_box_holding_its_paragraph(client, demo):
    report = demo[3]
    shape = report.to_shape()
    lines = shape.sections["overall"].split("\n")
    shape.sections["overall"] = "\n".join([lines[0], STATEMENT, *lines[1:]])  # the same 2023 figures in 一
    versions.store(report, shape, user=OPERATOR, source="测试")
    in_overall, in_notes = sorted(report.findings.filter(code="W10"), key=lambda f: f.paragraph)
    assert in_overall.message == in_notes.message  # the same words: told apart by where they are
    client.force_login(get_user_model().objects.get(username="yuanping"))
    page = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    # 一 is one text box: the finding names the paragraph of it (the second), quotes the sentence
    # and links to the box. The text beside table 四 is printed, not edited: there the sentence
    # is marked and the finding links to it.
    assert pointers(page, in_overall) == [
        ("#id_overall", f"见「一、总体情况」第2段：「{STATEMENT}」"),
        (f"#{in_notes.anchor}", f"见「四、政府信息公开行政复议、行政诉讼情况」第1段：「{STATEMENT}」"),
    ]
    assert 'id="id_overall"' in page and f'<mark id="{in_notes.anchor}" class="finding-warning"' in page


def test_a_re_validation_leaves_the_paragraphs_of_a_version_stored_since_it_read_the_report(seeds):
    """A chunk is judged as it was read: a clerk who stores a version meanwhile has stored its
    paragraphs, which the chunk's reading of the older text must not replace."""
    report = seeds[3]
    stale = store_stale_paragraphs(report)
    read = AnnualReport.objects.get(pk=report.pk)
    AnnualReport.objects.filter(pk=report.pk).update(version=F("version") + 1)  # the clerk's version
    shape = read.to_shape()
    _store_paragraphs([read], [shape], [read.evaluate(shape)])
    assert stored_paragraphs(report) == stale
    read.version += 1  # read after that version: its paragraphs are rewritten as read
    _store_paragraphs([read], [shape], [read.evaluate(shape)])
    assert stored_paragraphs(report) == read_paragraphs(report)
