"""generate_demo: a province of agencies and reports whose findings are the ones planned."""
import pytest
from django.core.management import call_command

from reports.choices import AgencyKind, ReportStatus, Severity
from reports.demo.generate import DEFECTS, agencies, generate, plan
from reports.models import Agency, AnnualReport, Finding, Region, Transition, WarningExplanation

YEARS = range(2019, 2026)
COUNT = 80  # the province's, a city's and a county's agencies, 乡镇 included


@pytest.fixture
def province(db):
    return generate(COUNT, YEARS, seed=7, defect_share=0.4)


def test_every_level_kind_and_state(province):
    assert province.reports == COUNT * len(YEARS)
    assert {r.depth for r in Region.objects.filter(code__startswith="99")} == {0, 1, 2, 3}  # province → 乡镇
    assert set(Agency.objects.values_list("kind", flat=True)) == set(AgencyKind.values)
    assert Agency.objects.filter(name__endswith="镇人民政府", region__code__regex=r"^\d{9}$").exists()
    assert set(AnnualReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    # Each status is reached the way the workflow reaches it.
    for report in AnnualReport.objects.exclude(status=ReportStatus.DRAFT):
        last = Transition.objects.filter(report=report).order_by("-created_at").first()
        assert last.to_status == report.status and report.submitted_at


def test_running_again_adds_nothing(province):
    counts = [model.objects.count() for model in (Region, Agency, AnnualReport, Finding, Transition)]
    again = generate(COUNT, YEARS, seed=7, defect_share=0.4)
    assert again.reports == 0
    assert [model.objects.count() for model in (Region, Agency, AnnualReport, Finding, Transition)] == counts


def test_more_agencies_extend_the_same_province(province):
    before = dict(AnnualReport.objects.values_list("pk", "error_count"))
    call_command("generate_demo", agencies=COUNT + 5, years="2019-2025", seed=7, defects=0.4, stdout=open("/dev/null", "w"))
    assert AnnualReport.objects.count() == (COUNT + 5) * len(YEARS)
    assert {pk: n for pk, n in AnnualReport.objects.values_list("pk", "error_count") if pk in before} == before


def _planned():
    """{(agency name, year): defect} as generate() drew them."""
    _, planned = agencies(COUNT)
    return {(a.name, year): draft.defect for a in planned for year, draft in plan(a, 7, YEARS, 0.4).items()}


def test_findings_are_the_planned_defects(province):
    defects = _planned()
    codes = {}
    for name, year, code in Finding.objects.values_list("report__agency__name", "report__year", "code"):
        codes.setdefault((name, year), set()).add(code)
    assert set(filter(None, defects.values())) == set(DEFECTS)
    for key, defect in defects.items():
        found = codes.get(key, set())
        if defect is None:
            # The accounting holds and the text agrees with the tables; only a late 落款 (W15) is said.
            assert found <= {"W15"}, (key, found)
        else:
            assert set(DEFECTS[defect]) <= found, (key, defect, found)


def test_stored_findings_equal_a_fresh_validation(province):
    reports = AnnualReport.objects.with_sections().order_by("pk")[:60]
    for report in reports:
        stored = sorted(Finding.objects.filter(report=report).values_list("code", "location", "message"))
        fresh = sorted((f.code, f.location or "", f.message) for f in report.evaluate())
        assert stored == fresh


def test_submitted_reports_have_no_errors_and_explain_their_warnings(province):
    passed = AnnualReport.objects.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.PUBLISHED])
    assert not passed.filter(error_count__gt=0).exists()
    assert not passed.with_unexplained_warnings().exists()
    assert WarningExplanation.objects.exists()
    assert AnnualReport.objects.with_unexplained_warnings().exists()  # drafts and returned ones
    assert Finding.objects.filter(severity=Severity.ERROR, report__status=ReportStatus.DRAFT).exists()
