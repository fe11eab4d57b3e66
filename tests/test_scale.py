"""Pages and writes whose query count does not grow with the data (issue 14's traps), each
measured at two sizes of a generate_demo province."""
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import roles
from reports.choices import AgencyKind, ReportStatus
from reports.demo.generate import generate
from reports.models import Agency, AnnualReport, Region

from .conftest import make_user

YEARS = range(2024, 2026)
LIST = reverse("admin:reports_annualreport_changelist")
PROGRESS = reverse("admin:reports_annualreport_progress")


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def at_two_sizes(measure, small=30, large=110):
    """measure() at a small province and at a larger one (the same, extended)."""
    generate(small, YEARS)
    first = measure()
    generate(large, YEARS)
    return first, measure()


@pytest.fixture
def reviewer_client(client, db):
    client.force_login(make_user("bench_reviewer", roles.REVIEWER))
    return client


@pytest.mark.parametrize(
    "query", ["", "?year=2025", "?region=990100", "?has_errors=yes", "?unexplained=yes", "?returned=unchanged",
              "?overdue=yes", "?q=卫健委", "?status=submitted"],
)  # fmt: skip
def test_report_list_queries_do_not_grow(reviewer_client, query):
    small, large = at_two_sizes(lambda: queries(reviewer_client, LIST + query)[0])
    assert small == large


def test_region_filter_lists_the_tree_around_the_choice(reviewer_client):
    generate(110, YEARS)
    towns = Region.objects.filter(code__regex=r"^\d{9}$")
    county = towns.first().parent

    def offered(query):
        return set(re.findall(r"region=(\d+)", queries(reviewer_client, LIST + query)[1].content.decode()))

    assert not offered("") & set(towns.values_list("code", flat=True))  # the top of the tree only
    around = offered(f"?region={county.code}")
    assert {t.code for t in county.children.all()} <= around  # its 乡镇, to go down a level
    assert {"990000", county.parent.code, county.code} <= around  # and the way up


def test_leadership_page_queries_do_not_grow_and_its_chooser_walks_the_tree(reviewer_client):
    page = reverse("admin:reports_annualreport_leadership")
    small, large = at_two_sizes(lambda: queries(reviewer_client, page + "?year=2025")[0])
    assert small == large
    towns = set(Region.objects.filter(code__regex=r"^\d{9}$").values_list("code", flat=True))
    offered = set(re.findall(r'<option value="(\d+)"', queries(reviewer_client, page + "?year=2025")[1].content.decode()))
    assert offered == {"990000"}  # the top of the tree
    assert not offered & towns
    county = Region.objects.get(code="990101")
    html = queries(reviewer_client, page + f"?year=2025&region={county.code}")[1].content.decode()
    assert {t.code for t in county.children.all()} <= set(re.findall(r'<option value="(\d+)"', html))


def test_progress_board_pages_and_counts_every_agency(reviewer_client):
    def board():
        count, response = queries(reviewer_client, PROGRESS + "?year=2025")
        return count, response.context

    (small, _), (large, context) = at_two_sizes(board)
    assert small == large
    agencies = Agency.objects.count()
    assert len(context["rows"]) == 100 and context["page"].paginator.count == agencies == 110
    assert sum(context["counts"].values()) == agencies
    assert context["counts"]["草稿"] == AnnualReport.objects.filter(year=2025, status=ReportStatus.DRAFT).count()
    second = queries(reviewer_client, PROGRESS + "?year=2025&p=2")[1].context
    assert len(second["rows"]) == 10 and second["counts"] == context["counts"]


def test_progress_board_counts_agencies_without_a_report_as_late(reviewer_client):
    generate(30, YEARS)
    Agency.objects.create(name="示范省档案馆", region=Region.objects.get(code="990000"), kind=AgencyKind.OTHER)
    context = queries(reviewer_client, PROGRESS + "?year=2025")[1].context
    late = AnnualReport.objects.filter(year=2025).overdue().count()
    assert context["overdue_count"] == late + 1 and context["counts"]["未填报"] == 1


