"""Each seed report parses into exactly the values printed in it.

Every expected value below was transcribed by reading the seed documents in reports/demo/seeds/
(not by printing the parser's output): the point is an independent check of the parser.
"""
import re
from decimal import Decimal
from pathlib import Path

import pytest

from reports.parsers import parse_file
from reports.rules.engine import evaluate

SEEDS = Path(__file__).resolve().parents[2] / "reports" / "demo" / "seeds"


def seed_path(number):
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path


_shapes = {}


def parsed(number):
    if number not in _shapes:
        _shapes[number] = parse_file(seed_path(number))
    return _shapes[number]


ALL = ("000", "001", "002", "003", "004")

# -- Canonical keys (spec §2–§4), written out here rather than imported from the code under test.
APPLICATION_ROWS = (
    "new_received", "carried_over", "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_endangers_safety", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_inquiry",
    "unable_not_held", "unable_needs_creation", "unable_unclear",
    "not_processed_petition", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_reissue",
    "other_no_correction", "other_fee_unpaid", "other_other",
    "total_processed", "carried_forward",
)
APPLICANT_COLUMNS = (
    "natural_person", "commercial", "research", "social_welfare", "legal_service", "other", "total",
)
REVIEW_GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
RESULT_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def active(regulations=(0, 0, 0), normative_documents=(0, 0, 0), licensing=0, penalty=0,
           enforcement=0, fees="0"):
    """Table 二; the two document rows as (issued, repealed, in_force), None = blank cell."""
    keys = ("issued", "repealed", "in_force")
    return {
        "regulations": dict(zip(keys, regulations)),
        "normative_documents": dict(zip(keys, normative_documents)),
        "licensing": licensing,
        "penalty": penalty,
        "enforcement": enforcement,
        "fees": Decimal(fees),
    }


def applications(overrides=(), missing_columns=()):
    """Table 三: all 25×7 cells 0, then {(row, column): value} overrides; missing columns None."""
    table = {
        row: {col: (None if col in missing_columns else 0) for col in APPLICANT_COLUMNS}
        for row in APPLICATION_ROWS
    }
    for (row, col), value in dict(overrides).items():
        table[row][col] = value
    return table


def review(overrides=()):
    """Table 四: all 3×5 cells 0, then {(group, column): value} overrides."""
    table = {g: {c: 0 for c in RESULT_COLUMNS} for g in REVIEW_GROUPS}
    for (group, col), value in dict(overrides).items():
        table[group][col] = value
    return table


# ---------------------------------------------------------------------------------------------
# Values as printed in each seed.

EXPECTED = {
    "000": {
        "agency": "吴忠市利通区卫生健康局",
        "year": 2023,
        # Every cell printed 0. The 三 header has no 法律服务机构 / 其他 columns: those are None,
        # and 总计 is the last number printed on each row (0).
        "active": active(),
        "applications": applications(missing_columns=("legal_service", "other")),
        "review_litigation": review(),
    },
    "001": {
        "agency": "泰安市泰山区卫生健康局",
        "year": 2022,
        "active": active(penalty=126),
        "applications": applications({
            ("new_received", "natural_person"): 2, ("new_received", "total"): 2,
            ("granted", "natural_person"): 2, ("granted", "total"): 2,
            ("total_processed", "natural_person"): 2, ("total_processed", "total"): 2,
        }),
        "review_litigation": review(),
    },
    "002": {
        "agency": "呼兰区卫生健康局",
        "year": 2023,
        "active": active(licensing=160, penalty=19),
        # Stored as published: 8 in 自然人 of 本机关不掌握, while that row's 总计 and (七)总计 are 0.
        "applications": applications({("unable_not_held", "natural_person"): 8}),
        "review_litigation": review(),
    },
    "003": {
        "agency": "原平市卫生健康局",
        "year": 2024,
        # 现行有效件数 is blank for both document rows.
        "active": active(regulations=(0, 0, None), normative_documents=(0, 0, None), penalty=13),
        "applications": applications(),
        "review_litigation": review(),
    },
    "004": {
        "agency": "榆林市榆阳区卫生健康局",
        "year": 2021,
        "active": active(),
        "applications": applications(),
        "review_litigation": review(),
    },
}


@pytest.mark.parametrize("seed", ALL)
def test_identity(seed):
    shape = parsed(seed)
    assert shape.agency == EXPECTED[seed]["agency"]
    assert shape.year == EXPECTED[seed]["year"]
    assert shape.format_version == "2021"


