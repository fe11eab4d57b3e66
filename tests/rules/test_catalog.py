"""The rule catalogue (spec §5), rule by rule: a passing and a failing report shape for each.

Every test starts from one fully consistent, all-zero 2021 report (no findings at all) and
changes one thing, then asserts on the finding's code, its location (cell or field), the cells
it marks and the official labels and numbers its message quotes.
"""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports import vocabulary as v
from reports.choices import Severity
from reports.rules import catalog  # noqa: F401  (registers the rules)
from reports.rules.engine import RULES, Finding, evaluate, validation_error
from reports.rules.shape import ReportShape

APP = "applications"
REVIEW = "review_litigation"
ACTIVE = "active"
CATALOGUE = {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10", "E14", "W1", "W3", "W5", "W6", "W8", "W9", "W10", "W11", "E11", "W12", "E13", "W13", "W15", "W18", "W16", "W17", "W19", "I1", "E15", "I2"}


# -- factory and helpers ------------------------------------------------------------------------


def consistent_report():
    """A fully consistent 2021 report: every official cell 0, fees Decimal("0"), all facts empty."""
    shape = ReportShape(agency="吴忠市利通区卫生健康局", year=2021, format_version="2021")
    shape.sections = {
        "overall": "2021年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，做好主动公开、依申请公开、"
        "政府信息管理、政府信息公开平台建设和监督保障各项工作。",
        "problems": ["政策解读形式较为单一。"],
        "improvements": ["丰富政策解读形式。"],
        "other": "本年度未收取信息处理费。",
    }
    for table in v.TABLES:
        for row, column in table.cells():
            value = Decimal("0") if row.decimal else 0
            shape.set_cell(table.key, row.key, column and column.key, value)
    return shape


def lack(shape, rows=None, columns=None):
    """The shape of a document that lacks these official rows and columns ({table: [keys]}): the
    facts say so, and their cells are blank, as nothing could be read into them."""
    for kind, lacking in (("missing_rows", rows or {}), ("missing_columns", columns or {})):
        shape.facts[kind] = lacking
        for table_key, keys in lacking.items():
            for row, column in v.TABLE_BY_KEY[table_key].cells():
                if (row.key if kind == "missing_rows" else column and column.key) in keys:
                    shape.set_cell(table_key, row.key, column and column.key, None)
    return shape


def states(shape, title=None, period=None, body=None, signature=None):
    """The shape of a document whose title states agency `title[0]` and year `title[1]`, whose
    preamble gives the statistical period of year `period` and names agency `body` for contact,
    and which is signed by `signature` (what rules.facts reads E4's and E5's facts from)."""
    if title:
        shape.facts["title"] = f"{title[0] or ''}{title[1] or ''}年政府信息公开工作年度报告"
    preamble = []
    if period:
        preamble.append(f"本报告中所列数据的统计期限自{period}年1月1日起至{period}年12月31日止。")
    if body:
        preamble.append(f"如对本报告有疑问，请与{body}联系。")
    shape.facts["preamble"] = "".join(preamble)
    shape.facts["agency_names"] = {"signature": signature} if signature else {}
    return shape


def only(shape, code):
    """The findings of one rule."""
    findings = evaluate(shape, codes={code})
    assert all(f.code == code for f in findings)
    return findings


def single(shape, code):
    findings = only(shape, code)
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


def at(finding):
    return (finding.table, finding.row, finding.column)


def row_label(row):
    return v.APPLICATIONS.row_by_key[row].label


def column_label(column):
    return v.APPLICATIONS.column_by_key[column].label


# -- the catalogue as a whole --------------------------------------------------------------------


def test_catalogue_has_exactly_the_tested_rules():
    # A rule added to or dropped from catalog.py must come with (or lose) its tests here.
    assert set(RULES) == CATALOGUE


def test_consistent_report_has_no_findings_at_all():
    assert evaluate(consistent_report()) == []


def test_factory_fills_every_official_cell_with_zero():
    shape = consistent_report()
    for table in v.TABLES:
        for row, column in table.cells():
            value = shape.cell(table.key, row.key, column and column.key)
            assert value == 0 and value is not None
    assert shape.active["fees"] == Decimal("0") and isinstance(shape.active["fees"], Decimal)
    assert all(not fact for fact in shape.facts.values())


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_consistent_report_passes_each_rule(code):
    assert evaluate(consistent_report(), codes={code}) == []


def test_consistent_report_with_real_numbers_has_no_findings():
    """A non-trivial but consistent report (passing shape for every accounting rule at once)."""
    shape = consistent_report()
    a = shape.applications
    a["new_received"].update(natural_person=5, commercial=2, research=0, total=7)
    a["carried_over"].update(natural_person=1, total=1)
    a["granted"].update(natural_person=3, commercial=1, total=4)
    a["unable_not_held"].update(natural_person=2, total=2)
    a["other_other"].update(commercial=1, total=1)
    a["total_processed"].update(natural_person=5, commercial=2, total=7)
    a["carried_forward"].update(natural_person=1, total=1)
    shape.review_litigation["reconsideration"].update(upheld=1, corrected=1, pending=1, total=3)
    shape.active["regulations"].update(issued=2, repealed=1, in_force=5)
    shape.active["penalty"] = 13
    shape.active["fees"] = Decimal("1.25")
    assert evaluate(shape) == []


def test_findings_are_ordered_errors_warnings_info():
    shape = consistent_report()
    shape.facts["extra_rows"] = {APP: ["「（八）其他」行"]}
    shape.applications["granted"]["research"] = None  # W1
    shape.sections["other"] = ""  # E1
    severities = [f.severity for f in evaluate(shape)]
    assert severities == [Severity.ERROR, Severity.WARNING, Severity.INFO]


# -- E1 six sections ---------------------------------------------------------------------------


def without(shape, section):
    """The shape without section `section` (a text section empty, 五 with no item, a table of which
    no official row was found)."""
    tables = {t.number: t for t in v.tables_for(shape.format_version)}
    if section.number in tables:
        return lack(shape, rows={tables[section.number].key: [r.key for r in tables[section.number].rows]})
    if section.key == "problems":
        shape.sections["problems"], shape.sections["improvements"] = [], []
    else:
        shape.sections[section.key] = ""
    return shape


@pytest.mark.parametrize("section", v.SECTIONS, ids=lambda s: s.key)
def test_e1_missing_section(section):
    shape = without(consistent_report(), section)
    finding = single(shape, "E1")
    assert finding.severity == Severity.ERROR
    assert finding.field == section.key
    assert at(finding) == (None, None, None)
    assert f"第{section.number}部分" in finding.message
    assert f"「{section.label}」" in finding.message


def test_e1_one_finding_per_missing_section():
    shape = consistent_report()
    for key in ("problems", "other"):
        without(shape, v.SECTION_BY_KEY[key])
    assert [f.field for f in only(shape, "E1")] == ["problems", "other"]


def test_e1_five_is_there_with_a_problem_or_a_measure_alone():
    shape = consistent_report()
    shape.sections["improvements"] = []
    assert only(shape, "E1") == []
    shape.sections["problems"], shape.sections["improvements"] = [], ["丰富政策解读形式。"]
    assert only(shape, "E1") == []


def test_e1_a_table_with_some_official_rows_is_there():
    # A table lacking a row is E3's business; the section is missing only when none was found.
    shape = lack(consistent_report(), rows={APP: [r.key for r in v.APPLICATIONS.rows][1:]})
    assert only(shape, "E1") == []
    assert len(only(shape, "E3")) == len(v.APPLICATIONS.rows) - 1


def test_e1_passes_when_all_sections_present():
    assert only(consistent_report(), "E1") == []


# -- E3 official rows and columns ----------------------------------------------------------------


def test_e3_missing_row_of_table_three():
    shape = consistent_report()
    lack(shape, rows={APP: ["total_processed"]})
    for column in v.APPLICANT_KEYS:
        shape.applications["total_processed"][column] = None
    finding = single(shape, "E3")
    assert finding.severity == Severity.ERROR
    assert at(finding) == (APP, "total_processed", None)
    assert finding.cells == [(APP, "total_processed", None)]
    assert "表三" in finding.message
    assert "行「（七）总计」" in finding.message


def test_e3_missing_row_of_table_four():
    shape = consistent_report()
    lack(shape, rows={REVIEW: ["litigation_direct"]})
    finding = single(shape, "E3")
    assert at(finding) == (REVIEW, "litigation_direct", None)
    assert "表四" in finding.message and "「未经复议直接起诉」" in finding.message


def test_e3_missing_row_of_table_two():
    shape = consistent_report()
    lack(shape, rows={ACTIVE: ["fees"]})
    shape.active["fees"] = None
    finding = single(shape, "E3")
    assert at(finding) == (ACTIVE, "fees", None)
    assert "表二" in finding.message and "「行政事业性收费」" in finding.message


def test_e3_missing_column_of_table_three_marks_the_whole_column():
    shape = consistent_report()
    lack(shape, columns={APP: ["legal_service"]})
    for row in v.APPLICATION_KEYS:
        shape.applications[row]["legal_service"] = None
    finding = single(shape, "E3")
    assert at(finding) == (APP, None, "legal_service")
    assert finding.cells == [(APP, None, "legal_service")] + [
        (APP, row, "legal_service") for row in v.APPLICATION_KEYS
    ]
    assert "表三" in finding.message and "列「法律服务机构」" in finding.message


def test_e3_missing_column_of_table_four():
    shape = consistent_report()
    lack(shape, columns={REVIEW: ["pending"]})
    finding = single(shape, "E3")
    assert at(finding) == (REVIEW, None, "pending")
    assert finding.cells == [(REVIEW, None, "pending")] + [
        (REVIEW, group, "pending") for group in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
    ]
    assert "表四" in finding.message and "列「尚未审结」" in finding.message


def test_e3_missing_column_of_table_two_marks_only_cells_that_exist():
    # 现行有效件数 is a column of the two document rows only; licensing…fees have no such cell.
    shape = consistent_report()
    lack(shape, columns={ACTIVE: ["in_force"]})
    for row in ("regulations", "normative_documents"):
        shape.active[row]["in_force"] = None
    finding = single(shape, "E3")
    assert at(finding) == (ACTIVE, None, "in_force")
    assert "表二" in finding.message and "列「现行有效件数」" in finding.message
    assert finding.cells == [
        (ACTIVE, None, "in_force"),
        (ACTIVE, "regulations", "in_force"),
        (ACTIVE, "normative_documents", "in_force"),
    ]


def test_e3_one_finding_per_missing_row_and_column():
    shape = consistent_report()
    lack(shape, rows={APP: ["carried_over", "carried_forward"]}, columns={APP: ["research"], REVIEW: ["other"]})
    assert [at(f) for f in only(shape, "E3")] == [
        (APP, "carried_over", None),
        (APP, "carried_forward", None),
        (APP, None, "research"),
        (REVIEW, None, "other"),
    ]


def test_e3_passes_when_all_rows_and_columns_present():
    assert only(consistent_report(), "E3") == []


# -- E2 format version ------------------------------------------------------------------------


def test_e2_2021_tables_in_a_2020_report():
    shape = consistent_report()
    shape.year = 2020
    finding = single(shape, "E2")
    assert (finding.field, finding.severity) == ("format_version", Severity.ERROR)
    assert "报告年度为2020年" in finding.message and "2019年试行格式" in finding.message


@pytest.mark.parametrize("year, version", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2024, "2021")])
def test_e2_passes_when_the_format_fits_the_year(year, version):
    shape = consistent_report()
    shape.year, shape.format_version = year, version
    assert only(shape, "E2") == []


