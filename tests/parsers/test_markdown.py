"""Markdown, pipe and spaced text as PDF converters, pdftotext and OCR write it: each seed
rendered with the damage real conversions show parses back to the values, narrative and findings
its text version gave."""
import pytest

from reports.parsers import parse_bytes, parse_file
from reports.parsers.blocks import Grid, Paragraph
from reports.parsers.text import read_text
from reports.rules.engine import evaluate

from ..conftest import seed
from ..fixtures.render import to_markdown, to_spaced_text
from .test_formats import comparable

DAMAGE = {
    "clean": {},
    "no separator row": {"separator": False},
    "header cells wrapped": {"split_headers": True},
    "footers inside a table": {"footers": True},
    "one table per row": {"row_tables": True},
    "labels above numbers": {"label_lines": True},
    "one cell per line": {"cell_lines": True},
    "HTML tables": {"html_tables": True},
    "all at once": {"separator": False, "split_headers": True, "footers": True, "row_tables": True, "label_lines": True},
}


def _without_markup(compared):
    # 004's text prints Word's bold as **…**, which in Markdown is markup, not text.
    sections = compared["sections"]
    sections["overall"] = sections["overall"].replace("**", "")
    return compared


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("number", range(5))
def test_seed_as_markdown_parses_like_its_text(number, damage):
    text = parse_file(seed(number))
    expected = _without_markup(comparable(text))
    if number == 0:
        expected["findings"] = [f for f in expected["findings"] if f[0] != "I1"]  # as in test_formats
    if number == 3 and damage == "one cell per line":
        # a cell a line drops a blank cell: 003's 规章 and 行政规范性文件 print two figures for three
        # columns (现行有效 blank), and which is blank the lines do not say: unread (E3), not padded
        for row in ("regulations", "normative_documents"):
            expected["active"][row] = dict.fromkeys(expected["active"][row])
            expected["findings"].remove(("W1", "active", row, "in_force", None))
            expected["findings"].append(("E3", "active", row, None, None))
        expected["findings"].sort(key=str)
    markdown = to_markdown(text, **DAMAGE[damage])
    got = _without_markup(comparable(parse_bytes(markdown, f"seed{number}.md")))
    got["findings"].sort(key=str)
    assert got == expected


def test_header_fragments_rejoin_only_into_labels():
    # 「商业企 | 科研机 | 社会公」 over 「业 | 构 | 益组织」, as a converter splits a wrapped header.
    blocks = read_text(
        "| 申请人情况 | | | |\n"
        "| 自然人 | 商业企 | 科研机 | 社会公 |\n"
        "| | 业 | 构 | 益组织 |\n"
        "| 一、本年新收政府信息公开申请数量 | 1 | 2 | 3 |\n"
    )
    (grid,) = blocks
    assert grid.rows[:2] == [["申请人情况", "", "", ""], ["自然人", "商业企业", "科研机构", "社会公益组织"]]


def test_page_footer_and_heading_marks_are_not_text():
    blocks = read_text("# 某县人民政府2023年政府信息公开工作年度报告\n\n- 2 -\n\n**一、总体情况**\n\n| a | b |\n| 第 3 页 共 8 页 | |\n| c | d |\n")
    assert blocks == [
        Paragraph("某县人民政府2023年政府信息公开工作年度报告", may_be_cut=True),  # a page ends after it
        Paragraph("一、总体情况", may_be_cut=True),
        Grid([["a", "b"], ["c", "d"]]),
    ]


def test_cell_line_breaks_and_entities():
    # pymupdf4llm writes a wrapped cell's lines with <br>, and a portal's &nbsp; survives conversion.
    (grid,) = read_text("|信息内容|本年制发<br>件数|\n|---|---|\n|规章|1&nbsp;|\n")
    assert grid.rows == [["信息内容", "本年制发件数"], ["规章", "1"]]


