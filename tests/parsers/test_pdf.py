"""PDF whose tables continue across pages: each seed printed so that table 三 is cut by a page
break — by a word processor (with and without its header repeated on the next page) and by a
browser (its date, address and page count around every page, the first row on a page without
its top rule) — parses back to the values, narrative and findings its text version gave."""
import io
from pathlib import Path

import pdfplumber
import pytest

from reports import vocabulary as v
from reports.parsers import parse_bytes, parse_file
from reports.parsers.blocks import norm

from ..conftest import seed
from ..fixtures.render import CHROMIUM, to_browser_pdf, to_pdf
from reports.rules.engine import evaluate

from .test_formats import comparable


def expected(number):
    text = parse_file(seed(number))
    compared = comparable(text)
    if number == 0:
        compared["findings"] = [f for f in compared["findings"] if f[0] != "I1"]  # as in test_formats
    return text, compared


def cut(data):
    """True when table 三 starts on one page and ends on another."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        texts = ["".join(page.extract_text().split()) for page in pdf.pages]
    first = next(i for i, text in enumerate(texts) if "本年新收" in text)
    return "结转下年度继续办理" not in texts[first]


@pytest.mark.parametrize("repeat_header", [False, True], ids=["header once", "header repeated"])
@pytest.mark.parametrize("number", range(5))
def test_table_across_pages_from_a_word_processor(number, repeat_header):
    text, compared = expected(number)
    data = to_pdf(text, cell_size=9, repeat_header=repeat_header)
    assert cut(data)
    assert comparable(parse_bytes(data, f"seed{number}.pdf")) == compared


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (apt-get install chromium)"


@pytest.mark.parametrize("number", range(5))
def test_web_page_printed_by_a_browser(browser, number):
    text, compared = expected(number)
    data = to_browser_pdf(text)
    assert cut(data)
    shape = parse_bytes(data, f"seed{number}.pdf")
    assert comparable(shape) == compared
    # The page's breadcrumb (首页 > 政务公开) and the browser's header are not the title.
    assert norm(shape.facts["title"]) == norm(text.facts["title"])


@pytest.mark.parametrize("number", range(5))
def test_tables_without_rules_are_read_from_their_lines_and_never_guessed(number):
    # A PDF whose tables have no ruling lines: the text layer holds labels and numbers only.
    # Rows read from their lines are exact; a row that cannot be read is blank with a finding.
    text = parse_file(seed(number))
    shape = parse_bytes(to_pdf(text, ruled=False), f"seed{number}.pdf")
    flagged = {(f.table, f.row, f.column) for f in evaluate(shape)}
    read = 0
    for table in v.tables_for(text.format_version):
        for row, column in table.cells():
            cell = (table.key, row.key, column and column.key)
            value = shape.cell(*cell)
            if value is None and text.cell(*cell) is not None:
                assert {cell, (table.key, row.key, None), (table.key, None, column and column.key)} & flagged, cell
            else:
                assert value == text.cell(*cell), cell
                read += value is not None
    # Every table whole, 000's five-column table 三 too (its header words stacked a few a line) and
    # table 四 under a header printed letter by letter; only 003's two rows of 表二 with a blank
    # 现行有效 are left blank (E15): spaces do not say which cell the blank is.
    assert read == sum(text.cell(table.key, r.key, c and c.key) is not None for table in v.tables_for(text.format_version)
                       for r, c in table.cells()) - (4 if number == 3 else 0)


def test_a_number_alone_is_the_page_number_only_apart_from_the_text():
    """A narrow column wraps 167 as 「16」 over 「7」: at a page's top, 「16」 is a line of a number
    alone, close above the row it belongs to, and must stay (dropped, the row read 7 for 167).
    A page number stands apart from the text, above or below it."""
    from reports.parsers.pdf import _without_page_number

    def line(top, text):
        return {"top": top, "bottom": top + 9, "text": text}

    piece, row, last, number = line(83, "16"), line(95, "（一）予以公开 8 0 46 65 3 45 7"), line(700, "……"), line(780, "3")
    assert _without_page_number([piece, row, last, number]) == [piece, row, last]
    assert _without_page_number([line(40, "- 2 -"), row, line(300, "第 2 页")]) == [row]
