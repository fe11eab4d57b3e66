"""The rules' context: built in one place, passed by every caller, and what a path lacks is said."""
import json
from datetime import date

import pytest

from reports.choices import AgencyKind
from reports.importing import import_many, parse_or_error, preview_shape
from reports.models import Agency, AnnualReport
from reports.models.agency import OPERATOR
from reports.rules.context import KIND, PREVIOUS, PUBLISHED, context_for, context_for_shape, contexts_for
from reports.rules.engine import evaluate, skipped
from tests.conftest import seed
from tests.rules.test_catalog import consistent_report
from tests.rules.test_years import series_report
from tests.test_commands import run


def test_a_shape_alone_knows_its_kind_by_name_and_its_signature_date_but_not_last_year():
    shape = consistent_report()
    shape.agency = "原平市崞阳镇人民政府"
    shape.facts["signed_on"] = "2022-01-20"
    context = context_for_shape(shape)
    assert context.kind == AgencyKind.GOVERNMENT
    assert context.published_on == date(2022, 1, 20)
    assert context.known == {KIND, PUBLISHED}
    shape.agency = "原平市卫生健康局"
    shape.facts["signed_on"] = None
    context = context_for_shape(shape)
    assert context.kind == AgencyKind.DEPARTMENT and context.known == {KIND}
    shape.agency = None  # nothing to tell the kind by
    assert context_for_shape(shape).known == frozenset()


def test_rules_needing_what_the_context_lacks_are_skipped_with_the_reason():
    context = context_for_shape(consistent_report())
    reasons = {rule.code: reason for rule, reason in skipped(context)}
    assert {"W5", "W6"} <= set(reasons)
    assert "上年报告" in reasons["W5"]
    assert not any(f.code in reasons for f in evaluate(consistent_report(), context))


@pytest.mark.django_db
def test_a_stored_report_knows_last_years_report_of_its_agency():
    list(import_many([series_report(2022), series_report(2023)], OPERATOR))
    report = AnnualReport.objects.get(year=2023)
    context = context_for(report)
    assert PREVIOUS in context.known and context.kind == AgencyKind.DEPARTMENT
    assert (context.previous.year, context.previous.applications["carried_forward"]["total"]) == (2022, 2)
    assert not any(PREVIOUS in rule.needs for rule, _ in skipped(context))
    first = context_for(AnnualReport.objects.get(year=2022))
    assert PREVIOUS in first.known and first.previous is None  # looked up: there is none


@pytest.mark.django_db
def test_the_registered_kind_wins_over_the_name():
    list(import_many([series_report(2022)], OPERATOR))
    Agency.objects.update(kind=AgencyKind.GOVERNMENT)
    assert context_for(AnnualReport.objects.select_related("agency").get()).kind == AgencyKind.GOVERNMENT


@pytest.mark.django_db
def test_contexts_of_many_reports_take_a_few_queries_whatever_the_count(django_assert_max_num_queries):
    list(import_many([series_report(year) for year in range(2021, 2028)], OPERATOR))
    reports = list(AnnualReport.objects.select_related("agency"))
    items = [(r.agency, r.to_shape()) for r in reports]
    with django_assert_max_num_queries(5):  # the reports, then table 二 (both formats), 三 and 四
        contexts = contexts_for(items)
    by_year = {r.year: c for r, c in zip(reports, contexts)}
    assert by_year[2021].previous is None
    assert all(by_year[year].previous.year == year - 1 for year in range(2022, 2028))


@pytest.mark.django_db
def test_the_import_preview_judges_against_last_year():
    list(import_many([series_report(2023)], OPERATOR))
    name, data = series_report(2024)  # its 上年结转 says one more than 2023 carried forward
    preview = preview_shape(parse_or_error(data, name), name, OPERATOR)
    assert {(f.code, f.row, f.column) for f in preview.findings if f.code == "W5"} == {
        ("W5", "carried_over", "natural_person"),
        ("W5", "carried_over", "total"),
    }


@pytest.mark.django_db
def test_the_model_and_the_workflow_judge_against_last_year():
    list(import_many([series_report(2023), series_report(2024)], OPERATOR))
    report = AnnualReport.objects.get(year=2024)
    assert {f.code for f in report.evaluate()} >= {"W5"}
    assert {f.code for f in report.refresh_findings()} >= {"W5"}


def test_parse_report_says_which_rules_it_did_not_run_and_why():
    result = run("parse_report", str(seed(1)))
    assert result.returncode == 0
    line = next(line for line in result.stdout.splitlines() if "未运行" in line)
    assert "W5" in line and "W6" in line and "上年报告未查询" in line
    # With --json the note goes beside the JSON, which stays spec §7's.
    result = run("parse_report", str(seed(1)), "--json")
    assert json.loads(result.stdout)["year"] == 2022
    assert "未运行" in result.stderr and "W5" in result.stderr
