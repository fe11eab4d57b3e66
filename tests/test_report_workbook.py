"""One report as an .xlsx (as on paper) and the fill-in template: layout, protection, round trip."""
import io
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from django.contrib.auth.models import User
from django.urls import reverse

from reports import vocabulary as v
from reports.exporters.report_workbook import MARKER, MARKER_SHEET, SHEET, positions, write_report_workbook
from reports.exporters.word import write_docx
from reports.models import AnnualReport
from reports.models.annual_report import opening_shape
from reports.parsers import ParseError, parse_bytes, parse_file
from reports.rules.engine import evaluate
from reports.rules.shape import ReportShape, empty_facts
from tests.conftest import SEEDS, make_user

DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"
SOURCES = sorted(SEEDS.glob("*.txt")) + [DOCUMENTS / "2019_format_yuanping_2020.txt"]
STORED = ("agency", "year", "format_version", "sections", "active", "active_2019", "applications", "review_litigation")


def book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("fill_in", [False, True], ids=["report", "template"])
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_report_round_trips_exactly(path, fill_in):
    shape = parse_file(path)
    read = parse_bytes(write_report_workbook(shape, fill_in=fill_in), "年报.xlsx")
    assert {k: getattr(read, k) for k in STORED} == {k: getattr(shape, k) for k in STORED}
    assert not read.facts["invalid_cells"]
    # The same figures, the same findings; what only the source document showed (headings it
    # misspelt, its title) is not in the workbook, whose layout is always the official one: the
    # cells of a column it lacked come back empty, to be filled in (E14 instead of E3).
    lacked = [key for key in v.format_cells(shape.format_version) if shape.is_missing(*v.CELL_BY_KEY[key])]
    assert read.facts["unfilled"] == lacked
    shape.facts = {**empty_facts(), "unfilled": lacked}
    assert evaluate(read) == evaluate(shape)


def test_the_sheet_is_laid_out_as_on_paper():
    shape = parse_file(next(SEEDS.glob("000_*.txt")))
    sheet = book(write_report_workbook(shape))[SHEET]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts[0] == f"{shape.agency}{shape.year}年政府信息公开工作年度报告"
    assert [t for t in texts if t in {v.heading(s.key) for s in v.SECTIONS}] == [v.heading(s.key) for s in v.SECTIONS]
    ranges = {sheet[str(r).split(":")[0]].value: r for r in sheet.merged_cells.ranges}
    group = ranges[v.APPLICANT_GROUP_LABEL]
    assert (group.max_col - group.min_col + 1, group.max_row - group.min_row + 1) == (7, 1)
    legal = ranges[v.LEGAL_PERSON_GROUP_LABEL]
    assert (legal.max_col - legal.min_col + 1) == 5 and legal.min_row == group.min_row + 1
    litigation = ranges[v.LITIGATION_LABEL]
    assert (litigation.max_col - litigation.min_col + 1) == 10
    place = positions("2021")["applications__unable_not_held__total"]
    assert sheet.cell(place.row, place.column).value == shape.applications["unable_not_held"]["total"]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.fitToWidth == 1


def test_the_template_locks_labels_validates_data_and_carries_its_format():
    shape = parse_file(next(SEEDS.glob("000_*.txt")))
    workbook = book(write_report_workbook(shape, fill_in=True))
    sheet, marker = workbook[SHEET], workbook[MARKER_SHEET]
    assert marker.sheet_state == "veryHidden" and [marker["A1"].value, marker["B1"].value] == [MARKER, "2021"]
    assert sheet.protection.sheet
    places = positions("2021")
    for key, place in places.items():
        assert not sheet.cell(place.row, place.column).protection.locked, key
    assert sheet["A2"].value == "机关名称" and sheet["A2"].protection.locked
    checks = {}
    for check in sheet.data_validations.dataValidation:
        for cell_range in check.sqref.ranges:
            for row in range(cell_range.min_row, cell_range.max_row + 1):
                for column in range(cell_range.min_col, cell_range.max_col + 1):
                    checks[(row, column)] = (check.type, check.formula1)
    received = places["applications__new_received__natural_person"]
    fees = places["active__fees"]
    assert checks[(received.row, received.column)] == ("whole", "0")
    assert checks[(fees.row, fees.column)] == ("decimal", "0")
    assert sheet.cell(fees.row, fees.column).number_format == "#,##0.0000"


def test_what_a_clerk_types_is_read_back_as_typed():
    template = book(write_report_workbook(ReportShape(agency="测试局", year=2024), fill_in=True))
    sheet, places = template[SHEET], positions("2021")

    def put(key, value):
        sheet.cell(places[key].row, places[key].column).value = value

    put("agency", "吴忠市利通区卫生健康局")
    put("active__fees", 12.3456)
    put("applications__new_received__natural_person", 7)
    put("applications__new_received__total", "无")  # a blank marker, as on paper
    put("applications__granted__total", "七")  # not a number: kept for E6
    put("problems", "问题一\n\n问题二")
    out = io.BytesIO()
    template.save(out)
    shape = parse_bytes(out.getvalue(), "模板.xlsx")
    assert (shape.agency, shape.year, shape.format_version) == ("吴忠市利通区卫生健康局", 2024, "2021")
    assert shape.active["fees"] == Decimal("12.3456")
    assert shape.applications["new_received"]["natural_person"] == 7
    assert shape.applications["new_received"]["total"] is None
    assert shape.facts["invalid_cells"] == {"applications__granted__total": "七"}
    assert "E6" in {f.code for f in evaluate(shape)}
    assert shape.sections["problems"] == ["问题一", "问题二"]


