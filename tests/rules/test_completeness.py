"""Completeness (spec §1 and §5): W11, E11, W12, E13, W13, W15, W18, each failing and passing."""
from datetime import date
from decimal import Decimal

import pytest

from reports.choices import AgencyKind
from reports.rules import narrative
from reports.rules.context import KIND, PUBLISHED, Context, context_for_shape
from reports.rules.engine import evaluate, skipped
from tests.rules.test_catalog import consistent_report

ASPECTS = ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]
# 一 written aspect by aspect, each paragraph in words a real report uses for it.
OVERALL = {
    "主动公开": "（一）主动公开方面。全年主动公开政府信息135条。",
    "依申请公开": "（二）依申请公开方面。依法办理政府信息公开申请。",
    "政府信息管理": "（三）政府信息管理方面。严格落实保密审查制度。",
    "政府信息公开平台建设": "（四）平台建设方面。持续更新政府网站专栏。",
    "监督保障": "（五）监督保障方面。开展业务培训2次。",
}


def report(**sections):
    shape = consistent_report()
    shape.sections.update(sections)
    return shape


def codes(shape, code, context=None):
    return [(f.field, f.message) for f in evaluate(shape, context, {code})]


def government(shape):
    return context_for_shape(shape, _agency("原平市崞阳镇人民政府"))


def _agency(name):
    from reports.models import Agency

    agency = Agency(name=name)
    agency.infer_kind()
    return agency


# -- W11 -------------------------------------------------------------------------------------------


def test_w11_passes_when_each_aspect_is_written():
    assert codes(report(overall="".join(OVERALL.values())), "W11") == []


@pytest.mark.parametrize("aspect", ASPECTS)
def test_w11_each_missing_aspect(aspect):
    overall = "".join(text for key, text in OVERALL.items() if key != aspect)
    (finding,) = evaluate(report(overall=overall), codes={"W11"})
    assert finding.field == "overall" and f"「{aspect}」" in finding.message


def test_w11_not_for_the_2019_format_nor_a_section_the_document_lacks():
    shape = report(overall="")  # E1's finding: 一 is empty
    assert codes(shape, "W11") == []
    shape = report(overall="2020年，我局做好政府信息公开工作。")
    shape.year, shape.format_version = 2020, "2019"
    assert codes(shape, "W11") == []


# -- E11 -------------------------------------------------------------------------------------------


def test_e11_a_government_without_assessment_results():
    shape = report()
    (finding,) = evaluate(shape, government(shape), {"E11"})
    assert finding.field == "overall" and finding.is_error


@pytest.mark.parametrize("where", ["overall", "other"])
def test_e11_passes_when_assessment_is_reported(where):
    shape = report(**{where: "将政务公开纳入年度绩效考核，考核结果为优秀；开展社会评议，未发生责任追究。"})
    assert codes(shape, "E11", government(shape)) == []


def test_e11_not_for_a_department_and_not_run_without_the_kind():
    shape = report()
    assert codes(shape, "E11", context_for_shape(shape)) == []  # 吴忠市利通区卫生健康局: a department
    assert codes(shape, "E11") == []
    assert "E11" in {rule.code for rule, _ in skipped(Context())}


@pytest.mark.django_db
def test_e11_the_registered_kind_decides():
    from reports.models import Agency

    shape = report()
    agency = Agency.objects.create(name="吴忠市利通区卫生健康局", kind=AgencyKind.GOVERNMENT)  # an administrator's choice
    assert [f.code for f in evaluate(shape, context_for_shape(shape, agency), {"E11"})] == ["E11"]


# -- W12 -------------------------------------------------------------------------------------------


def test_w12_not_when_section_five_is_empty_which_e1_reports():
    shape = report(problems=[], improvements=[])
    assert codes(shape, "W12") == [] and [f.code for f in evaluate(shape, codes={"E1"})] == ["E1"]


def test_w12_a_lead_in_or_a_bare_none_is_no_item():
    shape = report(problems=["我局仍存在以下几个方面："], improvements=["无"])
    assert [field for field, _ in codes(shape, "W12")] == ["problems", "improvements"]


def test_w12_problem_and_measure_in_one_paragraph():
    # The document's reader may leave both in one item (corpus 06).
    shape = report(problems=["主要存在与群众互动不够紧密等问题。下一步，我局将加强与群众的互动。"], improvements=[])
    assert codes(shape, "W12") == []


