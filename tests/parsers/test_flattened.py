"""Flattened web text (issue 13): portal pages whose text runs into one line, tables included.

The corpus's real reports must read back to their transcribed values; a cell the text cannot
settle is blank with E15 on its row, and no figure is wrong without a finding pointing at it.
The seeds rendered in the same shapes (figures joined, or spaced) must read back exactly.
"""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from reports import vocabulary as v
from reports.parsers import parse_bytes, parse_file
from reports.parsers.document import split_headings
from reports.parsers.grid import parse_value, row_key
from reports.parsers.recover import _read_row, _row_total, recover_tables
from reports.parsers.text import _without_hard_wraps
from reports.rules.engine import evaluate
from reports.rules.shape import ReportShape

from ..conftest import seed
from ..fixtures.render import to_flat, to_text

CORPUS = Path("/work/shared/corpus")
ROWS = {"新收": "new_received", "上年结转": "carried_over", "予以公开": "granted", "部分公开": "partially_granted",
        **{f"不予公开_{i + 1}": r.key for i, r in enumerate(v.APPLICATIONS.rows[4:12])},
        **{f"无法提供_{i + 1}": r.key for i, r in enumerate(v.APPLICATIONS.rows[12:15])},
        **{f"不予处理_{i + 1}": r.key for i, r in enumerate(v.APPLICATIONS.rows[15:20])},
        **{f"其他处理_{i + 1}": r.key for i, r in enumerate(v.APPLICATIONS.rows[20:23])},
        "其他处理": "other_other", "总计": "total_processed", "结转下年度": "carried_forward"}  # fmt: skip
GROUPS = {"复议": "reconsideration", "未经复议直接起诉": "litigation_direct", "复议后起诉": "litigation_after_reconsideration"}
ACTIVE = {"规章": "regulations", "行政规范性文件": "normative_documents", "行政许可": "licensing",
          "行政处罚": "penalty", "行政强制": "enforcement", "行政事业性收费": "fees"}  # fmt: skip


def expected_cells(answer):
    """{(table, row, column): value} of a corpus transcription."""
    cells = {}
    for label, row in ROWS.items():
        for column, value in zip(v.APPLICANT_KEYS, (answer["table3"]["rows"].get(label) or [])):
            cells[("applications", row, column)] = value
    for label, group in GROUPS.items():
        for column, value in zip(v.RESULT_KEYS, answer["table4"][label]):
            cells[("review_litigation", group, column)] = value
    if answer["format_version"] == "2021":
        for label, row in ACTIVE.items():
            value = answer["table2"][label]
            columns = v.ACTIVE.row_by_key[row].columns
            for column, x in zip(columns, value) if columns else [(None, value)]:
                cells[("active", row, column and column.key)] = x
    return cells


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared corpus is not on this machine")
@pytest.mark.parametrize("name", sorted(p.stem for p in (CORPUS / "expected").glob("*.json")))
def test_corpus_report_reads_as_published_or_says_why_not(name):
    answer = json.loads((CORPUS / "expected" / f"{name}.json").read_text())
    shape = parse_file(CORPUS / "raw" / f"{name}.txt")
    findings = evaluate(shape)
    unrecovered = {(f.table, f.row) for f in findings if f.code == "E15"}
    assert shape.year == answer["year"]
    assert shape.format_version == answer["format_version"]
    for (table, row, column), want in expected_cells(answer).items():
        got = shape.cell(table, row, column)
        if want is not None and float(got if got is not None else -1) == float(want):
            continue
        if got is None and want is None:
            continue
        # the only other outcome allowed: blank, with E15 on its row
        assert got is None and (table, row) in unrecovered, (table, row, column, want, got)


def test_corpus_inconsistent_report_is_not_repaired():
    """06 publishes 部分公开 8, 1, … with 总计 8: read as printed, E9 says so. Its （七）总计
    191000019 fits no split under which every sum holds; with 商业企业's balance (the sum 06
    breaks) not asked, 19, 1, 0, 0, 0, 0, 19 is the one that fits, each cell what its column's
    outcomes add up to: read as published, and E9 and E7 say where it breaks."""
    path = CORPUS / "raw" / "06_pingtan_zrzyj_2023.txt"
    if not path.exists():
        pytest.skip("the shared corpus is not on this machine")
    shape = parse_file(path)
    assert [shape.applications["partially_granted"][c] for c in v.APPLICANT_KEYS] == [8, 1, 0, 0, 0, 0, 8]
    assert [shape.applications["total_processed"][c] for c in v.APPLICANT_KEYS] == [19, 1, 0, 0, 0, 0, 19]
    assert "applications__total_processed__commercial" in shape.recovered()
    findings = evaluate(shape)
    codes = {(f.code, f.row) for f in findings}
    assert {("E9", "partially_granted"), ("E9", "total_processed")} <= codes
    assert ("E7", "commercial") in {(f.code, f.column) for f in findings}
    # 2135 under 本年制发/本年废止/现行有效 is 2, 1, 35 or 2, 13, 5: blank, E15 quoting the run
    e15 = [f for f in findings if f.code == "E15"]
    assert [(f.table, f.row) for f in e15] == [("active", "normative_documents")]
    assert shape.facts["unrecovered"] == {"active__normative_documents": "行政规范性文件2135"}