# -- E4 year ------------------------------------------------------------------------------------


def test_e4_title_and_period_disagree():
    shape = states(consistent_report(), title=(None, 2023), period=2022)
    finding = single(shape, "E4")
    assert finding.severity == Severity.ERROR
    assert finding.field == "year"
    assert at(finding) == (None, None, None)
    assert "标题「2023」" in finding.message
    assert "统计期限「2022」" in finding.message


def test_e4_report_year_disagrees_with_the_document():
    # Filed (or edited) as 2021 while the document says 2023 in title and period.
    shape = states(consistent_report(), title=(None, 2023), period=2023)
    finding = single(shape, "E4")
    assert finding.field == "year"
    assert "报告年度「2021」" in finding.message and "标题「2023」" in finding.message


@pytest.mark.parametrize(
    "title, period",
    [
        (2021, 2021),
        (2021, None),  # a source that states no year is not a disagreement
        (None, 2021),
        (None, None),  # a document that states no year at all: the filed year stands alone
    ],
)
def test_e4_passes_when_years_agree(title, period):
    shape = states(consistent_report(), title=title and ("吴忠市利通区卫生健康局", title), period=period)
    assert only(shape, "E4") == []


def test_e4_follows_the_title_as_it_now_reads():
    # What a report states is read from its texts whenever it is judged: a corrected title ends it.
    shape = states(consistent_report(), title=("吴忠市利通区卫生健康局", 2023))
    assert single(shape, "E4").field == "year"
    shape.facts["title"] = "吴忠市利通区卫生健康局2021年政府信息公开工作年度报告"
    assert only(shape, "E4") == []


