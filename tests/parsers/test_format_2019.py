"""The 2019 trial format: recognised, kept in its own table-二 fields, never forced into 2021's."""
from decimal import Decimal
from pathlib import Path

import pytest

from reports.models.agency import OPERATOR
from reports.importing import import_bytes
from reports.models import ActiveDisclosure, ActiveDisclosure2019, AnnualReport
from reports.parsers import parse_bytes, parse_file
from reports.rules.engine import evaluate

from ..fixtures.render import WRITERS
from .test_formats import comparable

DOCUMENT = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "2019_format_yuanping_2020.txt"
EXPECTED_ACTIVE = {
    "regulations": {"made": 0, "published": 0, "total_public": 0},
    "normative_documents": {"made": 2, "published": 2, "total_public": 15},
    "licensing": {"previous_items": 10, "change": -2, "decisions": 55},
    "other_services": {"previous_items": 0, "change": 0, "decisions": 0},
    "penalty": {"previous_items": 4, "change": 1, "decisions": 13},
    "enforcement": {"previous_items": 0, "change": 0, "decisions": 0},
    "fees": {"previous_items": 3, "change": 0},
    "procurement": {"items": 5, "amount": Decimal("120.5")},
}


def test_2019_report_is_read_into_its_own_fields():
    shape = parse_file(DOCUMENT)
    assert (shape.format_version, shape.year, shape.agency) == ("2019", 2020, "原平市卫生健康局")
    assert shape.active_2019 == EXPECTED_ACTIVE
    assert all(value is None for value in shape.active.values() if not isinstance(value, dict))
    assert shape.applications["other_other"]["total"] == 0  # （六）其他处理, one row in 2019
    assert evaluate(shape) == []  # no E3 for 2021-only rows, no W1 for 2021's table 二, no E6 for -2


def test_json_carries_table_two_under_active_2019():
    data = parse_file(DOCUMENT).to_json()
    assert "active" not in data and data["active_2019"]["procurement"] == {"items": 5, "amount": "120.5"}
    assert "other_no_correction" in data["applications"]  # the matrix keeps its keys; they stay null


def test_format_must_match_the_year():
    late = DOCUMENT.read_text().replace("2020", "2022").replace("2021年1月22日", "2023年1月22日")
    findings = evaluate(parse_bytes(late.encode(), "x.txt"))
    assert [(f.code, f.field) for f in findings] == [("E2", "format_version")]
    assert "报告年度为2022年" in findings[0].message and "2019年试行格式" in findings[0].message
    from ..conftest import seed

    early = seed(1).read_text().replace("2022", "2020")
    assert "E2" in {f.code for f in evaluate(parse_bytes(early.encode(), "y.txt"))}


def test_only_the_signed_change_may_be_negative():
    text = DOCUMENT.read_text().replace("行政许可\t10\t-2\t55", "行政许可\t10\t-2\t-55")
    findings = evaluate(parse_bytes(text.encode(), "x.txt"))
    assert [(f.code, f.table, f.row, f.column) for f in findings] == [("E6", "active_2019", "licensing", "decisions")]


def test_stored_in_its_own_model(db):
    outcome = import_bytes(DOCUMENT.read_bytes(), DOCUMENT.name, OPERATOR)
    report = AnnualReport.objects.with_sections().get(pk=outcome.report.pk)
    assert report.format_version == "2019"
    assert ActiveDisclosure2019.objects.get(report=report).licensing_change == -2
    assert not ActiveDisclosure.objects.filter(report=report).exists()
    assert report.to_shape().active_2019 == EXPECTED_ACTIVE


def test_admin_lays_out_the_2019_table(client, superuser):
    client.force_login(superuser)
    report = import_bytes(DOCUMENT.read_bytes(), DOCUMENT.name, OPERATOR).report
    html = client.get(f"/admin/reports/annualreport/{report.pk}/change/").content.decode()
    for label in ("本年新制作数量", "上一年项目数量", "本年增/减", "政府集中采购", "采购总金额"):
        assert label in html
    assert 'name="active_2019__licensing__change" value="-2"' in html
    assert "本年制发件数" not in html


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_2019_report_in_every_format(suffix):
    text = parse_file(DOCUMENT)
    rendered = parse_bytes(WRITERS[suffix](text), "r" + suffix)
    assert rendered.format_version == "2019"
    assert comparable(rendered) == comparable(text) and rendered.active_2019 == EXPECTED_ACTIVE


def test_a_2019_row_that_text_cannot_settle_is_reported():
    """2019's 表三 is a table of its own (（六）其他处理 one row): its rows left blank by the
    recovery stage are E15 as 2021's are (they were blank without a finding)."""
    from reports.rules.shape import ReportShape

    shape = ReportShape(format_version="2019")
    shape.facts["unrecovered"] = {"applications__granted": "(一)予以公开120020014"}
    hits = [f for f in evaluate(shape) if f.code == "E15"]
    assert [(f.table, f.row) for f in hits] == [("applications", "granted")]