def table_three(runs, omit=()):
    """表三 flattened as corpus 06 prints it: each official row's label, then its figures joined
    (`runs` by row key, 0000000 otherwise); the rows in `omit` lost from the text."""
    text = "三、收到和处理政府信息公开申请情况 申请人情况 自然人 法人或其他组织 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计 "
    return text + " ".join(r.label + runs.get(r.key, "0000000") for r in v.APPLICATIONS.rows if r.key not in omit)


# Corpus 06's table 三: 部分公开 counts a 商业企业 application never received.
BROKEN_06 = {"new_received": "190000019", "granted": "6000006", "partially_granted": "8100008",
             "unable_not_held": "4000004", "other_other": "1000001", "total_processed": "191000019"}  # fmt: skip


NEW_19 = {"applications__new_received": "一、本年新收政府信息公开申请数量190000019"}


def test_a_broken_total_row_its_columns_pin_is_read_as_published():
    shape = ReportShape()
    recover_tables({"applications": table_three(BROKEN_06)}, shape)
    assert [shape.applications["total_processed"][c] for c in v.APPLICANT_KEYS] == [19, 1, 0, 0, 0, 0, 19]
    assert "applications__total_processed" in shape.facts["recovered"]
    assert not shape.facts.get("unrecovered")


def test_a_broken_total_row_no_sum_that_holds_pins_stays_blank():
    """部分公开 lost from the text: its outcomes no longer add up to anything that can be asked, and
    with 商业企业's balance (the sum it breaks) not asked, nothing fixes that cell: 191000019 fits
    19, 1, … only because the digits happen to allow no other. Blank, E15. So is 一、本年新收:
    190000019 keeps its own 总计 only as 19, 0, …, 19, but a row may break its 总计, and with
    （七）总计 unread no column confirms that reading."""
    shape = ReportShape()
    recover_tables({"applications": table_three(BROKEN_06, omit={"partially_granted"})}, shape)
    assert shape.facts["unrecovered"] == {"applications__total_processed": "(七)总计191000019", **NEW_19}
    assert shape.applications["total_processed"]["total"] is None


def test_a_broken_total_row_two_relaxed_readings_fit_stays_blank():
    """1910000019 under a balance of 19, 0, …, 19 (部分公开 lost): 191, 0, … breaks 自然人's
    balance alone, 19, 10, … 商业企业's alone. Either could be the published row: blank, E15."""
    shape = ReportShape()
    runs = BROKEN_06 | {"total_processed": "1910000019"}
    recover_tables({"applications": table_three(runs, omit={"partially_granted"})}, shape)
    assert shape.facts["unrecovered"] == {"applications__total_processed": "(七)总计1910000019", **NEW_19}
    assert shape.applications["total_processed"]["total"] is None


@pytest.mark.parametrize("joiner", ["", " "])
@pytest.mark.parametrize("number", range(5))
def test_seed_flattened_reads_back(number, joiner):
    original = parse_file(seed(number))
    shape = parse_bytes(to_flat(original, joiner), f"seed{number}.txt")
    findings = evaluate(shape)
    unrecovered = {(f.table, f.row) for f in findings if f.code == "E15"}
    for table in v.tables_for(original.format_version):
        for row, column in table.cells():
            got = shape.cell(table.key, row.key, column and column.key)
            want = original.cell(table.key, row.key, column and column.key)
            assert got == want or (got is None and (table.key, row.key) in unrecovered), (table.key, row.key, column)
    # only a row with a blank cell (003's 现行有效件数) loses its place in a joined run
    for table_key, row in unrecovered:
        assert None in (original.cell(table_key, row, c and c.key) for r, c in v.TABLE_BY_KEY[table_key].cells() if r.key == row)
    assert {f.code for f in findings} - {"E15", "I2"} <= {f.code for f in evaluate(original)} | {"W1", "E3"}


def test_headings_inside_a_line_and_local_sections_are_content():
    text = "前言。一、总体情况2023年，我局……二、工作机制保障 一是……二、主动公开政府信息情况第二十条"
    assert split_headings(text) == ["前言。", "一、总体情况", "2023年，我局……二、工作机制保障 一是……", "二、主动公开政府信息情况", "第二十条"]
    # short, as a PDF's text joins a table's last row and the next heading (PDFium, at a page's end)
    assert split_headings("四、结转下年度继续办理 0 0 0 0 0四、政府信息公开行政复议、行政诉讼情况") == [
        "四、结转下年度继续办理 0 0 0 0 0", "四、政府信息公开行政复议、行政诉讼情况"]