def test_e4_title_and_period_disagree_without_a_filed_year():
    shape = states(consistent_report(), title=(None, 2023), period=2022)
    shape.year = None
    assert single(shape, "E4").field == "year"


# -- E5 agency name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        {"title": "利通区卫生健康局", "body": "吴忠市利通区卫生健康局"},
        {"title": "吴忠市利通区卫生健康局", "body": "利通区卫生健康局"},
        {"title": "吴忠市利通区卫生健康局", "body": "吴忠市利通区卫生健康局", "signature": "利通区卫生健康局"},
        {"body": "吴忠市利通区卫生健康局"},
    ],
)
def test_e5_passes_for_same_agency_with_or_without_city_prefix(names):
    title = names.get("title")
    shape = states(consistent_report(), title=title and (title, 2021), body=names["body"],
                   signature=names.get("signature"))  # fmt: skip
    assert evaluate(shape) == [] and shape.facts["agency_names"] == names


def test_e5_title_and_body_name_different_agencies():
    shape = states(consistent_report(), title=("吴忠市利通区卫生健康局", 2021), body="吴忠市红寺堡区卫生健康局")
    finding = single(shape, "E5")
    assert finding.severity == Severity.ERROR
    assert finding.field == "agency"
    assert at(finding) == (None, None, None)
    assert "标题「吴忠市利通区卫生健康局」" in finding.message
    assert "正文「吴忠市红寺堡区卫生健康局」" in finding.message


def test_e5_signature_names_a_different_agency():
    shape = states(consistent_report(), title=("利通区卫生健康局", 2021), body="吴忠市利通区卫生健康局",
                   signature="吴忠市利通区民政局")  # fmt: skip
    finding = single(shape, "E5")
    assert finding.field == "agency"
    assert "落款「吴忠市利通区民政局」" in finding.message


def test_e5_body_and_signature_disagree_even_if_each_extends_the_title():
    # 利通区卫生健康局 and 红寺堡区卫生健康局 are two agencies; that both end with a stated
    # 卫生健康局 must not hide it (every pair of names must agree, not just each with the first).
    # (A name without its place is never read from a document, so the pairing is asked directly.)
    stated = {"title": "卫生健康局", "body": "利通区卫生健康局", "signature": "红寺堡区卫生健康局"}
    details = catalog._disagreement(stated, catalog.same_reporter)
    assert "正文「利通区卫生健康局」" in details and "落款「红寺堡区卫生健康局」" in details


# -- E6 valid numbers ---------------------------------------------------------------------------


def test_e6_negative_count():
    shape = consistent_report()
    shape.applications["granted"]["natural_person"] = -1
    finding = single(shape, "E6")
    assert finding.severity == Severity.ERROR
    assert at(finding) == (APP, "granted", "natural_person")
    assert finding.cells == [(APP, "granted", "natural_person")]
    assert "「（一）予以公开」行「自然人」列" in finding.message
    assert "「-1」" in finding.message
    assert "非负整数" in finding.message


def test_e6_negative_count_in_table_four():
    shape = consistent_report()
    shape.review_litigation["litigation_after_reconsideration"]["pending"] = -2
    finding = single(shape, "E6")
    assert at(finding) == (REVIEW, "litigation_after_reconsideration", "pending")
    assert "表四「复议后起诉」行「尚未审结」列" in finding.message and "「-2」" in finding.message


def test_e6_negative_count_in_table_two():
    shape = consistent_report()
    shape.active["normative_documents"]["repealed"] = -3
    finding = single(shape, "E6")
    assert at(finding) == (ACTIVE, "normative_documents", "repealed")
    assert "「行政规范性文件」行「本年废止件数」列" in finding.message and "「-3」" in finding.message


def test_e6_negative_fees():
    shape = consistent_report()
    shape.active["fees"] = Decimal("-0.5")
    finding = single(shape, "E6")
    assert at(finding) == (ACTIVE, "fees", None)
    assert "「行政事业性收费」" in finding.message
    assert "「-0.5」" in finding.message
    assert "非负金额（万元）" in finding.message


def test_e6_invalid_text_in_a_count_cell():
    shape = consistent_report()
    key = v.cell_key(APP, "granted", "natural_person")
    assert key == "applications__granted__natural_person"
    shape.applications["granted"]["natural_person"] = None
    shape.facts["invalid_cells"] = {key: "若干"}
    finding = single(shape, "E6")
    assert at(finding) == (APP, "granted", "natural_person")
    assert finding.location == key
    assert "「（一）予以公开」行「自然人」列" in finding.message
    assert "「若干」" in finding.message and "非负整数" in finding.message


