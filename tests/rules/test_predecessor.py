"""机构改革: an agency renamed or merged goes on under a new name (Agency.predecessor), and its
successor's first year is judged against its last report (W5, W6, W8); changing the predecessor's
year Y re-checks the successor's Y+1; a chain that comes back to itself is refused."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.importing import import_bytes, import_many
from reports.models import Agency, AnnualReport, Finding
from reports.models.agency import OPERATOR
from reports.rules.context import context_for
from tests.conftest import make_user
from tests.rules.test_years import AGENCY, series_report

# 卫生和计划生育局 became 卫生健康局 in the 2018–2019 reform; here the old name reports until 2023.
OLD = "泰安市泰山区卫生和计划生育局"


def old_report(year, **kwargs):
    name, data = series_report(year, **kwargs)
    return f"old-{name}", data.replace("泰山区卫生健康局".encode(), "泰山区卫生和计划生育局".encode())


def w5_years():
    return {(f.report.agency.name, f.report.year) for f in Finding.objects.filter(code="W5").select_related("report__agency")}


@pytest.fixture
def renamed(db):
    """2022 and 2023 under the old name, 2024 and 2025 under the new one (2024 states one more
    上年结转 than 2023 carried forward, as the series does), the new agency succeeding the old."""
    outcomes = list(import_many([old_report(2022), old_report(2023), series_report(2024), series_report(2025)], OPERATOR))
    assert [o.action for o in outcomes] == ["created"] * 4, [o.message for o in outcomes]
    old, new = Agency.objects.get(name=OLD), Agency.objects.get(name=AGENCY)
    assert w5_years() == set()  # 2024 has no last year of its own
    new.predecessor = old
    new.save()
    return old, new


def test_a_renamed_agencys_first_year_is_judged_against_its_predecessors_last(renamed):
    old, new = renamed
    context = context_for(AnnualReport.objects.get(agency=new, year=2024))
    assert context.previous.agency == OLD and context.previous.year == 2023
    assert w5_years() == {(AGENCY, 2024)}
    w5 = Finding.objects.get(code="W5", column="total")
    assert f"{OLD}2023年度报告" in w5.message
    # And the copied text is seen across the rename (the series repeats seed 001's text).
    assert Finding.objects.filter(report__year=2024, code="W8", field="overall").exists()


def test_the_agencys_own_last_year_comes_first(renamed):
    old, new = renamed
    assert context_for(AnnualReport.objects.get(agency=new, year=2025)).previous.agency == AGENCY


def test_changing_the_predecessors_year_rechecks_the_successors_next(renamed):
    name, data = old_report(2023, carried_forward=1)  # now 2024's 上年结转 (1) follows it
    assert import_bytes(data, name, OPERATOR).action == "updated"
    assert w5_years() == set()
    report = AnnualReport.objects.get(agency=renamed[1], year=2024)
    assert report.warning_count == report.findings.filter(severity="warning").count()


def test_unsetting_the_predecessor_rejudges(renamed):
    old, new = renamed
    new.predecessor = None
    new.save()
    assert w5_years() == set()


def test_a_chain_may_not_come_back_to_itself(renamed):
    old, new = renamed
    old.predecessor = new
    with pytest.raises(ValidationError) as raised:
        old.full_clean()
    assert "predecessor" in raised.value.message_dict
    with pytest.raises(ValueError):
        old.save()
    new.predecessor = new
    with pytest.raises(ValidationError):
        new.full_clean()


def test_the_admin_sets_the_predecessor_and_refuses_a_cycle(renamed, client):
    old, new = renamed
    client.force_login(make_user("root", superuser=True))
    url = reverse("admin:reports_agency_change", args=[old.pk])
    data = {"name": old.name, "kind": old.kind, "region": old.region_id or "", "predecessor": new.pk}
    response = client.post(url, data)
    assert response.status_code == 200 and "predecessor" in response.context["adminform"].form.errors
    old.refresh_from_db()
    assert old.predecessor is None
    url = reverse("admin:reports_agency_change", args=[new.pk])
    data = {"name": new.name, "kind": new.kind, "region": new.region_id or "", "predecessor": ""}
    assert client.post(url, data).status_code == 302
    assert w5_years() == set()