def test_joined_digits_split_by_row_and_group_totals():
    shape = ReportShape()
    text = ("行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉 "
            "1 02 0 312 00 012 0 00 00")
    recover_tables({"review_litigation": text}, shape)
    assert [shape.review_litigation[g][c] for g in ("reconsideration", "litigation_direct") for c in v.RESULT_KEYS] == [
        1, 0, 2, 0, 3, 12, 0, 0, 0, 12]
    assert set(shape.facts["recovered"]) == {f"review_litigation__{g.key}" for g in v.REVIEW_LITIGATION.rows}


def test_ambiguous_signed_change_is_left_blank_with_its_text():
    """2019 本年增/减: 88-720 is 88, −72, 0 or 88, −7, 20; nothing in the table tells which."""
    shape = ReportShape(format_version="2019")
    text = "第二十条第（五）项 信息内容 上一年项目数量 本年增/减 处理决定数量 行政许可88-720 行政事业性收费 5-2"
    recover_tables({"active": text}, shape)
    assert shape.active_2019["licensing"] == {"previous_items": None, "change": None, "decisions": None}
    assert shape.facts["unrecovered"] == {"active_2019__licensing": "行政许可88-720"}
    assert shape.active_2019["fees"] == {"previous_items": 5, "change": -2}


def test_a_sign_printed_apart_from_its_figure_or_as_the_minus_sign_character_is_kept():
    """「行政许可 20 - 3 17」 and 「行政事业性收费 3- 1」 were read 20, 3, 17 and 3, 1: the lone sign was
    dropped, with no finding. 「−」 (U+2212, which NFKC keeps) ended the run, 「144−1298」 was split
    as 1, 4, 4. A lone 「-」 that leaves too few figures is a blank's mark or a sign: E15."""
    shape = ReportShape(format_version="2019")
    text = ("第二十条第（五）项 信息内容 上一年项目数量 本年增/减 处理决定数量 行政许可 20 - 3 17 "
            "其他对外管理服务事项144\u22121232 行政处罚 67 － 36 31 行政强制20- 317 行政事业性收费3- 1")
    recover_tables({"active": text}, shape)
    assert shape.active_2019["licensing"] == {"previous_items": 20, "change": -3, "decisions": 17}
    shape = ReportShape(format_version="2019")
    recover_tables({"active": text.replace("144\u22121232", "144 \u221212 32")}, shape)
    assert shape.active_2019["other_services"] == {"previous_items": 144, "change": -12, "decisions": 32}
    shape = ReportShape(format_version="2019")
    recover_tables({"active": text}, shape)
    assert shape.active_2019["penalty"] == {"previous_items": 67, "change": -36, "decisions": 31}
    assert shape.active_2019["fees"] == {"previous_items": 3, "change": -1}
    assert set(shape.facts["unrecovered"]) == {"active_2019__other_services", "active_2019__enforcement"}
    assert parse_value("\u22123") == (-3, None)  # a grid's cell too


def test_signed_change_decided_only_where_one_reading_keeps_the_row_possible():
    """12-150 is 12, −1, 50: 12, −15, 0 would leave fewer than no items. 5120 under 本年新制作 /
    本年新公开 / 对外公开总数量 is 5, 1, 20: what is newly public is among all that is public.
    Each is marked as inferred (I2) with the text it was read from."""
    shape = ReportShape(format_version="2019")
    text = ("第二十条第（一）项 信息内容 本年新制作数量 本年新公开数量 对外公开总数量 规章 3 2 10 规范性文件 5120 "
            "第二十条第（五）项 信息内容 上一年项目数量 本年增/减 处理决定数量 行政许可12-150 行政处罚88-720")
    recover_tables({"active": text}, shape)
    assert shape.active_2019["licensing"] == {"previous_items": 12, "change": -1, "decisions": 50}
    assert shape.active_2019["normative_documents"] == {"made": 5, "published": 1, "total_public": 20}
    assert shape.active_2019["regulations"] == {"made": 3, "published": 2, "total_public": 10}
    assert set(shape.facts["recovered"]) == {"active_2019__licensing", "active_2019__normative_documents"}
    assert shape.facts["unrecovered"] == {"active_2019__penalty": "行政处罚88-720"}  # 88, −72, 0 or 88, −7, 20


