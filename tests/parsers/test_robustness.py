"""Hostile and odd input: the only outcomes are a parsed report or a clear ParseError."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.models.agency import OPERATOR
from reports.importing import import_bytes
from reports.models import AnnualReport
from reports.parsers import ParseError, parse_bytes
from reports.rules.engine import evaluate

from ..conftest import seed

TITLE = "利通区卫生健康局2023年政府信息公开工作年度报告\n"
SEED_TEXT = seed(0).read_text()


def parse_or_refuse(data, name="x.txt"):
    """Parse and evaluate; a ParseError is an acceptable answer, any other exception is a bug."""
    try:
        shape = parse_bytes(data, name)
    except ParseError as exc:
        assert str(exc)
        return None
    evaluate(shape)
    shape.to_json(evaluate(shape))
    return shape


def test_report_without_table_two_is_judged_not_crashed():
    shape = parse_or_refuse((TITLE + "一、总体情况\n本年度工作正常。\n").encode())
    codes = {f.code for f in evaluate(shape)}
    assert {"E1", "E3"} <= codes


def test_absurd_numbers_are_kept_as_text_for_e6():
    text = SEED_TEXT.replace("规章\t0\t0\t0", "规章\t" + "9" * 5000 + "\t3000000000\t1.5")
    shape = parse_or_refuse(text.encode())
    assert shape.active["regulations"] == {"issued": None, "repealed": None, "in_force": None}
    invalid = shape.facts["invalid_cells"]
    assert invalid["active__regulations__repealed"] == "3000000000"
    assert invalid["active__regulations__in_force"] == "1.5"
    e6 = [f for f in evaluate(shape) if f.code == "E6"]
    assert {f.column for f in e6} == {"issued", "repealed", "in_force"}


@pytest.mark.parametrize(
    "fees, stored, invalid",
    [("12.345678", Decimal("12.345678"), None), ("0.1234567", None, "0.1234567"), ("1" * 12, None, "1" * 12)],
)
def test_fees_are_stored_exactly_or_reported(fees, stored, invalid):
    text = SEED_TEXT.replace("行政事业性收费\t0", f"行政事业性收费\t{fees}")
    shape = parse_or_refuse(text.encode())
    assert shape.active["fees"] == stored
    assert shape.facts["invalid_cells"].get("active__fees") == invalid


def test_extra_values_are_reported_not_dropped():
    text = SEED_TEXT.replace("规章\t0\t0\t0", "规章\t1\t2\t3\t4").replace("行政许可\t0\t\t", "行政许可\t5\t6\t")
    shape = parse_or_refuse(text.encode())
    assert shape.active["regulations"] == {"issued": 1, "repealed": 2, "in_force": 3}
    assert shape.active["licensing"] == 5
    extra = shape.facts["extra_rows"]["active"]
    assert "「规章」行多出的数值「4」" in extra and "「行政许可」行多出的数值「6」" in extra
    assert any(f.code == "I1" and "「4」" in f.message for f in evaluate(shape))


def test_control_characters_never_reach_the_database(db):
    text = SEED_TEXT.replace("存在的问题：", "存在的\x00问题：\x07")
    outcome = import_bytes(text.encode(), "nul.txt", OPERATOR)
    assert outcome.action == "created", outcome.message
    stored = AnnualReport.objects.get().to_shape()
    assert "\x00" not in "".join(stored.sections["problems"]) + stored.sections["overall"]


def _mutations():
    lines = SEED_TEXT.split("\n")
    return st.one_of(
        st.integers(0, len(SEED_TEXT)).map(lambda n: SEED_TEXT[:n]),
        st.lists(st.integers(0, len(lines) - 1), max_size=30).map(
            lambda drop: "\n".join(line for i, line in enumerate(lines) if i not in set(drop))
        ),
        st.tuples(st.integers(0, len(SEED_TEXT)), st.text(max_size=40)).map(
            lambda cut: SEED_TEXT[: cut[0]] + cut[1] + SEED_TEXT[cut[0] :]
        ),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_mutated_seed_parses_or_refuses(text):
    parse_or_refuse(text.encode())


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_parse_or_refuse(data):
    for name in ("x.txt", "x.html", "x.docx", "x.xlsx", "x.pdf", "x.doc"):
        parse_or_refuse(data, name)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\t\n一二三四、（）0123456789-—/无总计本年新收规章行政许可第二十条项")), max_size=600))
def test_table_like_noise_parses_or_refuses(text):
    parse_or_refuse((TITLE + text).encode())


def test_parser_records_where_the_year_and_agency_disagree():
    text = SEED_TEXT.replace("本报告统计数据从2023年1月1日起至2023年12月31日止", "本报告统计数据从2022年1月1日起至2022年12月31日止")
    text = text.replace("可直接与吴忠市利通区卫生健康局办公室联系", "可直接与吴忠市红寺堡区卫生健康局办公室联系")
    text = text.replace("现发布《吴忠市利通区卫生健康局", "现发布《吴忠市红寺堡区卫生健康局")
    shape = parse_or_refuse(text.encode())
    assert shape.facts["years"] == {"title": 2023, "period": 2022}
    assert shape.facts["agency_names"] == {"title": "利通区卫生健康局", "body": "吴忠市红寺堡区卫生健康局"}
    codes = {f.code: f for f in evaluate(shape)}
    assert "统计期限「2022」" in codes["E4"].message
    assert "正文「吴忠市红寺堡区卫生健康局」" in codes["E5"].message


@pytest.mark.parametrize(
    "line, section",
    [
        ("一、总 体 情 况", "overall"),
        ("三、收到和处理政府信息公开申请", "applications"),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "review_litigation"),
        ("五、政府信息公开工作存在的主要问题及改进措施", "problems"),
        ("2.依申请公开政府信息情况。2023年，我局未收到申请。", None),
        ("四、结转下年度继续办理", None),
    ],
)
def test_heading_variants(line, section):
    from reports.parsers.document import heading_section

    assert heading_section(line) == section