def test_e6_invalid_text_in_the_fees_cell():
    shape = consistent_report()
    shape.active["fees"] = None
    shape.facts["invalid_cells"] = {v.cell_key(ACTIVE, "fees"): "见附件"}
    finding = single(shape, "E6")
    assert at(finding) == (ACTIVE, "fees", None)
    assert "「见附件」" in finding.message and "非负金额（万元）" in finding.message


@pytest.mark.parametrize(
    "table, row, column, text, expected",
    [
        (APP, "granted", "natural_person", "3.5", "，应为非负整数。"),
        (APP, "granted", "natural_person", "12345678901234567890", "，应为非负整数（不超过2147483647）。"),
        (ACTIVE, "fees", None, "1234567890.5", "，应为非负金额（万元）（整数部分至多9位，小数至多6位）。"),
        (ACTIVE, "fees", None, "0.1234567", "（整数部分至多9位，小数至多6位）"),
    ],
)
def test_e6_names_the_limit_a_number_too_long_for_its_cell_exceeds(table, row, column, text, expected):
    shape = consistent_report()
    shape.set_cell(table, row, column, None)
    shape.facts["invalid_cells"] = {v.cell_key(table, row, column): text}
    assert expected in single(shape, "E6").message


def test_e6_ends_when_the_cell_holds_a_value():
    # The text a document printed stands while the cell stays blank; a figure entered replaces it.
    shape = consistent_report()
    shape.facts["invalid_cells"] = {v.cell_key(APP, "granted", "natural_person"): "若干"}
    assert only(shape, "E6") == [] and shape.facts["invalid_cells"] == {}


@pytest.mark.parametrize("fees", [Decimal("0"), Decimal("0.00"), Decimal("12.5")])
def test_e6_passes_for_non_negative_values(fees):
    shape = consistent_report()
    shape.active["fees"] = fees
    shape.active["penalty"] = 13
    shape.applications["granted"]["natural_person"] = 4
    assert only(shape, "E6") == []


def test_e6_ignores_blank_cells():
    shape = consistent_report()
    shape.applications["granted"]["natural_person"] = None
    shape.active["fees"] = None
    assert only(shape, "E6") == []


# -- W1 blank cells -----------------------------------------------------------------------------


def test_w1_blank_count_cell():
    shape = consistent_report()
    shape.applications["unable_not_held"]["research"] = None
    finding = single(shape, "W1")
    assert finding.severity == Severity.WARNING
    assert at(finding) == (APP, "unable_not_held", "research")
    assert "「1.本机关不掌握相关政府信息」行「科研机构」列" in finding.message
    assert "按0计算" in finding.message


def test_w1_blank_single_value_cells_of_table_two():
    shape = consistent_report()
    shape.active["fees"] = None
    shape.active["normative_documents"]["in_force"] = None
    assert sorted(at(f) for f in only(shape, "W1")) == [
        (ACTIVE, "fees", None),
        (ACTIVE, "normative_documents", "in_force"),
    ]


def test_w1_every_blank_cell_is_reported():
    shape = consistent_report()
    shape.review_litigation["reconsideration"] = {c: None for c in v.RESULT_KEYS}
    assert [at(f) for f in only(shape, "W1")] == [(REVIEW, "reconsideration", c) for c in v.RESULT_KEYS]


def test_blank_cells_count_as_zero_in_sums():
    shape = consistent_report()
    a = shape.applications
    # Blank parts: 2 + blank + … = 2 = 总计.
    a["new_received"].update(natural_person=2, research=None, total=2)
    a["granted"].update(natural_person=2, commercial=None, total=2)
    a["total_processed"].update(natural_person=2, total=2)
    # Blank totals whose parts are all 0 agree with them.
    a["carried_over"]["total"] = None
    a["carried_forward"]["natural_person"] = None
    shape.review_litigation["litigation_direct"]["total"] = None
    shape.review_litigation["reconsideration"]["pending"] = None
    findings = evaluate(shape)
    assert {f.code for f in findings} == {"W1"}
    assert len(findings) == 6


def test_blank_total_with_nonzero_parts_reads_as_zero():
    shape = consistent_report()
    shape.applications["granted"].update(natural_person=3, total=None)
    finding = single(shape, "E9")
    assert at(finding) == (APP, "granted", "total")
    assert "「总计」列为0" in finding.message and "之和为3" in finding.message


def test_w1_not_for_cells_of_a_missing_row():
    shape = consistent_report()
    shape.applications["other_other"] = {c: None for c in v.APPLICANT_KEYS}
    assert len(only(shape, "W1")) == 7  # blank, so reported …
    lack(shape, rows={APP: ["other_other"]})
    assert only(shape, "W1") == []  # … unless the row is absent altogether (E3's business)
    assert [at(f) for f in only(shape, "E3")] == [(APP, "other_other", None)]


def test_w1_not_for_cells_of_a_missing_column():
    shape = consistent_report()
    for row in v.APPLICATION_KEYS:
        shape.applications[row]["social_welfare"] = None
    assert len(only(shape, "W1")) == len(v.APPLICATION_KEYS)
    lack(shape, columns={APP: ["social_welfare"]})
    assert only(shape, "W1") == []


def test_w1_not_for_a_missing_single_value_row_of_table_two():
    shape = consistent_report()
    shape.active["enforcement"] = None
    lack(shape, rows={ACTIVE: ["enforcement"]})
    assert only(shape, "W1") == []


def test_e14_cells_nobody_has_filled_in_are_one_line_not_a_w1_each():
    shape = consistent_report()
    unfilled = [v.cell_key(APP, r, c) for r in v.APPLICATION_KEYS for c in v.APPLICANT_KEYS]
    for key in unfilled:
        shape.set_cell(*v.CELL_BY_KEY[key], None)
    shape.facts["unfilled"] = unfilled
    finding = single(shape, "E14")
    assert (finding.severity, finding.field, finding.cells) == (Severity.ERROR, "tables", [])
    assert finding.message == f"尚有 {len(unfilled)} 格未填写：没有发生的填0，确实空白的填「—」。"
    assert only(shape, "W1") == []