def test_hostile_digit_runs_are_bounded_and_said_so():
    """Thousands of digits in a row, or a row of many equally good splits: a bounded search, E15."""
    import time

    labels = [r.label for r in v.APPLICATIONS.rows]
    text = "一、总体情况 概述。三、收到和处理政府信息公开申请情况 " + "".join(
        label + ("1" * 3000 if i == 0 else "1111111111111" if i == 1 else "0000000") for i, label in enumerate(labels)
    ) + "四、政府信息公开行政复议、行政诉讼情况 结果维持 总计 总计 总计 " + "12" * 400
    started = time.perf_counter()
    shape = parse_bytes(text.encode(), "flat.txt")
    assert time.perf_counter() - started < 10
    codes = {(f.code, f.row) for f in evaluate(shape)}
    assert ("E15", "new_received") in codes and ("E15", "carried_over") in codes
    assert ("E15", "reconsideration") in codes
    assert shape.applications["new_received"]["total"] is None


def test_labels_and_numbers_printed_apart_are_placed_in_official_order():
    """A PDF's text layer may give 表三's labels on their lines and its figures on others."""
    original = parse_file(seed(2))
    labels = "".join(r.label for r in v.APPLICATIONS.rows)
    figures = " ".join(str(original.applications[r.key][c]) for r in v.APPLICATIONS.rows for c in v.APPLICANT_KEYS)
    shape = ReportShape()
    settled = recover_tables({"applications": "申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他 " + labels + "\n" + figures}, shape)
    assert settled == {"applications": set(v.APPLICATION_KEYS)}
    assert shape.applications == original.applications
    assert f"applications__unable_not_held__natural_person" in shape.recovered()


def test_a_label_in_a_sentence_beside_the_table_is_not_its_row():
    shape = ReportShape()
    text = "本年度依法作出行政处罚，共35件。"
    read = {"regulations", "normative_documents", "licensing", "enforcement", "fees"}
    assert recover_tables({"active": text}, shape, done={"active": read}) == {"active": set()}
    assert shape.active["penalty"] is None and not shape.facts.get("recovered")


def test_a_report_of_seven_sections_is_still_a_report():
    """五 printed as two sections (五、存在的主要问题 六、改进措施) and 六 numbered 七, in one line."""
    original = parse_file(seed(1))
    text = to_flat(original).decode()
    five = text.index("五、存在的主要问题及改进情况")
    six = text.index("六、其他需要报告的事项")
    problems, improvements = "".join(original.sections["problems"]), "".join(original.sections["improvements"])
    text = (text[:five] + "五、存在的主要问题" + problems + "六、改进措施" + improvements
            + "七、其他需要报告的事项" + text[six + len("六、其他需要报告的事项") :])
    shape = parse_bytes(text.encode(), "seven.txt")
    assert not [f for f in evaluate(shape) if f.code == "E1"]
    assert "".join(shape.sections["problems"]) == problems and "".join(shape.sections["improvements"]) == improvements
    assert shape.sections["other"] == original.sections["other"].replace("\n", "")  # one line now


def test_seed_with_aliased_columns_flattened_keeps_its_w17():
    """004 prints 社会组织 and 律师事务所 for the official column labels (W17), flattened too."""
    original = parse_file(seed(4))
    shape = parse_bytes(to_flat(original), "seed4.txt")
    assert sorted(a["column"] for a in shape.facts["aliases"]) == sorted(a["column"] for a in original.facts["aliases"])
    assert shape.applications == original.applications


def test_labels_in_a_note_without_figures_are_no_table():
    shape = ReportShape()
    assert recover_tables({"active": "本年度未制定规章，行政强制事项已全部公开。2023年如此。"}, shape) == {"active": set()}


def test_figures_printed_apart_are_never_joined_into_one():
    """A PDF's text may give two rows' labels, then both rows' figures: 126 and 0 are not 1260 for
    行政强制, and 行政处罚, printed without a figure of its own, is not blank but unread."""
    shape = ReportShape()
    text = "第二十条第（六）项 信息内容 行政处罚 行政强制 本年处理决定数量 126 0 第二十条第（八）项 信息内容 行政事业性收费 0"
    recover_tables({"active": text}, shape, done={"active": {"regulations", "normative_documents", "licensing"}})
    assert shape.active["penalty"] is None and shape.active["enforcement"] is None
    assert set(shape.facts["unrecovered"]) == {"active__penalty", "active__enforcement"}
    assert shape.active["fees"] == 0


def test_figures_printed_apart_but_fewer_than_the_cells_are_not_cut_to_fill_a_broken_row():
    """「12 13 49 0」 under table 三's seven columns (PDF text, the row breaking its 总计 either way):
    figures are missing, and cutting the printed ones to fill the row would store guesses; the
    table's sums decide, or the row is E15. One run of digits is cut as the table published it,
    where the table's other rows read (_place_applications)."""
    columns = v.APPLICATIONS.columns
    assert _read_row("12 13 49 0", columns, _row_total(len(columns)))[1] is None
    assert _read_row("1213490", columns, _row_total(len(columns))) == ((1, 2, 1, 3, 4, 9, 0), "unfitting")


