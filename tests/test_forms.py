"""The report form: one verdict for one report, whichever path stored it, and a report stored as
published stays so when a clerk or an administrator saves it without changing anything."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports import roles
from reports import vocabulary as v
from reports.exporters.report_workbook import write_report_workbook
from reports.importing import import_bytes, parse_or_error, preview_shape
from reports.models import AnnualReport, Profile
from reports.models.agency import OPERATOR
from reports.parsers import parse_file
from reports.vocabulary import cell_key

from .conftest import make_user, seed
from .fixtures.pages import posted
from .fixtures.render import WRITERS, to_text

# Each seed as the formats a report arrives in: the text seed itself, the renderings of the
# parser tests, the product's report workbook and its fill-in template.
FORMATS = {
    ".txt": None,
    **WRITERS,
    "rendered.txt": to_text,
    "workbook.xlsx": write_report_workbook,
    "template.xlsx": lambda shape: write_report_workbook(shape, fill_in=True),
}


def rendered(number, kind):
    """(file name, bytes) of seed `number` in format `kind`."""
    if FORMATS[kind] is None:
        return seed(number).name, seed(number).read_bytes()
    name = kind if kind.startswith(".") else f"_{kind}"
    return f"seed{number}{name}", FORMATS[kind](parse_file(seed(number)))


def stored(report):
    """Everything stored of a report: values, texts, source facts and findings."""
    report = AnnualReport.objects.with_sections().get(pk=report.pk)
    findings = [(f.code, f.location, f.message) for f in report.findings.all()]
    shape = report.to_shape()
    return {**shape.to_json(), "facts": shape.facts, "findings": findings,
            "counts": (report.error_count, report.warning_count)}  # fmt: skip


def clerk_of(agency):
    user = make_user(f"clerk{agency.pk}", roles.AGENCY_CLERK)
    Profile.objects.create(user=user, agency=agency, must_change_password=False)
    return user


def save_unchanged(client, url, form_id):
    """Open the page and save its form as a browser would, changing nothing."""
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, posted(page.content.decode(), form_id))
    assert response.status_code == 302, response.context and response.content.decode()[:3000]
    return response


def judged(findings):
    """(code, location, message) of engine findings or of parse_report's JSON ones."""
    return [
        (f["code"], cell_key(f["table"], f["row"], f["column"]) if f["table"] else f.get("field"), f["message"])
        if isinstance(f, dict) else (f.code, f.location, f.message)
        for f in findings
    ]


@pytest.mark.parametrize("kind", list(FORMATS))
@pytest.mark.parametrize("number", range(5))
def test_every_path_gives_one_verdict_and_saving_unchanged_changes_nothing(client, superuser, tmp_path, number,
                                                                           kind):  # fmt: skip
    """Import, preview, parse_report, the agency's form, the admin's form and validate_reports."""
    name, data = rendered(number, kind)
    report = import_bytes(data, name, OPERATOR).report
    imported = stored(report)
    assert judged(preview_shape(parse_or_error(data, name), name, superuser).findings) == imported["findings"]
    (tmp_path / name).write_bytes(data)
    out = StringIO()
    call_command("parse_report", str(tmp_path / name), "--json", stdout=out)
    assert judged(json.loads(out.getvalue())["findings"]) == imported["findings"]

    client.force_login(clerk_of(report.agency))
    save_unchanged(client, reverse("reports:edit", args=[report.pk]), "report-form")
    assert stored(report) == imported
    client.force_login(superuser)
    save_unchanged(client, reverse("admin:reports_annualreport_change", args=[report.pk]), "annualreport_form")
    assert stored(report) == imported
    assert AnnualReport.objects.get(pk=report.pk).revisions.count() == 3
    call_command("validate_reports", stdout=StringIO())
    assert stored(report) == imported


def test_huluan_2023_keeps_its_own_totals(client, seeds):
    """Seed 002 breaks its own accounting (表三「本机关不掌握」行: 自然人 8, 总计 0): saved unchanged,
    its 总计 cells stay as published and its findings stay E8 and E9, never E7."""
    report = seeds[2]
    client.force_login(clerk_of(report.agency))
    save_unchanged(client, reverse("reports:edit", args=[report.pk]), "report-form")
    report = AnnualReport.objects.with_sections().get(pk=report.pk)
    applications = report.to_shape().applications
    assert applications["unable_not_held"]["total"] == 0 and applications["total_processed"]["total"] == 0
    assert sorted(report.findings.values_list("code", "location")) == [
        ("E8", "applications__total_processed__natural_person"),
        ("E9", "applications__unable_not_held__total"),
    ]
    assert report.revisions.first().data["applications"] == report.revisions.last().data["applications"]


def test_a_report_added_in_the_admin_begins_with_every_cell_to_fill_in(client, superuser, seeds):
    client.force_login(superuser)
    url = reverse("admin:reports_annualreport_add")
    data = posted(client.get(url).content.decode(), "annualreport_form")
    assert data["applications__granted__natural_person"] == "" and "—" not in data.values()
    data.update(agency=str(seeds[0].agency.pk), year="2024", title="", overall="", other="")
    assert client.post(url, data).status_code == 302
    report = AnnualReport.objects.get(agency=seeds[0].agency, year=2024)
    left = len(v.format_cells(report.format_version))
    assert report.findings.get(code="E14").message.startswith(f"尚有 {left} 格未填写")
    assert not report.findings.filter(code="W1").exists()