def test_e14_counts_only_cells_still_empty():
    shape = consistent_report()
    shape.applications["granted"]["research"] = None
    shape.facts["unfilled"] = [v.cell_key(APP, "granted", "natural_person"), v.cell_key(APP, "granted", "research")]
    assert "尚有 1 格未填写" in single(shape, "E14").message  # natural_person holds 0: filled in
    assert shape.facts["unfilled"] == [v.cell_key(APP, "granted", "research")]
    shape.facts["unfilled"] = []  # left blank on purpose ("—"): a published blank
    assert only(shape, "E14") == [] and [at(f) for f in only(shape, "W1")] == [(APP, "granted", "research")]


def test_e14_not_for_cells_a_document_lacked_or_printed_text_in():
    shape = lack(consistent_report(), columns={APP: ["other"]})
    shape.applications["granted"]["research"] = None
    shape.facts["invalid_cells"] = {v.cell_key(APP, "granted", "research"): "若干"}
    shape.facts["unfilled"] = [v.cell_key(APP, "granted", c) for c in ("other", "research")]
    assert only(shape, "E14") == [] and shape.facts["unfilled"] == []


def test_w1_not_for_invalid_cells():
    shape = consistent_report()
    shape.applications["granted"]["natural_person"] = None
    shape.active["fees"] = None
    shape.facts["invalid_cells"] = {
        "applications__granted__natural_person": "若干",
        "active__fees": "见附件",
    }
    assert only(shape, "W1") == []
    assert sorted(at(f) for f in only(shape, "E6")) == [
        (ACTIVE, "fees", None),
        (APP, "granted", "natural_person"),
    ]


def test_w1_passes_when_no_cell_is_blank():
    assert only(consistent_report(), "W1") == []


# -- E7 新收 + 结转 = 办结 + 结转下年 (per column) --------------------------------------------------


@pytest.mark.parametrize("column", v.APPLICANT_KEYS)
def test_e7_unbalanced_column(column):
    shape = consistent_report()
    a = shape.applications
    a["new_received"][column] = 3
    a["carried_over"][column] = 0
    a["total_processed"][column] = 1
    a["carried_forward"][column] = 1
    finding = single(shape, "E7")
    assert finding.severity == Severity.ERROR
    assert at(finding) == (APP, "carried_forward", column)
    assert finding.cells == [
        (APP, "carried_forward", column),
        (APP, "new_received", column),
        (APP, "carried_over", column),
        (APP, "total_processed", column),
    ]
    message = finding.message
    assert f"「{column_label(column)}」列" in message
    assert "「一、本年新收政府信息公开申请数量」（3）" in message and "「二、上年结转政府信息公开申请数量」（0）" in message
    assert "为3" in message and "之和2" in message
    assert "「（七）总计」（1）" in message and "「四、结转下年度继续办理」（1）" in message


@pytest.mark.parametrize("column", v.APPLICANT_KEYS)
def test_e7_passes_for_balanced_column(column):
    shape = consistent_report()
    a = shape.applications
    a["new_received"][column] = 3
    a["carried_over"][column] = 1
    a["total_processed"][column] = 2
    a["carried_forward"][column] = 2
    assert only(shape, "E7") == []


def test_e7_one_finding_per_unbalanced_column():
    shape = consistent_report()
    shape.applications["new_received"].update(natural_person=1, total=1)
    assert [f.column for f in only(shape, "E7")] == ["natural_person", "total"]


@pytest.mark.parametrize("row", ["new_received", "carried_over", "total_processed", "carried_forward"])
def test_e7_skips_columns_when_one_of_its_rows_is_missing(row):
    shape = consistent_report()
    shape.applications["new_received"]["natural_person"] = 5  # unbalanced …
    lack(shape, rows={APP: [row]})
    shape.applications[row] = {c: None for c in v.APPLICANT_KEYS}
    assert only(shape, "E7") == []  # … but the sum depends on an absent row


def test_e7_skips_a_missing_column_only():
    shape = consistent_report()
    shape.applications["new_received"].update(natural_person=5, commercial=2)
    lack(shape, columns={APP: ["natural_person"]})
    assert [at(f) for f in only(shape, "E7")] == [(APP, "carried_forward", "commercial")]


# -- E8 (七)总计 = the 21 outcome rows (per column) ----------------------------------------------


def test_there_are_21_outcome_rows():
    assert len(v.OUTCOME_KEYS) == 21
    assert v.OUTCOME_KEYS[0] == "granted" and v.OUTCOME_KEYS[-1] == "other_other"


@pytest.mark.parametrize("column", v.APPLICANT_KEYS)
@pytest.mark.parametrize("outcome", v.OUTCOME_KEYS)
def test_e8_outcome_not_in_total(column, outcome):
    shape = consistent_report()
    shape.applications[outcome][column] = 1
    finding = single(shape, "E8")
    assert finding.severity == Severity.ERROR
    assert at(finding) == (APP, "total_processed", column)
    assert finding.cells == [(APP, "total_processed", column), (APP, outcome, column)]
    assert f"「{column_label(column)}」列" in finding.message
    assert "「（七）总计」为0" in finding.message and "之和为1" in finding.message
    assert f"{row_label(outcome)} 1" in finding.message


@pytest.mark.parametrize("column", v.APPLICANT_KEYS)
def test_e8_passes_when_all_21_outcomes_add_up(column):
    shape = consistent_report()
    for outcome in v.OUTCOME_KEYS:
        shape.applications[outcome][column] = 1
    shape.applications["total_processed"][column] = 21
    assert only(shape, "E8") == []


def test_e8_total_larger_than_outcomes():
    shape = consistent_report()
    a = shape.applications
    a["granted"]["natural_person"] = 2
    a["unable_not_held"]["natural_person"] = 1
    a["total_processed"]["natural_person"] = 5
    finding = single(shape, "E8")
    assert finding.cells == [
        (APP, "total_processed", "natural_person"),
        (APP, "granted", "natural_person"),
        (APP, "unable_not_held", "natural_person"),
    ]
    assert "「（七）总计」为5" in finding.message and "之和为3" in finding.message
    assert "（一）予以公开 2、1.本机关不掌握相关政府信息 1" in finding.message