def test_a_split_only_its_own_total_picks_is_confirmed_by_the_columns():
    """「1.信访举报投诉类申请」 published as 0, 108, 0, 11, 2, 192, 304 (its 总计 not its parts'
    sum; found with random figures). Joined, 01080112192304 has one split that keeps the 总计:
    0, 10, 80, 1, 121, 92, 304, and it is wrong. The columns' outcomes, which the published
    figures keep, reject it: blank, E15, never the wrong row with an I2 alone."""
    runs = {key: "01080112192313" for key in ("new_received", "total_processed")}
    runs["not_processed_petition"] = "01080112192304"
    shape = ReportShape()
    recover_tables({"applications": table_three(runs)}, shape)
    assert shape.applications["not_processed_petition"]["total"] is None
    assert "applications__not_processed_petition" in shape.facts["unrecovered"]
    assert "applications__not_processed_petition" not in shape.facts.get("recovered", {})
    # a row of its column sums lost from the text: nothing could show the split wrong, so E15 too
    for lost in ("granted", "total_processed"):
        shape = ReportShape()
        recover_tables({"applications": table_three(runs, omit={lost})}, shape)
        assert shape.applications["not_processed_petition"]["total"] is None, lost
        assert "applications__not_processed_petition" in shape.facts["unrecovered"], lost
    # a row whose 总计 picks one of its splits, and the columns confirm it: read (I2)
    runs = dict.fromkeys(("new_received", "total_processed", "not_processed_petition"), "10830201080248")
    shape = ReportShape()
    recover_tables({"applications": table_three(runs)}, shape)
    assert [shape.applications["not_processed_petition"][c] for c in v.APPLICANT_KEYS] == [108, 30, 2, 0, 108, 0, 248]
    assert "applications__not_processed_petition" in shape.facts["recovered"]


def test_figures_after_two_labels_and_more_text_are_neither_rows():
    """pdfminer's text of 表二: both rows' labels, the next block's heading, then the figures
    (「行政处罚 行政强制 第二十条第（八）项 本年处理决定数量 0 … 0 2」). The first figure after 行政强制
    is not its own for sure: both rows unread (E15), never 行政强制 0 for 2."""
    shape = ReportShape()
    text = ("第二十条第（六）项 信息内容 行政处罚 行政强制 第二十条第（八）项 本年处理决定数量 0 本年处理决定数量 0 2 "
            "信息内容 本年收费金额（单位：万元） 行政事业性收费 5")
    recover_tables({"active": text}, shape, done={"active": {"regulations", "normative_documents", "licensing"}})
    assert shape.active["penalty"] is None and shape.active["enforcement"] is None
    assert set(shape.facts["unrecovered"]) == {"active__penalty", "active__enforcement"}
    # printed row by row, a blank row's figure-less label before the next row's figures is no doubt
    shape = ReportShape()
    recover_tables({"active": "信息内容 本年处理决定数量 行政处罚 行政强制 0 行政事业性收费 5"}, shape)
    assert shape.active["enforcement"] == 0