def test_an_agency_kind_changes_its_reports_in_a_few_queries(db):
    def change_kind():
        agency = Agency.objects.get(name="示范省统计局")
        agency.kind = AgencyKind.GOVERNMENT if agency.kind != AgencyKind.GOVERNMENT else AgencyKind.DEPARTMENT
        with CaptureQueriesContext(connection) as captured:
            agency.save()
        deadlines = set(agency.reports.values_list("year", "deadline"))
        month = 3 if agency.kind == AgencyKind.GOVERNMENT else 1
        assert deadlines == {(year, date(year + 1, month, 31)) for year in agency.reports.values_list("year", flat=True)}
        return len(captured)

    # Re-validation writes a chunk's findings only where they changed: a DELETE, an INSERT and the
    # counts' UPDATE, or none. Whether the new kind changes a finding depends on the reports drawn,
    # so the two sizes may differ by those three queries, never by the number of reports.
    generate(20, range(2024, 2026), defect_share=1)
    two_years = change_kind()
    generate(20, range(2019, 2026), defect_share=1)  # the same agencies, five years more
    assert two_years - 3 <= change_kind() <= two_years + 3


def test_overdue_is_stored_by_every_write_and_follows_the_deadline(db):
    """逾期 is an indexed comparison of the stored overdue_after with today: the generator's dates,
    an agency's new kind (its deadlines move) and a submission each keep it what the dates say."""
    from reports import workflow
    from reports.models.annual_report import overdue_after

    def stored_as_the_dates_say():
        for report in AnnualReport.objects.all():
            assert report.overdue_after == overdue_after(report.deadline, report.created_at, report.submitted_at)

    generate(30, YEARS)
    assert AnnualReport.objects.overdue().exists() and AnnualReport.objects.exclude(overdue_after=None).count() < 30 * 2
    stored_as_the_dates_say()
    late = AnnualReport.objects.filter(submitted_at__isnull=False).exclude(overdue_after=None).first()
    agency = late.agency  # its report was submitted within days of the deadline: three months more make it timely
    agency.kind = AgencyKind.GOVERNMENT if agency.kind != AgencyKind.GOVERNMENT else AgencyKind.DEPARTMENT
    agency.save()
    stored_as_the_dates_say()
    draft = AnnualReport.objects.filter(status=ReportStatus.DRAFT, error_count=0, warning_count=0).first()
    workflow.move(draft, ReportStatus.SUBMITTED, make_user("admin", superuser=True))
    stored_as_the_dates_say()
    assert AnnualReport.objects.get(pk=draft.pk).overdue_after == draft.deadline  # submitted today, long after it


def test_saving_an_agency_unchanged_leaves_its_reports(db):
    generate(20, YEARS)
    agency = Agency.objects.get(name="示范省统计局")
    validated = set(agency.reports.values_list("validated_at", flat=True))
    agency.save()
    assert set(agency.reports.values_list("validated_at", flat=True)) == validated


def test_reports_are_listed_without_joining_their_agency(db):
    """The default ordering is added to every query that sets none: it must not join Agency."""
    assert "JOIN" not in str(AnnualReport.objects.filter(year=2025).query)
    assert "JOIN" not in str(AnnualReport.objects.all().query)


def _county_department():
    return Agency.objects.filter(name__endswith="县发展和改革局").order_by("pk").first()


def test_agency_names_are_matched_by_their_endings_in_a_fixed_number_of_queries(db):
    from reports.models.agency import OPERATOR

    def match():
        agency = _county_department()
        short = agency.name.split("市", 1)[1].replace("发展和改革局", "发改局")  # 东阳县发改局
        resolver = Agency.objects.resolver(OPERATOR)
        assert resolver.candidates(short) == [agency]
        with CaptureQueriesContext(connection) as captured:
            found = resolver.match_many([short, "示范省新设局", agency.name])
        assert found[short] == agency and found[agency.name] == agency
        Agency.objects.filter(name="示范省新设局").delete()
        return len(captured)

    small, large = at_two_sizes(match, 70, 200)
    assert small == large


