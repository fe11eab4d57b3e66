"""Model-level guarantees: one report per agency-year, and the rule gate in clean()."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reports.models import AnnualReport, Region

from .conftest import fee_stated


def test_one_report_per_agency_and_year_is_a_database_constraint(seeds):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(agency=seeds[2].agency, year=2023)


def test_clean_lets_a_draft_hold_what_was_published(seeds):
    seeds[2].full_clean()  # E8/E9 present, but a draft stores them


@pytest.mark.parametrize("status", ["submitted", "approved", "published"])
def test_clean_blocks_errors_on_submission_and_approval(seeds, status):
    report = seeds[2]
    report.status = status
    with pytest.raises(ValidationError) as caught:
        report.full_clean()
    errors = caught.value.error_dict
    assert [e.code for e in errors["applications__unable_not_held__total"]] == ["E9"]
    assert [e.code for e in errors["applications__total_processed__natural_person"]] == ["E8"]


def test_clean_passes_a_clean_report_for_submission(seeds):
    report = seeds[1]
    report.status = "submitted"
    report.full_clean()


def test_warnings_never_block(seeds):
    report = fee_stated(seeds[3])  # warnings only
    report.status = "approved"
    report.full_clean()


def test_region_subtree(seeds):
    province = Region.objects.create(code="640000", name="宁夏回族自治区")
    city = Region.objects.create(code="640300", name="吴忠市", parent=province)
    county = Region.objects.create(code="640302", name="利通区", parent=city)
    other = Region.objects.create(code="370000", name="山东省")
    seeds[0].agency.region = county
    seeds[0].agency.save()
    assert county.path == "/640000/640300/640302/" and county.depth == 2
    assert list(AnnualReport.objects.in_region(province)) == [seeds[0]]
    assert not AnnualReport.objects.in_region(other).exists()


def test_moving_a_region_moves_its_subtree(seeds):
    province = Region.objects.create(code="370000", name="山东省")
    city = Region.objects.create(code="370900", name="泰安市", parent=province)
    county = Region.objects.create(code="370902", name="泰山区", parent=city)
    seeds[1].agency.region = county
    seeds[1].agency.save()
    other = Region.objects.create(code="999000", name="新设区划")
    city.parent = other
    city.save()
    county.refresh_from_db()
    assert county.path == "/999000/370900/370902/"
    assert list(AnnualReport.objects.in_region(other)) == [seeds[1]]
    assert not AnnualReport.objects.in_region(province).exists()
    with pytest.raises(ValueError):
        other.parent = county
        other.save()


def test_agency_kind_is_inferred_once(db):
    from reports.models import Agency

    town = Agency.objects.create(name="某某镇人民政府")
    assert town.kind == "government"
    town.kind = "other"
    town.save()
    town.refresh_from_db()
    assert town.kind == "other"