def test_a_label_naming_two_rows_names_neither():
    """PDFium runs a row into the next (「行政处罚 2行政强制 0」): the label holds two rows' names, and
    the figure after it is either's. A short fragment inside a longer label (「其他」 in
    「2.其他法律行政法规禁止公开」, 「部分公开…不计其他情形」) names no second row."""
    assert row_key(v.ACTIVE, "行政处罚2行政强制") is None
    assert row_key(v.ACTIVE, "行政强制") == "enforcement"
    assert row_key(v.APPLICATIONS, "2.其他法律行政法规禁止公开") == "denied_prohibited_by_law"
    assert row_key(v.APPLICATIONS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "partially_granted"
    assert row_key(v.APPLICATIONS, "5.要求行政机关确认或重新出具已获取信息") == "not_processed_reissue"


def test_blank_cells_marked_among_joined_figures_are_cells_of_their_own():
    """「规章25—102」: a page that marks a blank cell 「—」, 「——」, 「/」 or 「-」 (no 2021 figure
    has a sign) prints the mark where the cell is; the figures around it were read as the row's
    only figures (25 alone, E15). A row of marks alone is blank."""
    active = (
        "二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 "
        "规章25—102 行政规范性文件3-10 第二十条第（五）项 信息内容 本年处理决定数量 行政许可/ "
        "第二十条第（六）项 信息内容 本年处理决定数量 行政处罚—— 行政强制5 "
        "第二十条第（八）项 信息内容 本年收费金额（单位：万元） 行政事业性收费1.5"
    )
    runs = dict.fromkeys(("new_received", "granted", "total_processed"), "5—0——05")
    shape = ReportShape()
    recover_tables({"active": active, "applications": table_three(runs)}, shape)
    assert shape.active["regulations"] == {"issued": 25, "repealed": None, "in_force": 102}
    assert shape.active["normative_documents"] == {"issued": 3, "repealed": None, "in_force": 10}
    assert (shape.active["licensing"], shape.active["penalty"], shape.active["enforcement"]) == (None, None, 5)
    assert shape.applications["granted"] == dict(zip(v.APPLICANT_KEYS, (5, None, 0, None, None, 0, 5)))
    assert not shape.facts.get("unrecovered")


ACTIVE_HEAD = "二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 "
ACTIVE_REST = (
    " 第二十条第（五）项 信息内容 本年处理决定数量 行政许可1 第二十条第（六）项 信息内容 本年处理决定数量 "
    "行政处罚2 行政强制3 第二十条第（八）项 信息内容 本年收费金额（单位：万元） 行政事业性收费714.01"
)


def test_figures_with_units_a_blank_cell_as_none_or_a_thousands_comma_are_read_whole():
    """Only the first run of figures was the row's: 「规章 265 无 286」 and 「规章 676件 0件 975件」
    were 2, 6, 5 and 6, 7, 6 (one run split to fill the row), 「3,434」 a 总计 of 3."""
    for row, values in (("规章 265 无 286", (265, None, 286)), ("规章 676件 0件 975件", (676, 0, 975)), ("规章 1,169 0 1,200", (1169, 0, 1200))):
        shape = ReportShape()
        recover_tables({"active": ACTIVE_HEAD + row + " 行政规范性文件 1 0 1" + ACTIVE_REST}, shape)
        assert tuple(shape.active["regulations"].values()) == values, row


def test_a_year_opening_the_text_after_a_table_is_not_its_last_figure():
    """「行政事业性收费714.01」 then 「2023年本机关…」, flattened: 714.012023 before."""
    for joiner in ("", " "):
        shape = ReportShape()
        text = ACTIVE_HEAD + "规章 1 0 1 行政规范性文件 1 0 1" + ACTIVE_REST + joiner + "2023年本机关未收取其他费用。"
        recover_tables({"active": text}, shape)
        assert shape.active["fees"] == Decimal("714.01"), repr(joiner)


def test_a_lone_split_that_breaks_its_own_accounting_is_not_taken_where_a_blank_may_have_dropped():
    """A page that prints nothing for a blank cell: 「规章 12 —」 (—, 12, —) split 1, 2, — ; 表四's
    fifteen digits (a blank dropped, a figure of two digits) read one a cell though its group
    totals break; 表三 rows whose one split breaks their 总计 read where most rows are E15."""
    shape = ReportShape()
    recover_tables({"active": ACTIVE_HEAD + "规章 12 — 行政规范性文件 1 0 1" + ACTIVE_REST}, shape)
    assert set(shape.active["regulations"].values()) == {None}
    assert "active__regulations" in shape.facts["unrecovered"]
    shape = ReportShape()
    four = "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 " + " ".join(c.label for c in v.RESULT_COLUMNS) * 3
    recover_tables({"review_litigation": four + " 000335135406060"}, shape)
    assert all(value is None for cells in shape.review_litigation.values() for value in cells.values())
    # half the rows lack two figures (E15), half split one way only, breaking their 总计 (0, 0, 4,
    # 0, —, 6, 10 as 0, 0, 4, 0, 6, 1, 0): those do not vouch for each other
    keys = [row.key for row in v.APPLICATIONS.rows]
    runs = {key: "00000" if i % 2 else "0040610" for i, key in enumerate(keys)}
    shape = ReportShape()
    recover_tables({"applications": table_three(runs)}, shape)
    assert all(shape.applications[key]["total"] is None for key in keys)


def test_a_row_of_one_figure_amid_rows_printed_apart_is_not_split():
    """pdftotext prints nothing for a blank cell: 「规章 125」 (—, —, 125) amid rows whose figures
    are apart was split 1, 2, 5 (W3 allows it); the figure may as well be whole: E15. In text that
    joins every row's figures, a run is split as before."""
    shape = ReportShape()
    recover_tables({"active": ACTIVE_HEAD + "规章 125 行政规范性文件 3 0 9" + ACTIVE_REST}, shape)
    assert set(shape.active["regulations"].values()) == {None}
    assert "active__regulations" in shape.facts["unrecovered"]
    shape = ReportShape()
    recover_tables({"active": ACTIVE_HEAD + "规章125 行政规范性文件309" + ACTIVE_REST}, shape)
    assert tuple(shape.active["regulations"].values()) == (1, 2, 5)


def test_a_date_opening_the_text_after_a_table_is_not_its_last_figure():
    """After 表二 「12月31日前…」 (35.9612), after 表四 「2023年度…」 (92023)."""
    shape = ReportShape()
    recover_tables({"active": ACTIVE_HEAD + "规章 1 0 1 行政规范性文件 1 0 1" + ACTIVE_REST + "12月31日前已全部公开。"}, shape)
    assert shape.active["fees"] == Decimal("714.01")
    four = "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 " + " ".join(c.label for c in v.RESULT_COLUMNS) * 3
    shape = ReportShape()
    recover_tables({"review_litigation": four + " 0 0 0 0 0 1 0 0 0 1 0 0 0 9 9 2023年度本机关无其他情况。"}, shape)
    assert shape.review_litigation["litigation_after_reconsideration"] == dict(zip(v.RESULT_KEYS, (0, 0, 0, 9, 9)))


def test_a_row_that_drops_its_last_blank_cell_is_not_placed_by_w3():
    """Seed 003 leaves 现行有效件数 blank; spaced, 「行政规范性文件 2 0 」 prints two figures for
    three cells. W3's bound read the blank as 0, so only —, 2, 0 kept it: 2, 0 shifted a cell
    right with nothing but W1. Where the blank falls is the question, so it bounds nothing: E15."""
    shape = ReportShape()
    recover_tables({"active": ACTIVE_HEAD + "规章 0 0 行政规范性文件 2 0 " + ACTIVE_REST}, shape)
    assert set(shape.active["normative_documents"].values()) == {None}
    assert "active__normative_documents" in shape.facts["unrecovered"]
    shape = ReportShape()  # joined digits still split by the bound: 6051 is 6, 0, 51
    recover_tables({"active": ACTIVE_HEAD + "规章000 行政规范性文件6051" + ACTIVE_REST}, shape)
    assert tuple(shape.active["normative_documents"].values()) == (6, 0, 51)


def test_an_amount_printed_in_yuan_is_not_stored_as_wan_yuan():
    """2019's 「政府集中采购15 6805947.43元」: the cell holds 万元, so 6805947.43 was stored ten
    thousand times too large, without a finding. Kept as printed for E6, as a grid's cell is; 0元
    is 0 in either unit."""
    head = "二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年新制作数量 本年新公开数量 对外公开总数量 规章 0 0 0 规范性文件 2 2 2 "
    for amount, stored in (("6805947.43元", None), ("0元", 0), ("12.5万元", Decimal("12.5"))):
        shape = ReportShape(format_version="2019")
        recover_tables({"active": head + f"第二十条第（九）项 政府集中采购 采购项目数量 采购总金额 政府集中采购 15 {amount}"}, shape)
        assert shape.active_2019["procurement"] == {"items": 15, "amount": stored}, amount
        invalid = [f for f in evaluate(shape) if f.code == "E6"]
        assert [(f.row, f.column) for f in invalid] == ([("procurement", "amount")] if stored is None else []), amount
    shape = ReportShape()  # 2021's fees, recovered: the figure as read, in 元
    recover_tables({"active": ACTIVE_HEAD + "规章 1 0 1 行政规范性文件 1 0 1" + ACTIVE_REST.replace("714.01", "1,200元")}, shape)
    assert shape.active["fees"] is None and shape.facts["invalid_cells"] == {"active__fees": "1200元"}
    text = to_text(parse_file(seed(1))).decode().replace("行政事业性收费\t0\t", "行政事业性收费\t1200元\t")
    shape = parse_bytes(text.encode(), "x.txt")  # a grid's cell
    assert shape.active["fees"] is None and shape.facts["invalid_cells"] == {"active__fees": "1200元"}


@pytest.mark.parametrize("width", [20, 44, 68, 120])
def test_flattened_text_saved_with_a_break_every_n_characters_reads_as_the_page(width):
    """An archive that wraps a page's one line every N characters breaks figures (「行政处罚67+3610」
    over 「3」, read 3610 and 3 without a finding) and headings: the full lines are joined again."""
    for number in range(5):
        flat = to_flat(parse_file(seed(number)), " " if number % 2 else "").decode()
        body = "\n".join(flat[k : k + width] for k in range(0, len(flat), width))
        head = "原网址：https://example.gov.cn/zwgk/1.html\n归档时间：2024-01-05\n"
        whole, wrapped = parse_bytes(flat.encode(), "x.txt"), parse_bytes((head + body).encode(), "x.txt")
        for table in v.tables_for(whole.format_version):
            assert wrapped.table(table.key) == whole.table(table.key), (number, table.key)
    # extracted text: lines break at paragraphs and rows, a justified PDF's prose at one width
    lines = []
    for line in to_text(parse_file(seed(1))).decode().split("\n"):
        lines += [line] if "\t" in line else [line[k : k + 30] for k in range(0, max(len(line), 1), 30)]
    assert _without_hard_wraps(lines) == lines


def test_a_row_printed_as_marks_alone_is_blank_whatever_the_other_rows():
    """Corpus 06 with 「行政许可—」: a row printed without figures is taken for one whose figures a
    merged cell holds, so where another row is E15 (「行政规范性文件2135」) it was E15 too, and so
    was the next row, 「行政处罚35」. A blank cell's mark says the row is printed, blank."""
    text = (
        ACTIVE_HEAD + "规章000行政规范性文件2135 第二十条第（五）项 信息内容 本年处理决定数量 行政许可— "
        "第二十条第（六）项 信息内容 本年处理决定数量 行政处罚35行政强制0 "
        "第二十条第（八）项 信息内容 本年收费金额（单位：万元） 行政事业性收费0"
    )
    shape = ReportShape()
    recover_tables({"active": text}, shape)
    assert (shape.active["licensing"], shape.active["penalty"], shape.active["enforcement"]) == (None, 35, 0)
    assert set(shape.facts["unrecovered"]) == {"active__normative_documents"}
    shape = ReportShape()  # one mark for a row of three cells
    recover_tables({"active": text.replace("规章000", "规章—")}, shape)
    assert set(shape.active["regulations"].values()) == {None} and shape.active["penalty"] == 35
    assert set(shape.facts["unrecovered"]) == {"active__normative_documents"}


@pytest.mark.parametrize("mark", ["．", "."])
def test_section_headings_inside_a_line_with_a_dot_after_the_ordinal(mark):
    """「三．收到和处理政府信息公开申请情况」 run into the text: the section was missing (E1), its
    table with it (E3 on 175 cells); a 2019 report whose 二 read so was taken for 2021 (E2)."""
    for number in (0, 2):
        flat = to_flat(parse_file(seed(number))).decode()
        dotted = flat
        for ordinal in "二三四五六":  # the first of each: the section's heading
            dotted = dotted.replace(f"{ordinal}、", f"{ordinal}{mark}", 1)
        shape, as_printed = parse_bytes(dotted.encode(), "x.txt"), parse_bytes(flat.encode(), "x.txt")
        assert shape.format_version == as_printed.format_version
        for table in v.tables_for(shape.format_version):
            assert shape.table(table.key) == as_printed.table(table.key), (number, table.key)
        codes = [f.code for f in evaluate(shape) if f.code in ("E1", "E2", "E3")]
        assert codes == [f.code for f in evaluate(as_printed) if f.code in ("E1", "E2", "E3")], number


def test_table_four_printed_a_row_a_group_reads_each_group_from_its_row():
    """A page that prints 表四 a row a group under one row of result labels (「行政复议 0 0 0 2 2」,
    「行政诉讼 未经复议直接起诉 1 2 2 0 5」, 「复议后起诉 0 2 0 0 2」) had all fifteen cells E15: the
    official table is one row of fifteen. Each group is read from its row, joined digits by its
    总计; figures before the first group's label (a note after the one row) are not this layout."""
    head = "四、政府信息公开行政复议、行政诉讼情况 " + " ".join(c.label for c in v.RESULT_COLUMNS) + " "
    for joiner in (" ", ""):
        groups = [joiner.join(map(str, row)) for row in ((0, 0, 0, 2, 2), (1, 2, 2, 0, 5), (0, 2, 0, 0, 2))]
        text = head + f"行政复议 {groups[0]} 行政诉讼 未经复议直接起诉 {groups[1]} 复议后起诉 {groups[2]}"
        shape = ReportShape()
        recover_tables({"review_litigation": text}, shape)
        assert shape.review_litigation["litigation_direct"] == dict(zip(v.RESULT_KEYS, (1, 2, 2, 0, 5))), repr(joiner)
        assert shape.review_litigation["litigation_after_reconsideration"] == dict(zip(v.RESULT_KEYS, (0, 2, 0, 0, 2)))
        assert not shape.facts.get("unrecovered")
    shape = ReportShape()  # a reader found a group's figures untrustworthy (〓, as a wrapped PDF figure)
    recover_tables({"review_litigation": text.replace("未经复议直接起诉 ", "未经复议直接起诉 〓")}, shape)
    assert set(shape.review_litigation["litigation_direct"].values()) == {None}
    assert "review_litigation__litigation_direct" in shape.facts["unrecovered"]
    four = "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 " + " ".join(c.label for c in v.RESULT_COLUMNS) * 3
    shape = ReportShape()
    note = " 注：行政复议1件，未经复议直接起诉2件，复议后起诉3件。"
    recover_tables({"review_litigation": four + " 0 0 0 0 0 1 0 0 0 1 0 0 0 9 9" + note}, shape)
    assert shape.review_litigation["litigation_after_reconsideration"] == dict(zip(v.RESULT_KEYS, (0, 0, 0, 9, 9)))