@pytest.mark.parametrize("seed", ALL)
def test_table_active(seed):
    shape = parsed(seed)
    assert shape.active == EXPECTED[seed]["active"]
    assert isinstance(shape.active["fees"], Decimal)


@pytest.mark.parametrize("seed", ALL)
def test_table_applications(seed):
    assert parsed(seed).applications == EXPECTED[seed]["applications"]


@pytest.mark.parametrize("seed", ALL)
def test_table_review_litigation(seed):
    assert parsed(seed).review_litigation == EXPECTED[seed]["review_litigation"]


# ---------------------------------------------------------------------------------------------
# Section 一: first words, last words, and text joined across page breaks.

OVERALL = {
    "000": ("1.主动公开情况。2023年全年按要求在政府门户网站主动公开信息36条",
            "确保政府信息公开工作的规范化、制度化。",
            ("要求各科室、各卫生院高度重视政府信息公开工作", "规范对违反政府信息公开规定行为的责任追究",
             "5. 监督保障。")),
    "001": ("2022年度，认真推行政务工作，做到及时地公开相关信息",
            "做到事事有答复，件件有落实。",
            ("不断加强组织领导，落实工作责任", "5、监督保障。")),
    "002": ("呼兰区卫生健康局在2023年政府信息公开工作中，坚持以公开为原则",
            "由办公室汇总需要整改发布的信息后统一整改。",
            ("（五）落实政务公开监督保障措施。",)),
    "003": ("原平市卫生健康局坚持以习近平新时代中国特色社会主义思想为指引",
            "未及时公开的信息立即按要求进行公开。",
            ("本年度公开内容包括人员招聘、行政执法公示、机构改革整合、水质监测、惠民措施等信息",
             "（五）监督保障方面")),
    "004": ("2021年，在区委、区政府的正确领导下，我局认真贯彻落实",
            "“榆林市榆阳区卫生健康局公众号平台”予以公开。",
            ("健全组织机构。", "建立健全工作机制。")),
}


@pytest.mark.parametrize("seed", ALL)
def test_section_overall(seed):
    first, last, inside = OVERALL[seed]
    text = parsed(seed).sections["overall"]
    assert text.startswith(first)
    assert last in text
    assert text.rstrip().endswith(last)
    for fragment in inside:
        assert fragment in text
    # Nothing of section 二 or the tables leaks into 一.
    assert "主动公开政府信息情况" not in text
    assert "第二十条" not in text


# ---------------------------------------------------------------------------------------------
# Section 五: problems and improvements as separate items (starts of each item, in order).

SECTION_FIVE = {
    "000": (
        # 存在的问题：一是…二是…三是…
        ["信息更新不够及时、规范性有待提高", "重点领域政府信息公开数据不够准确",
         "政务新媒体访问不便捷"],
        # 今后改进的措施：一是…二是…三是…
        ["加强《政府信息公开条例》的学习", "认真梳理审查需要公开的信息", "改善访问体验"],
    ),
    "001": (
        # （一）lead-in …存在一部分问题，一、…二、…
        ["2022年在区政府信息公开办的指导下", "偶尔未及时公布的内容", "部分科室人员对信息公开不够重视"],
        # （二）下步政府信息公开工作改进措施 (a sub-heading), then two paragraphs
        ["进一步健全信息公开机制", "下一步我们将加大信息公开力度"],
    ),
    "002": (
        # （一）存在的主要问题 (sub-heading), one paragraph
        ["2023年我局政府信息公开工作取得了一定的成绩"],
        # （二）改进情况 (sub-heading), lead-in, 1.–5., closing paragraph
        ["为了进一步做好政务公开工作，在2024年的工作中", "加强政务公开工作的组织领导",
         "加强政务公开工作的培训和学习", "加强政务公开工作的监督和考核",
         "加强政务公开工作的宣传和推广", "加强政务公开工作的创新和探索", "通过以上措施"],
    ),
    "003": (
        # （一）工作中存在的主要问题 (sub-heading), one paragraph
        ["信息公开的内容还不够全面"],
        # （二）具体改进措施 (sub-heading), 一是/二是/三是 paragraphs
        ["进一步拓展信息公开内容", "进一步加强信息公开培训", "进一步强化政策解读工作"],
    ),
    "004": (
        ["2021年，我局信息公开工作虽然做了一些工作"],
        # lead-in, then 一是 … 五是 paragraphs
        ["下一阶段我局的信息公开工作将主要从以下几方面提升", "进一步强化组织领导",
         "加强保密审查，拓展公开范围", "进一步拓宽信息公开途径",
         "加强对信息公开工作人员的业务培训", "更加重视监督考核"],
    ),
}