def test_e8_does_not_count_received_or_carried_rows():
    shape = consistent_report()
    a = shape.applications
    a["new_received"]["natural_person"] = 4
    a["carried_over"]["natural_person"] = 1
    a["carried_forward"]["natural_person"] = 5
    assert only(shape, "E8") == []


def test_e8_skips_a_missing_total_row():
    shape = consistent_report()
    shape.applications["granted"]["natural_person"] = 3
    lack(shape, rows={APP: ["total_processed"]})
    shape.applications["total_processed"] = {c: None for c in v.APPLICANT_KEYS}
    assert only(shape, "E8") == []


def test_e8_skips_a_missing_column_only():
    shape = consistent_report()
    shape.applications["granted"].update(natural_person=3, research=1)
    lack(shape, columns={APP: ["natural_person"]})
    assert [at(f) for f in only(shape, "E8")] == [(APP, "total_processed", "research")]


def test_e8_skips_when_an_outcome_row_is_missing():
    # The document lacks 三（六）3.其他 altogether; what it held is unknown, so (七)总计 = 3 against
    # 予以公开 = 2 proves nothing. That is E3's finding, not an accounting error.
    shape = consistent_report()
    a = shape.applications
    a["granted"].update(natural_person=2, total=2)
    a["total_processed"].update(natural_person=3, total=3)
    a["new_received"].update(natural_person=3, total=3)
    a["other_other"] = {c: None for c in v.APPLICANT_KEYS}
    lack(shape, rows={APP: ["other_other"]})
    assert only(shape, "E8") == []
    assert [at(f) for f in only(shape, "E3")] == [(APP, "other_other", None)]


# -- E9 总计 = six applicant columns (per row) -------------------------------------------------


def test_e9_seed_002_not_held_by_natural_person():
    shape = consistent_report()
    shape.applications["unable_not_held"]["natural_person"] = 8
    finding = single(shape, "E9")
    assert finding.severity == Severity.ERROR
    assert at(finding) == (APP, "unable_not_held", "total")
    assert finding.location == "applications__unable_not_held__total"
    assert finding.cells == [(APP, "unable_not_held", "total"), (APP, "unable_not_held", "natural_person")]
    assert "「1.本机关不掌握相关政府信息」" in finding.message
    assert "「总计」列为0" in finding.message
    assert "之和为8" in finding.message
    assert "自然人 8" in finding.message


@pytest.mark.parametrize("row", v.APPLICATION_KEYS)
def test_e9_each_row(row):
    shape = consistent_report()
    shape.applications[row].update(natural_person=2, legal_service=1, total=5)
    finding = single(shape, "E9")
    assert at(finding) == (APP, row, "total")
    assert finding.cells == [(APP, row, "total"), (APP, row, "natural_person"), (APP, row, "legal_service")]
    assert f"「{row_label(row)}」行" in finding.message
    assert "「总计」列为5" in finding.message and "之和为3" in finding.message
    assert "自然人 2、法律服务机构 1" in finding.message


@pytest.mark.parametrize("column", v.APPLICANT_PARTS)
def test_e9_counts_each_applicant_column(column):
    shape = consistent_report()
    shape.applications["granted"][column] = 1
    finding = single(shape, "E9")
    assert finding.cells == [(APP, "granted", "total"), (APP, "granted", column)]
    assert f"{column_label(column)} 1" in finding.message


@pytest.mark.parametrize("row", v.APPLICATION_KEYS)
def test_e9_passes_when_row_adds_up(row):
    shape = consistent_report()
    shape.applications[row].update(
        natural_person=1, commercial=2, research=3, social_welfare=4, legal_service=5, other=6, total=21
    )
    assert only(shape, "E9") == []


def test_e9_skips_rows_when_total_column_is_missing():
    shape = consistent_report()
    shape.applications["unable_not_held"]["natural_person"] = 8
    lack(shape, columns={APP: ["total"]})
    for row in v.APPLICATION_KEYS:
        shape.applications[row]["total"] = None
    assert only(shape, "E9") == []


def test_e9_skips_a_missing_row_only():
    shape = consistent_report()
    shape.applications["unable_not_held"]["natural_person"] = 8
    shape.applications["granted"]["natural_person"] = 1
    lack(shape, rows={APP: ["unable_not_held"]})
    assert [at(f) for f in only(shape, "E9")] == [(APP, "granted", "total")]


def test_e9_skips_rows_when_an_applicant_column_is_missing():
    # The document has no 法律服务机构 column; its 总计 may rightly include those applicants.
    shape = consistent_report()
    shape.applications["granted"].update(natural_person=1, legal_service=None, total=3)
    lack(shape, columns={APP: ["legal_service"]})
    assert only(shape, "E9") == []


# -- E10 表四 total per group -------------------------------------------------------------------


GROUPS = [row.key for row in v.REVIEW_LITIGATION.rows]


@pytest.mark.parametrize("part", v.RESULT_PARTS)
@pytest.mark.parametrize("group", GROUPS)
def test_e10_each_group_and_part(group, part):
    shape = consistent_report()
    shape.review_litigation[group][part] = 1
    finding = single(shape, "E10")
    assert finding.severity == Severity.ERROR
    assert at(finding) == (REVIEW, group, "total")
    assert finding.cells == [(REVIEW, group, "total"), (REVIEW, group, part)]
    label = v.REVIEW_LITIGATION.row_by_key[group].label
    assert f"表四「{label}」" in finding.message
    assert "总计为0" in finding.message and "之和为1" in finding.message


def test_e10_total_larger_than_parts():
    shape = consistent_report()
    shape.review_litigation["reconsideration"].update(upheld=1, pending=1, total=4)
    finding = single(shape, "E10")
    assert finding.cells == [
        (REVIEW, "reconsideration", "total"),
        (REVIEW, "reconsideration", "upheld"),
        (REVIEW, "reconsideration", "pending"),
    ]
    assert "「行政复议」" in finding.message and "总计为4" in finding.message and "之和为2" in finding.message