def test_a_renamed_agency_is_found_by_its_new_name(db):
    from reports.models.agency import OPERATOR

    generate(70, YEARS)
    agency = _county_department()
    agency.name = agency.name.replace("发展和改革局", "发展和改革委员会")
    agency.save()
    short = agency.name.split("市", 1)[1]
    assert Agency.objects.resolver(OPERATOR).candidates(short) == [agency]
    assert Agency.objects.resolver(OPERATOR).candidates(short.replace("委员会", "局")) == []


def test_my_reports_is_a_page_at_a_time_for_whoever_reaches_it(reviewer_client):
    small, large = at_two_sizes(lambda: queries(reviewer_client, reverse("reports:list"))[0])
    assert small == large
    page = queries(reviewer_client, reverse("reports:list") + "?p=2")[1]
    assert len(page.context["reports"]) == 50 and page.context["reports"].paginator.count == 220


def assert_summary_figures_are_the_rows():
    """Every report's SummaryFigures (what 统计汇总 adds up) hold its stored rows' figures."""
    from reports.models import ActiveDisclosure, ActiveDisclosure2019, SummaryFigures
    from reports.vocabulary import RESULT_KEYS

    assert SummaryFigures.objects.count() == AnnualReport.objects.count()
    for figures in SummaryFigures.objects.select_related("report"):
        report = figures.report
        for row in report.application_rows.all():
            assert getattr(figures, f"applications_{row.row}") == row.total
        for row in report.review_rows.all():
            assert [getattr(figures, f"{row.group}_{key}") for key in RESULT_KEYS] == [getattr(row, k) for k in RESULT_KEYS]
        active = ActiveDisclosure.objects.filter(report=report).first()
        assert (figures.licensing, figures.penalty) == ((active.licensing, active.penalty) if active else (None, None))
        trial = ActiveDisclosure2019.objects.filter(report=report).first()
        assert (figures.licensing_2019, figures.penalty_2019) == (
            (trial.licensing_decisions, trial.penalty_decisions) if trial else (None, None)
        )


def test_summary_figures_are_the_rows_after_every_write(client, demo):
    """統计汇总 sums one row per report written with the section rows: after an import (the seeds
    of `demo`), an admin save, a batch import and generate_demo, it holds what the rows hold."""
    from reports.importing import import_many
    from reports.models.agency import OPERATOR

    from .admin.test_report_admin import change_url, form_data
    from .conftest import seed

    assert_summary_figures_are_the_rows()
    client.force_login(make_user("root", superuser=True))
    report = demo[2]
    response = client.post(change_url(report), form_data(report, applications__unable_not_held__total="8"))
    assert response.status_code == 302
    new = seed(1).read_text().replace("泰山区", "岱岳区").encode()
    changed = seed(2).read_text().replace("\t8\n", "\t0\n", 1).encode()
    outcomes = list(import_many([("new.txt", new), ("changed.txt", changed)], OPERATOR))
    assert [o.action for o in outcomes] == ["created", "updated"]
    generate(3, YEARS)
    assert_summary_figures_are_the_rows()


def test_revalidation_queries_do_not_grow_with_the_reports(db):
    """A chunk is read, judged and stored in a fixed number of queries: a field of the report
    the rules read but re-validation does not load would cost one query a report."""

    def measure():
        AnnualReport.objects.all().refresh_findings()  # then stored as judged: a second run changes nothing
        with CaptureQueriesContext(connection) as captured:
            AnnualReport.objects.all().refresh_findings()
        return len(captured)

    small, large = at_two_sizes(measure)
    assert small == large
