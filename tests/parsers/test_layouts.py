"""Table layouts real documents print, read as published or flagged, never misread (found by a
review with random figures): rows that leave their last cells out, headers that word a column or
group otherwise, a local row or a unit line above an official row, labels with a note in brackets."""
import re
from pathlib import Path

from reports import vocabulary as v
from reports.parsers import parse_bytes, parse_file
from reports.parsers.grid import row_key
from reports.rules.engine import evaluate

from ..conftest import seed
from ..fixtures.figures import Figures, consistent
from ..fixtures.render import to_flat, to_html, to_markdown, to_spaced_text, to_text

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"


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


def test_the_legal_person_group_worded_otherwise_holds_no_other_column():
    """「法人或者其他组织」: its 「其他」 was taken for the 其他 column, printed first, and every
    法人 column of every row was read one column over (found by a review with random figures)."""
    original = consistent(parse_file(seed(1)), Figures("group wording", small=False))
    for wording in v.LEGAL_PERSON_GROUP_ALIASES:
        for render in (to_spaced_text, lambda shape: to_flat(shape, " ")):
            text = render(original).decode().replace(v.LEGAL_PERSON_GROUP_LABEL, wording)
            assert parse_bytes(text.encode(), "x.txt").applications == original.applications, wording


def test_table_three_whose_first_row_is_worded_otherwise_or_missing_keeps_its_header():
    """000 prints five applicant columns; without a row 「一、本年新收…」 to end the header, every
    row was read as if all seven were printed (a figure a column over)."""
    original = consistent(parse_file(seed(0)), Figures("first row", small=False))
    label = v.APPLICATIONS.rows[0].label
    for render, suffix in ((to_text, "txt"), (to_html, "html"), (to_markdown, "md")):
        reworded = parse_bytes(render(original).decode().replace(label, "一、本年度新收政府信息公开申请数量").encode(), f"x.{suffix}")
        assert reworded.applications == original.applications, suffix
    lines = [line for line in to_text(original).decode().split("\n") if label not in line]
    missing = parse_bytes("\n".join(lines).encode(), "x.txt").applications
    assert missing == original.applications | {"new_received": dict.fromkeys(v.APPLICANT_KEYS)}


def test_a_page_number_amid_a_row_printed_one_cell_a_line_is_not_placed():
    """A bare 「3」 (a page's number, copied from a PDF viewer) among 表四's fifteen figures one a
    line: sixteen figures, placed one cell over before. Now E15."""
    original = figures(1, "page number")
    lines = to_spaced_text(original, cell_lines=True).decode().split("\n")
    at = max(i for i, line in enumerate(lines) if line.strip().isdigit()) - 7  # amid 表四's row
    shape = parse_bytes("\n".join(lines[:at] + ["3"] + lines[at:]).encode(), "x.txt")
    assert all(value is None for cells in shape.review_litigation.values() for value in cells.values())
    assert {f.row for f in evaluate(shape) if f.code == "E15"} >= {r.key for r in v.REVIEW_LITIGATION.rows}


def test_a_2019_row_narrower_than_its_table_is_read_under_its_header():
    """2019's 「行政事业性收费 | | 3 |」: two columns in a table three wide, 本年增/减 3 and
    上一年项目数量 blank; counting from the left put 3 under 上一年项目数量."""
    shape = parse_file(DOCUMENTS / "2019_format_yuanping_2020.txt")
    shape.active_2019["fees"] = {"previous_items": None, "change": 3}
    for render, suffix in ((to_text, "txt"), (to_html, "html"), (to_markdown, "md")):
        assert parse_bytes(render(shape), f"x.{suffix}").active_2019["fees"] == shape.active_2019["fees"], suffix


def test_a_header_label_naming_no_column_leaves_rows_of_more_figures_unread():
    """000 prints five applicant columns and six figures a row; with 「企业」 for 商业企业 its header
    names four, and counting placed every figure a column over. A local 「小计」 printed first in
    the 法人 group likewise (商业企业 took the 小计). Which figure is whose is a guess: E15."""
    original = consistent(parse_file(seed(0)), Figures("unknown label", small=False))
    for render, suffix in ((to_text, "txt"), (to_html, "html"), (to_markdown, "md")):
        text = render(original).decode()
        start, end = text.find("三、收到和处理"), text.find("一、本年新收")
        shape = parse_bytes((text[:start] + text[start:end].replace("商业企业", "企业") + text[end:]).encode(), f"x.{suffix}")
        assert all(value in (None, original.applications[key][column]) for key, cells in shape.applications.items() for column, value in cells.items()), suffix
    original = consistent(parse_file(seed(1)), Figures("subtotal", small=False))
    lines = to_text(original).decode().split("\n")
    for i, line in enumerate(lines):
        cells = line.split("\t")
        key = row_key(v.APPLICATIONS, cells[0] + cells[1]) if len(cells) > 8 else None
        if "商业企业" in line or key:
            subtotal = "小计" if not key else str(sum(original.applications[key][c] or 0 for c in v.LEGAL_PERSON_PARTS))
            lines[i] = "\t".join(cells[:3] + [subtotal] + cells[3:])
    shape = parse_bytes("\n".join(lines).encode(), "x.txt")
    assert all(value in (None, original.applications[key][column]) for key, cells in shape.applications.items() for column, value in cells.items())
    assert {f.row for f in evaluate(shape) if f.code == "E15"} >= {"new_received", "total_processed"}
