"""Rules across years (W5, W6): each report against last year's stored report of its agency, on
every write path, and year Y+1 re-checked whenever year Y is stored."""
import random
import re

import pytest

from reports.importing import import_bytes, import_many
from reports.models import AnnualReport, Finding
from reports.models.agency import OPERATOR
from reports.parsers import parse_bytes
from reports.rules.context import PREVIOUS, Context
from reports.rules.engine import evaluate
from tests.conftest import seed
from tests.fixtures.render import to_text
from tests.rules.test_catalog import consistent_report

APP, ACTIVE = "applications", "active"
AGENCY = "泰安市泰山区卫生健康局"

# -- the rules, shape against shape ---------------------------------------------------------------


def last_year():
    """The consistent 2021 report's predecessor (2020, in the 2021 format unless a test says)."""
    shape = consistent_report()
    shape.year = 2020
    return shape


def with_previous(previous):
    return Context(previous=previous, known=frozenset({PREVIOUS}))


def cross_year(shape, previous):
    return [(f.code, f.table, f.row, f.column) for f in evaluate(shape, with_previous(previous), {"W5", "W6"})]


def test_w5_carried_over_differs_from_last_years_carried_forward_per_column():
    previous, shape = last_year(), consistent_report()
    previous.applications["carried_forward"].update(natural_person=2, total=2)
    shape.applications["carried_over"].update(natural_person=3, total=3)
    assert cross_year(shape, previous) == [
        ("W5", APP, "carried_over", "natural_person"),
        ("W5", APP, "carried_over", "total"),
    ]
    finding = evaluate(shape, with_previous(previous), {"W5"})[0]
    # Both reports and both years are named.
    assert "吴忠市利通区卫生健康局2021年度报告" in finding.message
    assert "吴忠市利通区卫生健康局2020年度报告" in finding.message


def test_w5_passes_when_carried_over_matches():
    previous, shape = last_year(), consistent_report()
    previous.applications["carried_forward"].update(commercial=4, total=4)
    shape.applications["carried_over"].update(commercial=4, total=4)
    assert cross_year(shape, previous) == []


def test_cross_year_rules_compare_only_stated_numbers():
    # A blank cell on either side is W1's finding, not a break between the years.
    previous, shape = last_year(), consistent_report()
    previous.applications["carried_forward"]["natural_person"] = None
    shape.applications["carried_over"]["natural_person"] = 5
    shape.active["normative_documents"]["in_force"] = None
    previous.active["regulations"]["in_force"] = None
    shape.active["regulations"]["in_force"] = 3
    assert [c for c in cross_year(shape, previous) if c[2] != "carried_over" or c[3] == "natural_person"] == []


def test_w6_in_force_is_last_years_plus_issued_minus_repealed():
    previous, shape = last_year(), consistent_report()
    previous.active["normative_documents"].update(in_force=10)
    shape.active["normative_documents"].update(issued=3, repealed=1, in_force=12)
    assert cross_year(shape, previous) == []
    shape.active["normative_documents"]["in_force"] = 13
    shape.active["regulations"].update(issued=1, in_force=2)  # last year 0 + 1 ≠ 2
    assert cross_year(shape, previous) == [
        ("W6", ACTIVE, "regulations", "in_force"),
        ("W6", ACTIVE, "normative_documents", "in_force"),
    ]
    finding = evaluate(shape, with_previous(previous), {"W6"})[1]
    assert (ACTIVE, "normative_documents", "issued") in finding.cells
    assert "12" in finding.message  # what it should be


def test_w6_not_against_a_2019_format_report():
    # The trial format counts documents made and published (对外公开总数量), not those in force.
    previous, shape = last_year(), consistent_report()
    previous.format_version = "2019"
    shape.active["regulations"].update(in_force=7)
    assert cross_year(shape, previous) == []


def test_no_finding_without_last_years_report_and_not_run_without_looking():
    shape = consistent_report()
    shape.applications["carried_over"].update(natural_person=3, total=3)
    assert evaluate(shape, with_previous(None), {"W5", "W6"}) == []  # looked up: none stored
    assert evaluate(shape, Context(), {"W5", "W6"}) == []  # not looked up: not run


# -- a 7-year series of one agency, imported -------------------------------------------------------

YEARS = range(2021, 2028)
NEW = 3  # applications received each year, all by natural persons
# 结转下年度 of each year, and what each year's 上年结转 states: last year's, but 2024 says one more.
CARRIED_FORWARD = {2021: 1, 2022: 2, 2023: 0, 2024: 1, 2025: 3, 2026: 0, 2027: 2}
CARRIED_OVER = {year: CARRIED_FORWARD.get(year - 1, 0) for year in YEARS} | {2024: 1}
# 行政规范性文件: 2 issued and 1 repealed a year; in force 10 in 2021, then last year's + 1, but
# 2026 states one more (and 2027 follows 2026 as stated).
IN_FORCE = {2021: 10}
for _year in YEARS[1:]:
    IN_FORCE[_year] = IN_FORCE[_year - 1] + 1 + (_year == 2026)
BREAKS = {
    (2024, "W5", APP, "carried_over", "natural_person"),
    (2024, "W5", APP, "carried_over", "total"),
    (2026, "W6", ACTIVE, "normative_documents", "in_force"),
}