@pytest.mark.parametrize("group", GROUPS)
def test_e10_passes_when_group_adds_up(group):
    shape = consistent_report()
    shape.review_litigation[group].update(upheld=1, corrected=2, other=3, pending=4, total=10)
    assert only(shape, "E10") == []


def test_e10_one_finding_per_group():
    shape = consistent_report()
    for group in GROUPS:
        shape.review_litigation[group]["total"] = 1
    assert [at(f) for f in only(shape, "E10")] == [(REVIEW, g, "total") for g in GROUPS]


def test_e10_skips_when_total_column_is_missing():
    shape = consistent_report()
    shape.review_litigation["reconsideration"]["upheld"] = 2
    lack(shape, columns={REVIEW: ["total"]})
    for group in GROUPS:
        shape.review_litigation[group]["total"] = None
    assert only(shape, "E10") == []


def test_e10_skips_a_missing_group_only():
    shape = consistent_report()
    shape.review_litigation["reconsideration"]["upheld"] = 2
    shape.review_litigation["litigation_direct"]["upheld"] = 1
    lack(shape, rows={REVIEW: ["reconsideration"]})
    assert [at(f) for f in only(shape, "E10")] == [(REVIEW, "litigation_direct", "total")]


def test_e10_skips_groups_when_a_result_column_is_missing():
    # No 尚未审结 column in the document: total 3 against 维持 1 + 纠正 1 may be 1 pending.
    shape = consistent_report()
    shape.review_litigation["reconsideration"].update(upheld=1, corrected=1, pending=None, total=3)
    lack(shape, columns={REVIEW: ["pending"]})
    assert only(shape, "E10") == []


# -- W3 issued ≤ in_force + repealed ----------------------------------------------------------


@pytest.mark.parametrize(("row", "label"), [("regulations", "规章"), ("normative_documents", "行政规范性文件")])
def test_w3_issued_exceeds_stock(row, label):
    shape = consistent_report()
    shape.active[row].update(issued=3, in_force=1, repealed=1)
    finding = single(shape, "W3")
    assert finding.severity == Severity.WARNING
    assert at(finding) == (ACTIVE, row, "issued")
    assert finding.cells == [(ACTIVE, row, "issued"), (ACTIVE, row, "in_force"), (ACTIVE, row, "repealed")]
    assert f"「{label}」" in finding.message
    assert "本年制发件数（3）" in finding.message
    assert "现行有效件数（1）" in finding.message and "本年废止件数（1）" in finding.message


@pytest.mark.parametrize(
    ("issued", "repealed", "in_force"), [(3, 1, 2), (3, 0, 3), (1, 0, 5), (0, 2, 0), (0, 0, 0)]
)
def test_w3_passes_when_issued_within_stock(issued, repealed, in_force):
    shape = consistent_report()
    for row in ("regulations", "normative_documents"):
        shape.active[row].update(issued=issued, repealed=repealed, in_force=in_force)
    assert only(shape, "W3") == []


def test_w3_blank_in_force_reads_as_zero():
    # Seed 003 leaves 现行有效件数 blank.
    shape = consistent_report()
    shape.active["normative_documents"].update(issued=2, repealed=0, in_force=None)
    finding = single(shape, "W3")
    assert at(finding) == (ACTIVE, "normative_documents", "issued")
    assert "现行有效件数（0）" in finding.message
    assert [at(f) for f in only(shape, "W1")] == [(ACTIVE, "normative_documents", "in_force")]


# -- W16 tables not machine-readable ----------------------------------------------------------


def test_w16_unreadable_document_is_the_only_finding():
    # A scan: no cell could be read, no section heading found; only W16 speaks for it.
    shape = ReportShape()
    shape.facts["unreadable"] = True
    lack(shape, rows={t.key: [r.key for r in t.rows] for t in v.TABLES})
    findings = evaluate(shape)
    assert [(f.code, f.severity, f.field) for f in findings] == [("W16", Severity.WARNING, "tables")]
    assert "表格不可机读" in findings[0].message


def test_w16_passes_for_a_readable_document():
    assert only(consistent_report(), "W16") == []


# -- W17 aliases --------------------------------------------------------------------------------


def test_w17_alias_labels():
    shape = consistent_report()
    shape.facts["aliases"] = [
        {"table": APP, "column": "social_welfare", "label": "社会组织"},
        {"table": APP, "column": "legal_service", "label": "律师事务所"},
    ]
    findings = only(shape, "W17")
    assert [at(f) for f in findings] == [(APP, None, "social_welfare"), (APP, None, "legal_service")]
    assert all(f.severity == Severity.WARNING for f in findings)
    assert findings[0].location == "applications__social_welfare"
    assert "表三" in findings[0].message
    assert "「社会组织」" in findings[0].message and "「社会公益组织」" in findings[0].message
    assert "「律师事务所」" in findings[1].message and "「法律服务机构」" in findings[1].message


def test_w17_passes_with_official_labels():
    assert only(consistent_report(), "W17") == []


# -- I1 extra rows ------------------------------------------------------------------------------


def test_i1_extra_local_rows():
    shape = consistent_report()
    shape.facts["extra_rows"] = {APP: ["「（八）其他」行"], REVIEW: ["「备注」行"]}
    findings = only(shape, "I1")
    assert [f.field for f in findings] == [APP, REVIEW]
    assert all(f.severity == Severity.INFO for f in findings)
    assert all(at(f) == (None, None, None) for f in findings)
    assert "表三" in findings[0].message and "「（八）其他」行" in findings[0].message
    assert "不计入官方合计" in findings[0].message
    assert "表四" in findings[1].message and "「备注」行" in findings[1].message


def test_i1_extra_rows_are_not_errors():
    shape = consistent_report()
    shape.facts["extra_rows"] = {APP: ["「（八）其他」行"]}
    assert [f.code for f in evaluate(shape)] == ["I1"]


def test_i1_passes_without_extra_rows():
    assert only(consistent_report(), "I1") == []


# -- validation_error ---------------------------------------------------------------------------


