"""表三 given column by column (pdfminer's text of a ruled table, issue 13): the row labels first,
then each column's figures top to bottom. The figures are placed by column only when that is the
one reading that keeps the table's sums; otherwise the rows stay blank with E15."""
from reports import vocabulary as v
from reports.parsers.markdown import read_markdown
from reports.parsers.recover import recover_tables
from reports.rules.engine import evaluate
from reports.rules.shape import ReportShape

LABELS = " ".join(r.label for r in v.APPLICATIONS.rows)
HEADER = "申请人情况 法人或其他组织 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"


def published():
    """{row key: {column key: figure}}: a 表三 whose figures differ from row to row and column
    to column, every row's 总计 and every column's sums kept."""
    rows = {r.key: {} for r in v.APPLICATIONS.rows}
    for c, column in enumerate(v.APPLICANT_KEYS[:-1]):
        for i, key in enumerate(v.OUTCOME_KEYS):
            rows[key][column] = (i * 3 + c * 5) % 4
        rows["total_processed"][column] = sum(rows[key][column] for key in v.OUTCOME_KEYS)
        rows["carried_over"][column] = (c + 1) % 3
        rows["carried_forward"][column] = c
        rows["new_received"][column] = rows["total_processed"][column] + c - rows["carried_over"][column]
    for values in rows.values():
        values["total"] = sum(values[c] for c in v.APPLICANT_KEYS[:-1])
    return rows


def down(rows, keys=None, columns=v.APPLICANT_KEYS):
    """The figures of `keys` (all rows) column by column, one a line, as pdfminer gives them."""
    keys = keys or [r.key for r in v.APPLICATIONS.rows]
    return "\n\n".join(str(rows[key][column]) for column in columns for key in keys)


def test_figures_after_the_labels_are_placed_column_by_column():
    rows = published()
    shape = ReportShape()
    settled = recover_tables({"applications": LABELS}, shape, spill=f"{HEADER}\n{down(rows)}")
    assert settled == {"applications": set(v.APPLICATION_KEYS)}
    assert shape.applications == rows
    assert "applications__unable_not_held__natural_person" in shape.recovered()


def test_first_rows_under_their_column_labels_and_table_four_running_into_the_figures():
    """The first rows' figures under each column's label (its letters a line each, the columns
    out of order), the rest after the labels, 表四's first figures in front of them."""
    rows = published()
    first, rest = [r.key for r in v.APPLICATIONS.rows[:2]], [r.key for r in v.APPLICATIONS.rows[2:]]
    labels = dict(zip(v.APPLICANT_KEYS, HEADER.split()[2:]))
    boxes = [" ".join(labels[c]) + "\n" + down(rows, first, [c]) for c in ("commercial", "natural_person", *v.APPLICANT_KEYS[2:])]
    text = LABELS[: LABELS.index("（一）")] + "申请人情况 法人或其他组织 " + "\n".join(boxes) + LABELS[LABELS.index("（一）") - 1 :]
    spill = f"行政复议 结果维持 0 结果纠正 0 其他结果 0\n{down(rows, rest)}\n行政诉讼 尚 未 审 结 总 计 " + "0 " * 12
    shape = ReportShape()
    recover_tables({"applications": text}, shape, spill=spill)
    assert shape.applications == rows


def test_figures_that_keep_no_sum_in_either_order_are_not_placed():
    rows = published()
    rows["granted"]["research"] += 1  # 科研机构's outcomes no longer add up, nor does the row's 总计
    shape = ReportShape()
    recover_tables({"applications": LABELS}, shape, spill=f"{HEADER}\n{down(rows)}")
    assert shape.applications["granted"]["research"] is None
    assert ("E15", "granted") in {(f.code, f.row) for f in evaluate(shape)}


def test_labels_apart_from_figures_given_by_column_are_read_by_column():
    """Labels on their lines and all the figures after them in 表三's own text: row by row unless
    only the column order keeps the sums."""
    rows = published()
    shape = ReportShape()
    recover_tables({"applications": f"{HEADER} {LABELS}\n{down(rows)}"}, shape)
    assert shape.applications == rows


def test_figures_one_a_line_are_kept_and_a_page_number_alone_is_not():
    lines = ["（七）总计", "", "2", "", "0", "", "第一段文字", "", "3", "", "第二段文字"]
    assert [block.text for block in read_markdown(lines)] == ["（七）总计", "2", "0", "第一段文字", "第二段文字"]