def test_w12_passes_for_stated_items():
    assert codes(report(problems=["政策解读形式较为单一。"], improvements=["每季度开展一次培训。"]), "W12") == []


# -- E13 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["（无）", "无", "落实政务公开工作要点情况：均已完成。"])
def test_e13_section_six_silent_on_the_processing_fee(other):
    (finding,) = evaluate(report(other=other), codes={"E13"})
    assert finding.field == "other" and finding.is_error


def test_an_empty_section_six_is_e1_not_e13():
    assert [f.code for f in evaluate(report(other=""), codes={"E1", "E13"})] == ["E1"]


@pytest.mark.parametrize(
    "other",
    [
        "本年度未收取信息处理费。",
        "2023年，无收取信息处理费情况。",  # corpus 06
        "本年度没有产生信息公开处理费。",  # corpus 07
        "本机关依申请提供政府信息，不收取费用。",  # corpus 20
        "本年度收取信息处理费0.05万元。",
    ],
)
def test_e13_passes_when_the_fee_is_stated(other):
    assert codes(report(other=other), "E13") == []


def test_e13_stated_elsewhere_in_the_text_is_not_silence_and_2019_is_exempt():
    assert codes(report(other="无", overall="依申请公开方面，本年度未收取信息处理费。"), "E13") == []
    shape = report(other="无")
    shape.year, shape.format_version = 2020, "2019"
    assert codes(shape, "E13") == []


# -- W13 -------------------------------------------------------------------------------------------


def unpaid(count, other):
    shape = report(other=other)
    for column in ("natural_person", "total"):
        shape.applications["other_fee_unpaid"][column] = count
        shape.applications["total_processed"][column] = count
        shape.applications["new_received"][column] = count
    return shape


def test_w13_fee_notices_while_section_six_says_nothing_was_charged():
    shape = unpaid(1, "本年度未收取信息处理费。")
    (finding,) = evaluate(shape, codes={"W13"})
    assert (finding.table, finding.row, finding.column) == ("applications", "other_fee_unpaid", "total")
    paragraph = list(narrative.paragraphs(shape))[finding.paragraph]
    assert paragraph.part == "other" and paragraph.text[slice(*finding.span)] == "本年度未收取信息处理费。"
    assert "未收取信息处理费" in finding.message


def test_w13_passes_without_fee_notices_or_when_a_fee_is_reported():
    assert codes(unpaid(0, "本年度未收取信息处理费。"), "W13") == []
    assert codes(unpaid(1, "本年度向1名申请人发出收费通知，申请人逾期未缴纳。"), "W13") == []


# -- W15 -------------------------------------------------------------------------------------------


def published(kind, signed_on, year=2024):
    shape = report()
    shape.year = year
    return evaluate(shape, Context(kind=kind, published_on=signed_on, known=frozenset({KIND, PUBLISHED})), {"W15"})


def test_w15_a_department_after_31_january():
    (finding,) = published(AgencyKind.DEPARTMENT, date(2025, 2, 10))
    assert finding.field == "year" and "2025年2月10日" in finding.message and "2025年1月31日" in finding.message
    assert published(AgencyKind.DEPARTMENT, date(2025, 1, 31)) == []


def test_w15_a_government_by_31_march():
    assert published(AgencyKind.GOVERNMENT, date(2025, 3, 31)) == []
    assert [f.code for f in published(AgencyKind.GOVERNMENT, date(2025, 4, 1))] == ["W15"]


def test_w15_reads_the_signature_date_and_is_not_run_without_one():
    shape = report()
    shape.year = 2024
    shape.facts["signed_on"] = "2025-02-10"
    assert [f.code for f in evaluate(shape, context_for_shape(shape), {"W15"})] == ["W15"]
    shape.facts["signed_on"] = None
    context = context_for_shape(shape)
    assert evaluate(shape, context, {"W15"}) == []
    assert "发布日期" in dict((rule.code, reason) for rule, reason in skipped(context))["W15"]


# -- W18 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fees, flagged", [(Decimal("12500"), True), (Decimal("10000"), True),
                                           (Decimal("9999.5"), False), (Decimal("3.2"), False)])  # fmt: skip
def test_w18_fees_entered_in_yuan(fees, flagged):
    shape = report()
    shape.active["fees"] = fees
    findings = evaluate(shape, codes={"W18"})
    assert [(f.table, f.row) for f in findings] == ([("active", "fees")] if flagged else [])