def _starts(items, expected):
    assert len(items) == len(expected), items
    for item, start in zip(items, expected):
        assert item.startswith(start), (item, start)


@pytest.mark.parametrize("seed", ALL)
def test_section_problems(seed):
    _starts(parsed(seed).sections["problems"], SECTION_FIVE[seed][0])


@pytest.mark.parametrize("seed", ALL)
def test_section_improvements(seed):
    _starts(parsed(seed).sections["improvements"], SECTION_FIVE[seed][1])


def test_section_five_page_break_joined_003():
    second = parsed("003").sections["improvements"][1]
    assert "各股室各部门依据公开清单结合自身职责，将信息公开工作做实做细。" in second


def test_section_five_enumeration_not_merged_001():
    problems = parsed("001").sections["problems"]
    assert len(problems) == 3
    assert "部分科室人员" not in problems[1]


# ---------------------------------------------------------------------------------------------
# Section 六.


def _squash(text):
    return re.sub(r"\s+", "", text)


def test_section_other_000():
    text = parsed("000").sections["other"]
    assert text.startswith("1.2023年严格按照《利通区2023年政务工作要点》开展政务公开工作")
    assert "本年度没有产生信息公开处理费用。" in text
    assert text.rstrip().endswith("电子邮箱:ltqwsjsj@163.com)。")


def test_section_other_page_break_joined_000():
    assert "规定的按件、按量收费标准,本年度没有产生信息公开处理费用。" in parsed("000").sections["other"]


def test_section_other_001():
    text = parsed("001").sections["other"]
    assert _squash(text).startswith("(一)收取信息处理费情况：2022年，未收取信息处理费。")
    assert "（四）政务公开工作创新情况" in text
    assert text.rstrip().endswith("有力保障政务公开工作措施的有效落实和高效运转。")
    assert "bookmark" not in text


def test_section_other_002():
    assert parsed("002").sections["other"].strip() == (
        "2023年，无涉及《政府信息公开信息处理费管理办法》中规定的收取信息处理费情况。"
    )


def test_section_other_003_without_signature():
    shape = parsed("003")
    assert shape.sections["other"].strip() == "（无）"
    assert shape.facts.get("signed_on") == "2025-01-22"


def test_section_other_004():
    assert parsed("004").sections["other"].strip() == "无"


# ---------------------------------------------------------------------------------------------
# Findings: the exact set of (code, table, row, column) for errors and for warnings.

APP = "applications"
FINDINGS = {
    "000": {
        "error": {("E3", APP, None, "legal_service"), ("E3", APP, None, "other")},
        "warning": set(),
    },
    "001": {"error": set(), "warning": set()},
    "002": {
        "error": {("E9", APP, "unable_not_held", "total"), ("E8", APP, "total_processed", "natural_person")},
        "warning": set(),
    },
    "003": {
        "error": set(),
        "warning": {("W1", "active", "regulations", "in_force"),
                    ("W1", "active", "normative_documents", "in_force")},
    },
    "004": {
        "error": set(),
        "warning": {("W17", APP, None, "social_welfare"), ("W17", APP, None, "legal_service")},
    },
}


# The rules that judge what the reader read (structure, cells, labels); what the text says and
# how it stands against other reports is tests/rules/test_real_reports.py's list.
READ_RULES = {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10", "W1", "W3", "W16", "W17", "I1"}


def _by_severity(findings, severity):
    return {(f.code, f.table, f.row, f.column) for f in findings if str(f.severity) == severity}


@pytest.mark.parametrize("seed", ALL)
def test_findings_errors(seed):
    assert _by_severity(evaluate(parsed(seed), codes=READ_RULES), "error") == FINDINGS[seed]["error"]


@pytest.mark.parametrize("seed", ALL)
def test_findings_warnings(seed):
    assert _by_severity(evaluate(parsed(seed), codes=READ_RULES), "warning") == FINDINGS[seed]["warning"]


def test_findings_002_mark_the_eight():
    findings = {f.code: f for f in evaluate(parsed("002")) if f.code in ("E8", "E9")}
    for code in ("E8", "E9"):
        assert (APP, "unable_not_held", "natural_person") in [tuple(c) for c in findings[code].cells]


def test_findings_000_no_accounting_errors():
    codes = {f.code for f in evaluate(parsed("000"))}
    assert not codes & {"E7", "E8", "E9", "E10"}