def series_report(year, carried_forward=None):
    """Seed 001 (泰山区卫生健康局 2022) re-issued for `year` with the series' numbers."""
    shape = parse_bytes(seed(1).read_bytes(), seed(1).name)
    shape.agency = AGENCY

    def dated(text):  # 2022 → year, 2021 → the year before, at once
        return re.sub("202[12]年", lambda m: f"{year - (m.group() == '2021年')}年", text)

    shape.facts["title"] = dated(shape.facts["title"])
    shape.facts["preamble"] = dated(shape.facts["preamble"])
    shape.sections["overall"] = dated(shape.sections["overall"])
    shape.year = year
    forward = CARRIED_FORWARD[year] if carried_forward is None else carried_forward
    over = CARRIED_OVER[year]
    rows = shape.applications
    for row, value in (("new_received", NEW), ("carried_over", over), ("granted", NEW + over - forward),
                       ("total_processed", NEW + over - forward), ("carried_forward", forward)):  # fmt: skip
        rows[row].update(natural_person=value, total=value)
    for row in ("partially_granted", "unable_not_held"):
        rows[row].update(natural_person=0, total=0)
    shape.active["normative_documents"].update(issued=2, repealed=1, in_force=IN_FORCE[year])
    return f"泰山区{year}.txt", to_text(shape)


def cross_year_findings():
    return {
        (f.report.year, f.code, f.table, f.row, f.column)
        for f in Finding.objects.filter(code__in=("W5", "W6")).select_related("report")
    }


@pytest.mark.django_db
def test_the_series_is_consistent_within_each_year():
    outcomes = list(import_many([series_report(year) for year in YEARS], OPERATOR))
    assert [o.action for o in outcomes] == ["created"] * 7, [o.message for o in outcomes]
    for report in AnnualReport.objects.all():
        errors = [f.code for f in report.findings.all() if f.severity == "error"]
        assert errors == [], (report.year, errors)


@pytest.mark.django_db
def test_series_imported_together_breaks_exactly_where_the_numbers_break():
    # One batch: each new report judged against the one before it in the same batch.
    list(import_many([series_report(year) for year in YEARS], OPERATOR))
    assert cross_year_findings() == BREAKS


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_series_imported_one_by_one_in_any_order_gives_the_same_findings(order):
    # Each file alone (the single-file path); a year stored before its predecessor is re-checked
    # when the predecessor arrives.
    years = list(reversed(YEARS)) if order == "reversed" else random.Random(12).sample(list(YEARS), 7)
    for year in years:
        name, data = series_report(year)
        assert import_bytes(data, name, OPERATOR).action == "created"
    assert cross_year_findings() == BREAKS
    counts = {r.year: r.warning_count for r in AnnualReport.objects.all()}
    for report in AnnualReport.objects.all():  # the stored counts follow the refreshed findings
        assert counts[report.year] == report.findings.filter(severity="warning").count()


@pytest.mark.django_db
def test_series_in_batches_out_of_order_gives_the_same_findings():
    # Later years first, in one batch; then the earlier years in another: the batch import
    # re-checks the stored years that follow its new reports.
    list(import_many([series_report(year) for year in YEARS if year >= 2024], OPERATOR))
    list(import_many([series_report(year) for year in YEARS if year < 2024], OPERATOR))
    assert cross_year_findings() == BREAKS


@pytest.mark.django_db
def test_changing_year_y_rechecks_year_y_plus_1():
    list(import_many([series_report(year) for year in YEARS], OPERATOR))
    # 2023 re-issued with 结转下年度 1: 2024's 上年结转 (1) now follows it, and 2023 itself
    # stays balanced; 2024's W5 goes.
    name, data = series_report(2023, carried_forward=1)
    assert import_bytes(data, name, OPERATOR).action == "updated"
    assert cross_year_findings() == BREAKS - {b for b in BREAKS if b[0] == 2024}
    report_2024 = AnnualReport.objects.get(year=2024)
    assert report_2024.warning_count == report_2024.findings.filter(severity="warning").count()
    # And back: the break returns.
    name, data = series_report(2023)
    import_bytes(data, name, OPERATOR)
    assert cross_year_findings() == BREAKS


@pytest.mark.django_db
def test_validate_reports_judges_every_report_against_its_last_year():
    from io import StringIO

    from django.core.management import call_command

    list(import_many([series_report(year) for year in YEARS], OPERATOR))
    Finding.objects.all().delete()
    call_command("validate_reports", stdout=StringIO())
    assert cross_year_findings() == BREAKS


@pytest.mark.django_db
def test_deleting_year_y_rechecks_year_y_plus_1(client, superuser):
    from django.urls import reverse

    list(import_many([series_report(year) for year in (2023, 2024)], OPERATOR))
    assert {b[:2] for b in cross_year_findings()} == {(2024, "W5")}
    client.force_login(superuser)
    draft = AnnualReport.objects.get(year=2023)  # never submitted: it may be deleted
    response = client.post(reverse("admin:reports_annualreport_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302 and not AnnualReport.objects.filter(year=2023).exists()
    assert cross_year_findings() == set()  # no last year: nothing to break
    report = AnnualReport.objects.get(year=2024)
    assert report.warning_count == report.findings.filter(severity="warning").count()


@pytest.mark.django_db
def test_changing_an_agencys_kind_or_name_rejudges_its_reports():
    from reports.models import Agency

    list(import_many([series_report(2023), series_report(2024)], OPERATOR))
    # 2024's text without 考核, 评议 or 追究: nothing a department must report, E11 for a 人民政府.
    AnnualReport.objects.filter(year=2024).update(overall="主动公开、依申请公开、政府信息管理、平台建设、监督保障。")
    agency = Agency.objects.get()
    agency.kind = "government"
    agency.save()
    assert Finding.objects.filter(report__year=2024, code="E11").exists()
    assert AnnualReport.objects.get(year=2024).error_count == 1
    agency.name = "泰安市泰山区卫生和健康局"
    agency.save()
    w5 = Finding.objects.get(code="W5", column="total")
    assert "泰安市泰山区卫生和健康局2023年度报告" in w5.message  # both reports named as now registered