def test_a_bar_in_prose_is_not_a_table():
    blocks = read_text("一、总体情况\n本年度|我局公开信息12条。\n")
    assert all(isinstance(b, Paragraph) for b in blocks)


SPACED = {
    "label and values on a line": {},
    "one cell per line": {"cell_lines": True},
    "page number and form feed inside a table": {"page_break": True},
    "one cell per line across a page break": {"cell_lines": True, "page_break": True},
}


@pytest.mark.parametrize("layout", sorted(SPACED))
@pytest.mark.parametrize("number", range(5))
def test_seed_as_spaced_text_parses_like_its_text(number, layout):
    text = parse_file(seed(number))
    expected = _without_markup(comparable(text))
    if number == 0:
        expected["findings"] = [f for f in expected["findings"] if f[0] != "I1"]  # as in test_formats
    spaced = to_spaced_text(text, **SPACED[layout])
    assert _without_markup(comparable(parse_bytes(spaced, f"seed{number}.txt"))) == expected


def test_spaced_row_short_of_values_is_left_blank_not_shifted():
    # 「… 2 0 0 0 0 2」: one value of seven is missing and spaces do not say which: E15, not a guess.
    text = parse_file(seed(1))
    spaced = to_spaced_text(text).decode()
    row = "一、本年新收政府信息公开申请数量  2  0  0  0  0  0  2"
    assert row in spaced
    shape = parse_bytes(spaced.replace(row, "一、本年新收政府信息公开申请数量  2  0  0  0  0  2").encode(), "seed1.txt")
    assert set(shape.applications["new_received"].values()) == {None}
    assert ("E15", "new_received") in {(f.code, f.row) for f in evaluate(shape)}
    assert shape.applications["carried_over"] == text.applications["carried_over"]


def test_label_wrapped_onto_the_row_of_its_values_is_read():
    # A converter keeps a narrow label column's second line as a row of its own, the values on it.
    text = parse_file(seed(1))
    markdown = to_markdown(text).decode()
    row = "|  |  | 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    assert row in markdown
    wrapped = "|  |  | 2.申请人逾期未按收费通知 |  |  |  |  |  |  |  |\n|  |  | 要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    shape = parse_bytes(markdown.replace(row, wrapped).encode(), "seed1.md")
    assert shape.applications == text.applications
    assert not [f for f in evaluate(shape) if f.code in ("E3", "E15", "I1")]


def test_spaced_row_with_joined_digits_reaches_recovery():
    # 「2  0  0  0  0  02」: six numbers for seven cells, but its digits split one way only (no cell
    # has a leading zero): placed, and marked as inferred (I2) with the text it was read from.
    text = parse_file(seed(1))
    spaced = to_spaced_text(text).decode()
    row = "一、本年新收政府信息公开申请数量  2  0  0  0  0  0  2"
    shape = parse_bytes(spaced.replace(row, "一、本年新收政府信息公开申请数量  2  0  0  0  0  02").encode(), "seed1.txt")
    assert shape.applications == text.applications
    codes = {(f.code, f.row) for f in evaluate(shape)}
    assert ("I2", "new_received") in codes and not {c for c in codes if c[0] in ("E3", "E15")}


def test_two_labels_then_both_rows_figures_are_not_paired_by_adjacency():
    """pdfminer's text of a browser's PDF: 「行政处罚」「行政强制」 on lines of their own, then 126 and
    0. Which figure is whose the lines do not say: both rows unread (E15), never 行政强制 126."""
    text = to_spaced_text(parse_file(seed(1))).decode()
    assert "行政处罚  126\n行政强制  0\n" in text
    shape = parse_bytes(text.replace("行政处罚  126\n行政强制  0\n", "行政处罚\n\n行政强制\n\n126\n\n0\n").encode(), "s.txt")
    assert shape.active["penalty"] is None and shape.active["enforcement"] is None
    assert {(f.code, f.row) for f in evaluate(shape)} >= {("E15", "penalty"), ("E15", "enforcement")}

