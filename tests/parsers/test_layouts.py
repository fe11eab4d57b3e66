"""Table layouts real documents print, read as published or flagged, never misread (found by a
review with random figures): rows that leave their last cells out, headers that word a column or
group otherwise, a local row or a unit line above an official row, labels with a note in brackets."""
import re

from reports import vocabulary as v
from reports.parsers import parse_bytes, parse_file
from reports.parsers.grid import row_key
from reports.rules.engine import evaluate

from ..conftest import seed
from ..fixtures.figures import Figures, consistent
from ..fixtures.render import to_flat, to_html, to_markdown, to_spaced_text, to_text


def figures(number, name):
    return consistent(parse_file(seed(number)), Figures(name, small=True))


def last_table(html, change):
    tables = list(re.finditer(r"<table.*?</table>", html, re.S))
    return html[: tables[-1].start()] + change(tables[-1].group(0)) + html[tables[-1].end() :]


def test_html_rows_that_leave_their_last_cells_out_are_read_with_them_blank():
    original = figures(1, "trailing")
    for key in ("carried_forward", "other_other"):
        original.applications[key] = dict.fromkeys(v.APPLICANT_KEYS) | {"natural_person": 5}
    html = to_html(original).decode()
    stripped = re.sub(r"(<td colspan=\"1\" rowspan=\"1\"></td>)+</tr>", "</tr>", html)
    assert stripped != html
    shape = parse_bytes(stripped.encode(), "x.html")
    assert shape.applications == original.applications


def test_a_header_naming_a_column_otherwise_reads_every_row_in_official_order():
    """「公益组织」 for 社会公益组织: every row prints seven figures, so the header's seventh column
    is the official one it stands for; figures were shifted one column before."""
    original = figures(2, "alias")
    html = to_html(original).decode().replace("社会公益组织", "公益组织")
    shape = parse_bytes(html.encode(), "x.html")
    assert shape.applications == original.applications


def test_flattened_text_whose_header_names_a_column_otherwise_is_split_into_seven_columns():
    """「公益组织」 between 科研机构 and 法律服务机构, in text whose cells are joined: the header
    names six columns, and each row's digits were split six ways (wrong figures)."""
    original = figures(2, "alias")
    for joiner in ("", " "):
        text = to_flat(original, joiner).decode().replace("社会公益组织", "公益组织")
        shape = parse_bytes(text.encode(), "x.txt")
        assert shape.applications == original.applications
        assert {"table": "applications", "column": "social_welfare", "label": "公益组织"} in shape.facts["aliases"]


def test_table_four_groups_worded_otherwise_read_in_official_order():
    original = figures(3, "groups")
    original.review_litigation["litigation_direct"]["other"] = None  # read from its cells: the text has 14 figures
    html = last_table(to_html(original).decode(), lambda t: t.replace("未经复议直接起诉", "未经复议直接向法院起诉").replace("复议后起诉", "复议后向法院起诉"))
    shape = parse_bytes(html.encode(), "x.html")
    assert shape.review_litigation == original.review_litigation


def test_table_four_with_a_result_unnamed_and_blank_cells_is_not_placed_by_guess():
    """总计 printed as 合计, and three blank cells: twelve figures under twelve named cells, but
    which positions the blanks hold decides which figure is whose. Unread (E3), not shifted."""
    original = figures(2, "blanks")
    for group, column in (("reconsideration", "other"), ("litigation_direct", "pending"), ("litigation_after_reconsideration", "corrected")):
        original.review_litigation[group][column] = None
    html = last_table(to_html(original).decode(), lambda t: t.replace("总计", "合计"))
    shape = parse_bytes(html.encode(), "x.html")
    for group, cells in shape.review_litigation.items():
        for column, value in cells.items():
            assert value in (None, original.review_litigation[group][column]), (group, column)


def test_a_local_row_or_a_unit_line_above_an_official_row_leaves_it_read():
    original = figures(1, "local")
    lines = to_spaced_text(original).decode().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("二、上年结转"))
    text = "\n".join(lines[:at] + ["其中：网上申请  1  0  0  0  0  0  1"] + lines[at:])
    assert parse_bytes(text.encode(), "x.txt").applications["carried_over"] == original.applications["carried_over"]
    at = next(i for i, line in enumerate(lines) if line.startswith("行政许可"))
    text = "\n".join(lines[:at] + ["（单位：件）  2023"] + lines[at:])
    assert parse_bytes(text.encode(), "x.txt").active["licensing"] == original.active["licensing"]
    markdown = to_markdown(original, label_lines=True).decode().split("\n")
    at = next(i for i, line in enumerate(markdown) if "二、上年结转" in line)
    text = "\n".join(markdown[:at] + ["| 其中：网上申请 |", "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |"] + markdown[at:])
    assert parse_bytes(text.encode(), "x.md").applications["carried_over"] == original.applications["carried_over"]


def test_a_label_with_a_note_in_brackets_names_its_row():
    assert row_key(v.APPLICATIONS, "（七）总计（单位：件）") == "total_processed"
    assert row_key(v.APPLICATIONS, "3.其他（请注明）") == "other_other"
    assert row_key(v.ACTIVE, "规章（含地方政府规章）") == "regulations"
    assert row_key(v.APPLICATIONS, "，不计其他情形）") is None  # a wrapped label's second line


def test_a_header_that_prints_two_columns_swapped_is_read_in_its_order():
    """A report whose header prints 科研机构 before 商业企业 prints their figures in that order."""
    original = consistent(parse_file(seed(2)), Figures("swapped", small=False))
    swapped = {
        key: cells | {"commercial": cells["research"], "research": cells["commercial"]}
        for key, cells in original.applications.items()
    }
    for render, suffix in ((to_html, "html"), (to_spaced_text, "txt"), (to_markdown, "md"), (lambda s: to_flat(s, " "), "txt")):
        text = render(original).decode().replace("商业企业", "@").replace("科研机构", "商业企业").replace("@", "科研机构")
        assert parse_bytes(text.encode(), f"x.{suffix}").applications == swapped, suffix


def test_a_blank_cell_is_read_where_marked_and_never_filled_by_the_next_figure():
    """「规章 25 — 102」: a text one cell a line keeps the blank's 「—」 (it was taken for a Markdown
    separator, and 102 read as 本年废止件数); text that drops it (「规章 25 102」) may as well have
    run two figures together (2, 5, 102 keeps W3's bound): the row is E15, never guessed."""
    original = figures(1, "blank")
    original.active["regulations"] = {"issued": 25, "repealed": None, "in_force": 102}
    marked = parse_bytes(to_spaced_text(original, cell_lines=True), "x.txt")
    assert marked.active["regulations"] == original.active["regulations"]
    for text, suffix in ((to_markdown(original, cell_lines=True), "md"), (to_flat(original, " "), "txt"), (to_text(original).replace(b"\t\t", b"\t"), "txt")):
        shape = parse_bytes(text, f"x.{suffix}")
        assert shape.active["regulations"] == dict.fromkeys(original.active["regulations"]), suffix
        assert any(f.code in ("E3", "E15") and f.row == "regulations" for f in evaluate(shape)), suffix