def test_control_characters_stored_in_a_report_never_break_a_download():
    shape = ReportShape(agency="测试\x08局", year=2024)
    shape.sections["overall"] = "第一段\x0b\x00第二段"
    shape.sections["problems"] = ["问题\x1f"]
    read = parse_bytes(write_report_workbook(shape, fill_in=True), "t.xlsx")
    assert (read.agency, read.sections["overall"], read.sections["problems"]) == ("测试局", "第一段第二段", ["问题"])
    assert parse_bytes(write_docx(shape), "t.docx").sections["overall"] == "第一段第二段"


@pytest.mark.parametrize("fill_in", [False, True], ids=["report", "template"])
@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","点我")', "=1+1局", "+1+1局", "-1+1局", "@SUM(A1)局"])
def test_text_that_looks_like_a_formula_stays_text(name, fill_in):
    shape = ReportShape(agency=name, year=2024)
    shape.sections["overall"] = "=1+1"
    shape.sections["problems"] = ["@问题", "-问题"]
    data = write_report_workbook(shape, fill_in=fill_in)
    sheet = book(data)[SHEET]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet["A1"].value == f"{name}2024年政府信息公开工作年度报告"  # the title
    read = parse_bytes(data, "t.xlsx")
    assert (read.agency, read.sections["overall"], read.sections["problems"]) == (name, "=1+1", ["@问题", "-问题"])


def test_a_2019_template_has_the_trial_formats_table_two():
    shape = parse_file(DOCUMENTS / "2019_format_yuanping_2020.txt")
    workbook = book(write_report_workbook(shape, fill_in=True))
    assert workbook[MARKER_SHEET]["B1"].value == "2019"
    texts = {c.value for row in workbook[SHEET].iter_rows() for c in row}
    assert {c.label for c in (v.MADE, v.PROCUREMENT_ITEMS)} <= texts and "本年制发件数" not in texts


def test_a_workbook_claiming_an_unknown_format_is_read_as_any_workbook():
    shape = parse_file(next(SEEDS.glob("000_*.txt")))
    workbook = book(write_report_workbook(shape))
    workbook[MARKER_SHEET]["B1"] = "1999"
    out = io.BytesIO()
    workbook.save(out)
    read = parse_bytes(out.getvalue(), "年报.xlsx")  # the generic reader finds the tables by their labels
    assert read.applications == shape.applications


def test_the_opening_template_carries_last_years_carry_forward(seeds):
    report = seeds[0]
    shape = opening_shape(report.agency, report.year + 1)
    workbook = book(write_report_workbook(shape, fill_in=True))
    carried = report.to_shape().applications["carried_forward"]
    place = positions("2021")["applications__carried_over__total"]
    assert workbook[SHEET].cell(place.row, place.column).value == carried["total"]
    assert parse_bytes(write_report_workbook(shape, fill_in=True), "t.xlsx").applications["carried_over"] == carried


@pytest.mark.parametrize("kind, suffix", [("xlsx", ".xlsx"), ("template", "（填报模板）.xlsx"), ("docx", ".docx")])
def test_downloads_are_scoped_to_who_may_see_the_report(demo, client, kind, suffix):
    report = AnnualReport.objects.get(agency__name="吴忠市利通区卫生健康局", year=2023)
    url = reverse("reports:download", args=[report.pk, kind])
    client.force_login(make_user("outsider", "填报员"))
    assert client.get(url).status_code == 404
    client.force_login(User.objects.get(username="litong"))
    response = client.get(url)
    assert response.status_code == 200
    name = f"{report.agency.name}{report.year}年政府信息公开工作年度报告{suffix}"
    assert quote(name) in response.headers["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert parse_bytes(data, f"x{suffix[-5:]}").applications == report.to_shape().applications


def test_the_blank_template_of_a_clerk_names_their_agency(demo, client):
    report = AnnualReport.objects.get(agency__name="吴忠市利通区卫生健康局", year=2023)
    client.force_login(User.objects.get(username="litong"))
    response = client.get(reverse("reports:template"), {"year": "2024"})
    shape = parse_bytes(b"".join(response.streaming_content), "t.xlsx")
    assert (shape.agency, shape.year) == (report.agency.name, 2024)
    assert shape.applications["carried_over"] == report.to_shape().applications["carried_forward"]
    assert client.get(reverse("reports:template"), {"year": "abc"}).status_code == 200  # the default year


KEYS = sorted(positions("2021"))
TYPED = st.one_of(
    st.none(), st.integers(min_value=-(2**63), max_value=2**63), st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40), st.booleans(), st.dates(),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), TYPED, max_size=12), st.integers(min_value=0, max_value=4000))
def test_anything_typed_into_a_template_parses_or_refuses(typed, cut):
    """Whatever a clerk (or a tool) puts in the cells, and however the file is cut short: a
    report or a clear ParseError, never a crash."""
    workbook = book(write_report_workbook(ReportShape(agency="测试局", year=2024), fill_in=True))
    places = positions("2021")
    for key, value in typed.items():
        workbook[SHEET].cell(places[key].row, places[key].column).value = value
    out = io.BytesIO()
    workbook.save(out)
    for data in (out.getvalue(), out.getvalue()[: len(out.getvalue()) - cut]):
        try:
            shape = parse_bytes(data, "t.xlsx")
        except ParseError as exc:
            assert str(exc)
        else:
            shape.to_json(evaluate(shape))