def seed_002_like():
    shape = consistent_report()
    shape.applications["unable_not_held"]["natural_person"] = 8  # E8 (natural_person) and E9
    shape.applications["granted"]["research"] = None  # W1
    shape.sections["problems"], shape.sections["improvements"] = [], []  # E1
    return shape


def test_validation_error_keys_errors_by_cell_when_the_form_shows_it():
    findings = evaluate(seed_002_like())
    fields = {"applications__unable_not_held__total", "applications__total_processed__natural_person", "problems"}
    error = validation_error(findings, fields)
    assert isinstance(error, ValidationError)
    assert set(error.error_dict) == fields  # no W1 key, nothing left for __all__
    [e9] = error.error_dict["applications__unable_not_held__total"]
    assert e9.code == "E9"
    assert "「1.本机关不掌握相关政府信息」" in e9.message
    [e8] = error.error_dict["applications__total_processed__natural_person"]
    assert e8.code == "E8"
    [e1] = error.error_dict["problems"]
    assert e1.code == "E1"


def test_validation_error_puts_unknown_locations_under_all():
    findings = evaluate(seed_002_like())
    error = validation_error(findings, fields={"applications__unable_not_held__total"})
    assert set(error.error_dict) == {"applications__unable_not_held__total", "__all__"}
    assert sorted(e.code for e in error.error_dict["__all__"]) == ["E1", "E8"]
    assert [e.code for e in error.error_dict["applications__unable_not_held__total"]] == ["E9"]


def test_validation_error_with_no_fields_puts_everything_under_all():
    error = validation_error(evaluate(seed_002_like()), fields=())
    assert set(error.error_dict) == {"__all__"}
    assert sorted(e.code for e in error.error_dict["__all__"]) == ["E1", "E8", "E9"]


def test_validation_error_ignores_warnings_and_info():
    shape = consistent_report()
    shape.applications["granted"]["research"] = None  # W1
    shape.active["regulations"].update(issued=3)  # W3
    shape.facts["extra_rows"] = {APP: ["「（八）其他」行"]}  # I1
    findings = evaluate(shape)
    assert {f.code for f in findings} == {"W1", "W3", "I1"}
    fields = {f.location for f in findings}
    assert validation_error(findings, fields) is None


def test_validation_error_none_without_findings():
    assert validation_error([], fields={"applications__granted__total"}) is None


def test_validation_error_keeps_several_errors_of_one_cell():
    findings = [
        Finding("E6", Severity.ERROR, "甲", APP, "granted", "total"),
        Finding("E9", Severity.ERROR, "乙", APP, "granted", "total"),
        Finding("W1", Severity.WARNING, "丙", APP, "granted", "total"),
    ]
    error = validation_error(findings, fields={"applications__granted__total"})
    assert [(e.code, e.message) for e in error.error_dict["applications__granted__total"]] == [
        ("E6", "甲"),
        ("E9", "乙"),
    ]


def test_validation_error_renders_messages_quoting_percent_signs():
    # An E6 message quotes the document's text, which may hold "%": it must not be %-formatted.
    shape = consistent_report()
    shape.applications["granted"]["natural_person"] = None
    shape.facts["invalid_cells"] = {"applications__granted__natural_person": "2%"}
    error = validation_error(evaluate(shape), {"applications__granted__natural_person"})
    assert "「2%」" in error.messages[0]


@pytest.mark.parametrize("row", [r.key for r in v.ACTIVE.rows])
def test_e3_every_missing_row_of_table_two_is_reported(row):
    shape = consistent_report()
    lack(shape, rows={"active": [row]})
    finding = single(shape, "E3")
    assert at(finding) == ("active", row, None)
    assert f"「{v.ACTIVE.row_by_key[row].label}」" in finding.message


def test_e15_row_not_recovered_is_blank_and_outside_every_sum():
    shape = consistent_report()
    shape.applications["total_processed"] = dict.fromkeys(v.APPLICANT_KEYS)
    shape.facts["unrecovered"] = {f"{APP}__total_processed": "(七)总计191000019"}
    findings = evaluate(shape)
    e15 = [f for f in findings if f.code == "E15"]
    assert [at(f) for f in e15] == [(APP, "total_processed", None)]
    assert "表三「（七）总计」行无法可靠还原（原文：「(七)总计191000019」）" in e15[0].message
    assert len(e15[0].cells) == len(v.APPLICANT_KEYS) + 1  # the row and each of its cells
    # its blank cells are neither W1 nor part of E7/E8 (their figures are unknown, not 0)
    assert {f.code for f in findings} == {"E15"}


def test_e15_ends_when_the_row_is_filled_in():
    shape = consistent_report()
    shape.facts["unrecovered"] = {f"{APP}__total_processed": "(七)总计191000019"}
    assert only(shape, "E15") == [] and shape.facts["unrecovered"] == {}


def test_i2_names_the_text_and_its_reading_while_the_figures_stand():
    shape = consistent_report()
    shape.applications["granted"].update(natural_person=6, total=6)
    shape.applications["new_received"].update(natural_person=6, total=6)
    shape.applications["total_processed"].update(natural_person=6, total=6)
    cells = {f"{APP}__granted__{c}": "6" if c in ("natural_person", "total") else "0" for c in v.APPLICANT_KEYS}
    shape.facts["recovered"] = {f"{APP}__granted": {"text": "(一)予以公开6000006", "cells": cells}}
    (finding,) = only(shape, "I2")
    assert finding.severity == Severity.INFO and at(finding) == (APP, "granted", None)
    assert finding.message == "表三「（一）予以公开」行由文本推断还原：原文「(一)予以公开6000006」读作 6、0、0、0、0、0、6。"
    assert shape.recovered() == set(cells)
    # a figure a person changes is no longer the recovered one
    shape.applications["granted"]["natural_person"] = 5
    evaluate(shape)
    assert f"{APP}__granted__natural_person" not in shape.recovered()
    assert shape.provenance()[APP]["granted"] == {"natural_person": "read", **{c: "recovered" for c in v.APPLICANT_KEYS[1:]}}
