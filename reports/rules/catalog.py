"""The rule catalogue (spec §5). Each rule is written once: code, severity, title, message, check.

Adding a rule is one decorated function here. Checks read blank cells (None) as 0, as the spec
says; W1 reports a published blank, E14 the cells of a report being written that nobody has
filled in yet, and a row or column the document lacks altogether is E3's business only, so the
arithmetic rules skip sums that depend on it.
"""
from functools import lru_cache

from reports import vocabulary as v
from reports.choices import AgencyKind, FormatVersion, Severity
from reports.names import same_reporter
from reports.parsers.grid import NUMBER, WHOLE, number_text
from reports.rules import narrative, similarity
from reports.models.annual_report import deadline_for
from reports.rules.context import KIND, MEMBERS, PREVIOUS, PUBLISHED
from reports.rules.engine import Hit, rule

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
APP = v.APPLICATIONS.key
REVIEW = v.REVIEW_LITIGATION.key


def _n(value):
    return value or 0


def _parts(shape, table, cells):
    """'自然人 8、商业企业 1': the nonzero cells of a sum, named by what differs between them."""
    spec = v.TABLE_BY_KEY[table]
    same_row = len({row for row, _ in cells}) == 1
    shown = [
        f"{spec.column_by_key[column].label if same_row else spec.row_by_key[row].label} {value}"
        for row, column in cells
        if (value := shape.cell(table, row, column))
    ]
    return "、".join(shown) or "均为0"


def _sum_hit(shape, table, total_cell, part_cells, **params):
    """A Hit when total_cell differs from the sum of part_cells, else None. The cells are (row,
    column) of a matrix table (三, 四).

    A sum involving a row or column the document lacks is E3's business, not an accounting error
    (asked only of a sum that is off: most are not).
    """
    values = shape.table(table)  # read directly: a report has some 300 cells in such sums
    total = _n(values[total_cell[0]][total_cell[1]])
    parts = sum(values[row][column] or 0 for row, column in part_cells)
    if total == parts or any(shape.is_missing(table, *cell) for cell in (total_cell, *part_cells)):
        return None
    cells = [(table, *total_cell)] + [(table, *c) for c in part_cells if shape.cell(table, *c)]
    return Hit(
        table,
        *total_cell,
        cells=tuple(cells),
        params={"total": total, "sum": parts, "parts": _parts(shape, table, part_cells), **params},
    )


# -- Structure and identity -------------------------------------------------------------------


@rule("E1", ERROR, "六个部分齐全", "缺少第{number}部分「{label}」。")
def sections_present(shape):
    """Judged by content, so every path judges alike (the report form has no headings to lack):
    一 and 六 are there when they have text, 五 when it lists a problem or a measure, 二/三/四
    when their table is (a document lacked one only when none of its official rows was found).
    A heading with nothing under it is no section."""
    if shape.facts["unreadable"]:
        return
    for section in v.SECTIONS:
        if not section_present(shape, section.key):
            yield Hit(field=section.key, params={"number": section.number, "label": section.label})


def section_present(shape, key):
    """Whether section `key` is in the report, by content (see sections_present)."""
    table = _table_of_section(shape.format_version, key)
    if table is not None:
        return len(shape.facts["missing_rows"].get(table.key, ())) < len(table.rows)
    if key == "problems":
        return bool(shape.sections["problems"] or shape.sections["improvements"])
    return bool(shape.sections[key].strip())


@lru_cache(maxsize=None)  # asked of every section of every report judged
def _table_of_section(format_version, key):
    number = v.SECTION_BY_KEY[key].number
    return next((t for t in v.tables_for(format_version) if t.number == number), None)


@rule("E3", ERROR, "官方行列齐全", "表{number}缺少官方{kind}「{label}」。")
def official_rows_and_columns(shape):
    if shape.facts["unreadable"]:
        return
    for table in v.tables_for(shape.format_version):
        for row_key in shape.facts["missing_rows"].get(table.key, ()):
            label = table.row_by_key[row_key].label
            yield Hit(table.key, row_key, params={"number": table.number, "kind": "行", "label": label})
        for column_key in shape.facts["missing_columns"].get(table.key, ()):
            label = table.column_by_key[column_key].label
            yield Hit(
                table.key,
                column=column_key,
                cells=tuple(
                    (table.key, r.key, column_key)
                    for r in table.rows
                    if column_key in (c.key for c in (r.columns or table.columns))
                ),
                params={"number": table.number, "kind": "列", "label": label},
            )


SOURCE_LABELS = {"report": "报告年度", "title": "标题", "period": "统计期限", "body": "正文", "signature": "落款"}


def _disagreement(stated, same):
    """'标题2023、统计期限2022' when the stated values do not all agree under `same`, else None."""
    values = [(k, x) for k, x in stated.items() if x]
    if all(same(a, b) for i, (_, a) in enumerate(values) for _, b in values[i + 1 :]):
        return None
    return "、".join(f"{SOURCE_LABELS[k]}「{x}」" for k, x in values)


@rule("E4", ERROR, "年度一致", "报告年度不一致：{details}。")
def year_consistent(shape):
    # The year the report is filed under must agree with what its document states.
    details = _disagreement({"report": shape.year, **shape.facts["years"]}, lambda a, b: a == b)
    if details:
        yield Hit(field="year", params={"details": details})


@rule("E5", ERROR, "机关名称一致", "机关名称不一致：{details}。")
def agency_consistent(shape):
    details = _disagreement(shape.facts["agency_names"], same_reporter)
    if details:
        yield Hit(field="agency", params={"details": details})


@rule("E2", ERROR, "格式版本与年度相符", "报告年度为{year}年，应使用{expected}，但统计表为{actual}。")
def format_matches_year(shape):
    expected = v.format_for_year(shape.year)
    if shape.year and not shape.facts["unreadable"] and shape.format_version != expected:
        yield Hit(
            field="format_version",
            params={
                "year": shape.year,
                "expected": FormatVersion(expected).label,
                "actual": FormatVersion(shape.format_version).label,
            },
        )


# -- Values -----------------------------------------------------------------------------------


def expected(row, column, text=""):
    """What a cell must hold, as E6 and the report form say it (非负整数, 金额（万元）…); for
    `text` that is a number too long for the cell, with the limit it exceeds."""
    decimal = row.is_decimal(column)
    if column and column.signed:  # 2019's 本年增/减
        kind = "金额（万元）" if decimal else "整数"
    else:
        kind = "非负金额（万元）" if decimal else "非负整数"
    number = number_text(text) if text else ""
    if decimal and NUMBER.match(number):
        return f"{kind}（整数部分至多{v.FEE_DIGITS - v.FEE_PLACES}位，小数至多{v.FEE_PLACES}位）"
    if not decimal and WHOLE.match(number):
        return f"{kind}（不超过{v.MAX_COUNT}）"
    return kind


def _cells_of_rows(table, values, worth_reading):
    """(row, column) of `table`'s cells in reading order, in the rows whose stored value (a
    {column: value} or table 二's single value) is `worth_reading`: E6 and W1 read a few rows of
    the 300 cells every report has, and pass the rest over in C (filter, min, `in`)."""
    for row in table.rows:
        if worth_reading(values[row.key]):
            yield from ((row, column) for column in row.columns or table.columns or (None,))


def _any_negative(held):
    if isinstance(held, dict):
        return min(filter(None, held.values()), default=0) < 0
    return held is not None and held < 0


def _any_blank(held):
    return held is None or (isinstance(held, dict) and None in held.values())


@rule("E6", ERROR, "数值合法", "{cell}填写为「{text}」，应为{expected}。")
def valid_numbers(shape):
    invalid = shape.facts["invalid_cells"]
    for table in v.tables_for(shape.format_version):
        values = shape.table(table.key)  # read directly: some 300 cells a report
        for row, column in _cells_of_rows(table, values, lambda held: invalid or _any_negative(held)):
            key = v.cell_key(table.key, row.key, column and column.key) if invalid else None
            value = values[row.key] if column is None else values[row.key][column.key]
            if key in invalid:
                text = invalid[key]
            elif value is not None and value < 0 and not (column and column.signed):
                text = str(value)
            else:
                continue
            params = {"text": text, "expected": expected(row, column, text)}
            yield Hit(table.key, row.key, column and column.key, params=params)


@rule("E14", ERROR, "各格均已填写", "尚有 {count} 格未填写：没有发生的填0，确实空白的填「—」。")
def cells_filled(shape):
    """A report written here is complete when every cell is filled or left blank on purpose;
    until then its empty cells are this one line, not a W1 each (W1 is a published blank)."""
    if shape.facts["unfilled"]:
        yield Hit(field="tables", params={"count": len(shape.facts["unfilled"])})


@rule("E15", ERROR, "表格可靠还原", "{cell}无法可靠还原（原文：「{text}」）：数字连写或缺失，已留空，请对照原件填写。")
def rows_not_recovered(shape):
    """A row read back from text whose grid was lost (parsers.recover) that no single reading of
    its digits fits: its cells are blank rather than guessed."""
    tables = {t.key: t for t in v.tables_for(shape.format_version)}  # 2019's 表三 is its own
    for row_key, text in shape.facts["unrecovered"].items():
        table_key, row = row_key.split("__", 1)
        if table_key not in tables:
            continue
        cells = tuple((table_key, r.key, c and c.key) for r, c in tables[table_key].cells() if r.key == row)
        yield Hit(table_key, row, cells=cells, params={"text": text})


@rule("W1", WARNING, "空白单元格", "{cell}为空，按0计算。")
def blank_cells(shape):
    if shape.facts["unreadable"]:
        return
    for table in v.tables_for(shape.format_version):
        values = shape.table(table.key)
        for row, column in _cells_of_rows(table, values, _any_blank):
            column_key = column and column.key
            value = values[row.key] if column is None else values[row.key][column_key]
            if value is None and shape.left_blank(table.key, row.key, column_key):
                yield Hit(table.key, row.key, column_key)


# -- Accounting (勾稽) --------------------------------------------------------------------------


def _label(table, row):
    return table.row_by_key[row].label


@rule(
    "E7",
    ERROR,
    "新收加结转等于办结加结转下年",
    f"表三「{{column}}」列：「{_label(v.APPLICATIONS, 'new_received')}」（{{new}}）"
    f"加「{_label(v.APPLICATIONS, 'carried_over')}」（{{old}}）为{{lhs}}，"
    f"不等于「{_label(v.APPLICATIONS, 'total_processed')}」（{{done}}）"
    f"加「{_label(v.APPLICATIONS, 'carried_forward')}」（{{next}}）之和{{rhs}}。",
)
def applications_balance(shape):
    # The table's own note: 第一项加第二项之和，等于第三项加第四项之和.
    rows = ("new_received", "carried_over", "total_processed", "carried_forward")
    values = shape.applications
    for column in v.APPLICANT_KEYS:
        new, old, done, next_ = (_n(values[r][column]) for r in rows)
        # A row the document lacks is E3's business (asked only of a column that is off: few are).
        if new + old != done + next_ and not any(shape.is_missing(APP, r, column) for r in rows):
            yield Hit(
                APP,
                "carried_forward",
                column,
                cells=tuple((APP, r, column) for r in rows),
                params={
                    "column": v.APPLICATIONS.column_by_key[column].label,
                    "new": new,
                    "old": old,
                    "lhs": new + old,
                    "done": done,
                    "next": next_,
                    "rhs": done + next_,
                },
            )


@rule(
    "E8",
    ERROR,
    "办理结果合计",
    f"表三「{{column}}」列：「{_label(v.APPLICATIONS, 'total_processed')}」为{{total}}，"
    "但各项办理结果之和为{sum}（{parts}）；每件申请只能计入一种结果。",
)
def outcomes_total(shape):
    values, outcomes = shape.applications, v.outcome_keys(shape.format_version)
    for column in v.APPLICANT_KEYS:
        if _n(values["total_processed"][column]) == sum(filter(None, [values[r][column] for r in outcomes])):
            continue  # as most columns of most reports: nothing for _sum_hit to say
        hit = _sum_hit(
            shape,
            APP,
            ("total_processed", column),
            [(r, column) for r in v.outcome_keys(shape.format_version)],
            column=v.APPLICATIONS.column_by_key[column].label,
        )
        if hit:
            yield hit


@rule("E9", ERROR, "申请人合计", "表三「{row}」行：「总计」列为{total}，但六类申请人之和为{sum}（{parts}）。")
def applicant_total(shape):
    for row in v.APPLICATION_KEYS:
        cells = shape.applications[row]
        if _n(cells["total"]) == sum(filter(None, map(cells.__getitem__, v.APPLICANT_PARTS))):
            continue  # as most rows of most reports: nothing for _sum_hit to say
        hit = _sum_hit(
            shape,
            APP,
            (row, "total"),
            [(row, c) for c in v.APPLICANT_PARTS],
            row=v.APPLICATIONS.row_by_key[row].label,
        )
        if hit:
            yield hit


@rule(
    "E10",
    ERROR,
    "复议诉讼合计",
    "表四「{group}」：总计为{total}，但"
    + "、".join(v.REVIEW_LITIGATION.column_by_key[c].label for c in v.RESULT_PARTS)
    + "之和为{sum}。",
)
def review_total(shape):
    for group in v.REVIEW_LITIGATION.rows:
        hit = _sum_hit(
            shape,
            REVIEW,
            (group.key, "total"),
            [(group.key, c) for c in v.RESULT_PARTS],
            group=group.label,
        )
        if hit:
            yield hit


# -- Consistency ------------------------------------------------------------------------------


@rule(
    "W3",
    WARNING,
    "制发件数不超过现行有效加废止",
    f"表二「{{row}}」：{v.ISSUED.label}（{{issued}}）大于{v.IN_FORCE.label}（{{in_force}}）"
    f"与{v.REPEALED.label}（{{repealed}}）之和。",
)
def issued_within_stock(shape):
    for row in IN_FORCE_ROWS:
        if any(shape.is_missing(v.ACTIVE.key, row, c) for c in ("issued", "repealed", "in_force")):
            continue
        cells = shape.active[row]
        issued, repealed, in_force = (_n(cells[c]) for c in ("issued", "repealed", "in_force"))
        if issued > in_force + repealed:
            yield Hit(
                v.ACTIVE.key,
                row,
                "issued",
                cells=((v.ACTIVE.key, row, "in_force"), (v.ACTIVE.key, row, "repealed")),
                params={
                    "row": v.ACTIVE.row_by_key[row].label,
                    "issued": issued,
                    "in_force": in_force,
                    "repealed": repealed,
                },
            )


# -- Across years: last year's stored report of the same agency -------------------------------
# Only numbers both reports state are compared: a blank cell is W1's business, not a break.


def _report_name(shape):
    return f"{shape.agency or ''}{shape.year}年度报告"


# What W5 and W6 read across years: this year's 上年结转 against last year's 结转下年度, and the
# 现行有效件数 of these rows against last year's.
CARRIED_OVER, CARRIED_FORWARD = "carried_over", "carried_forward"
IN_FORCE_ROWS = ("regulations", "normative_documents")


def cross_year_cells():
    """{rule code: [(this year's cell, last year's cell)]} of W5 and W6 (与上年对比 marks them)."""
    return {
        "W5": [((APP, CARRIED_OVER, c), (APP, CARRIED_FORWARD, c)) for c in v.APPLICANT_KEYS],
        "W6": [((v.ACTIVE.key, row, "in_force"),) * 2 for row in IN_FORCE_ROWS],
    }


@rule(
    "W5",
    WARNING,
    "上年结转等于上年结转下年度",
    f"表三「{{column}}」列：{{report}}「{_label(v.APPLICATIONS, 'carried_over')}」为{{carried_over}}，"
    f"但{{previous}}「{_label(v.APPLICATIONS, 'carried_forward')}」为{{carried_forward}}。",
    needs=(PREVIOUS,),
)
def carried_over_from_last_year(shape, context):
    last = context.previous
    if last is None or shape.is_missing(APP, "carried_over"):
        return
    for column in v.APPLICANT_KEYS:
        now, then = shape.applications[CARRIED_OVER][column], last.applications[CARRIED_FORWARD][column]
        if now is None or then is None or now == then or shape.is_missing(APP, "carried_over", column):
            continue
        yield Hit(
            APP,
            "carried_over",
            column,
            params={
                "column": v.APPLICATIONS.column_by_key[column].label,
                "report": _report_name(shape),
                "carried_over": now,
                "previous": _report_name(last),
                "carried_forward": then,
            },
        )


@rule(
    "W6",
    WARNING,
    "现行有效件数承接上年",
    f"表二「{{row}}」：{{report}}「{v.IN_FORCE.label}」为{{in_force}}，但按{{previous}}的"
    f"「{v.IN_FORCE.label}」{{last}}加「{v.ISSUED.label}」{{issued}}、减「{v.REPEALED.label}」{{repealed}}，"
    "应为{expected}。",
    needs=(PREVIOUS,),
)
def in_force_from_last_year(shape, context):
    last = context.previous
    if last is None or FormatVersion.V2019 in (shape.format_version, last.format_version):
        return  # the 2019 format counts documents made and published, not those in force
    for row in IN_FORCE_ROWS:
        if any(shape.is_missing(v.ACTIVE.key, row, c) for c in ("issued", "repealed", "in_force")):
            continue
        cells = shape.active[row]
        now, then = cells["in_force"], last.active[row]["in_force"]
        if now is None or then is None:
            continue
        issued, repealed = _n(cells["issued"]), _n(cells["repealed"])
        if now != then + issued - repealed:
            yield Hit(
                v.ACTIVE.key,
                row,
                "in_force",
                cells=((v.ACTIVE.key, row, "issued"), (v.ACTIVE.key, row, "repealed")),
                params={
                    "row": v.ACTIVE.row_by_key[row].label,
                    "report": _report_name(shape),
                    "in_force": now,
                    "previous": _report_name(last),
                    "last": then,
                    "issued": issued,
                    "repealed": repealed,
                    "expected": then + issued - repealed,
                },
            )


@rule(
    "W8",
    WARNING,
    "未套用往年报告",
    "{what}与{previous}{how}，疑似套用往年报告，请核实。",
    needs=(PREVIOUS,),
)
def not_copied_from_last_year(shape, context):
    last = context.previous
    if last is None or shape.facts["unreadable"] or last.facts["unreadable"]:
        return
    if similarity.same_tables(shape, last):
        yield Hit(field="tables", params={"what": "统计表", "previous": _report_name(last), "how": "完全相同"})
    score = similarity.copied(shape.sections["overall"], last.sections["overall"])
    if score:
        yield Hit(
            field="overall",
            params={"what": "第一部分「总体情况」", "previous": _report_name(last), "how": f"基本相同（相似度{score}%）"},
        )


# -- The text against the tables ----------------------------------------------------------------
# A finding about a sentence quotes it, marks it (Hit.text) and points at the cell it concerns.


def _summed(shape, cells):
    """The sum of the cells, or None when the tables do not state it (each blank or missing)."""
    if any(shape.is_missing(*cell) for cell in cells):
        return None
    values = [shape.cell(*cell) for cell in cells]
    return None if all(x is None for x in values) else sum(x or 0 for x in values)


def _where(cells):
    if len(cells) == 1:
        return v.cell_label(*cells[0])
    table, row, _ = cells[0]
    spec = v.TABLE_BY_KEY[table]
    return f"表{spec.number}{spec.row_by_key[row].block}各项之和"


@rule("W9", WARNING, "正文数字与表格一致", "正文「{quote}」中{what}为{stated}，但{where}为{value}。")
def text_numbers_match_tables(shape):
    if shape.facts["unreadable"]:
        return
    for sentence, other_years in narrative.read(shape):
        if other_years:  # another year's figures are not this year's (W10)
            continue
        for statement, stated, _ in narrative.stated_numbers(sentence):
            values = [_summed(shape, cells) for cells in statement.sums]
            if None in values or stated in values:
                continue
            cells = statement.sums[0]
            yield Hit(
                *cells[0],
                cells=cells,
                field=v.section_of(sentence.part),
                text=sentence.location,
                params={"quote": sentence.quote(), "what": statement.what, "stated": stated,
                        "where": _where(cells), "value": values[0]},
            )  # fmt: skip


@rule("W10", WARNING, "正文陈述与表格或年度一致", "正文「{quote}」{problem}。")
def text_statements_match(shape):
    if shape.facts["unreadable"]:
        return
    received = (APP, "new_received", "total")
    review = (REVIEW, "reconsideration", "total")
    litigation = ((REVIEW, "litigation_direct", "total"), (REVIEW, "litigation_after_reconsideration", "total"))
    for sentence, other_years in narrative.read(shape):

        def hit(problem, *cell, cells=(), sentence=sentence):  # made for the rare sentence that needs one
            place = {"field": v.section_of(sentence.part), "text": sentence.location}
            return Hit(*cell, cells=cells, params={"quote": sentence.quote(), "problem": problem}, **place)

        if "申请" in sentence.text and narrative.NO_APPLICATIONS.search(sentence.text) and _n(shape.cell(*received)):
            yield hit(f"与{v.cell_label(*received)}（{shape.cell(*received)}）不符", *received)
        reviewed = "复议" in sentence.text or "诉讼" in sentence.text
        for match in narrative.NO_REVIEW.finditer(sentence.text) if reviewed else ():
            kinds = match.group("kinds")
            cells = ((review,) if "复议" in kinds else ()) + (litigation if "诉讼" in kinds else ())
            stated = [cell for cell in cells if _n(shape.cell(*cell))]
            if stated:
                counts = "、".join(f"{v.cell_label(*cell)}（{shape.cell(*cell)}）" for cell in stated)
                yield hit(f"与{counts}不符", *stated[0], cells=tuple(stated))
        for year in other_years:
            yield hit(f"陈述的是{year}年的统计数字，而本报告是{shape.year}年度报告")


# -- Completeness (spec §1) ----------------------------------------------------------------------
# A section the document lacks altogether is E1's finding; these judge what a section says.


def _present(shape, key):
    return section_present(shape, key) and not shape.facts["unreadable"]


def _text(shape, parts):
    return "\n".join(text for _, text in narrative.passages(shape, parts))


@rule("W11", WARNING, "总体情况五个方面", "第一部分「总体情况」未写「{aspect}」方面的情况。")
def overall_covers_five_aspects(shape):
    # The five aspects are the 2021 format's (国办公开办函〔2021〕30号).
    if shape.format_version != FormatVersion.V2021 or not _present(shape, "overall"):
        return
    for aspect, words in narrative.ASPECTS:
        if not words.search(shape.sections["overall"] or ""):
            yield Hit(field="overall", params={"aspect": aspect})


@rule(
    "E11",
    ERROR,
    "人民政府报告考核评议追究结果",
    "人民政府的年度报告应报告工作考核、社会评议和责任追究结果，正文未见相关内容。",
    needs=(KIND,),
)
def government_reports_assessment(shape, context):
    if context.kind != AgencyKind.GOVERNMENT or shape.format_version != FormatVersion.V2021:
        return
    if _present(shape, "overall") and not narrative.ASSESSMENT.search(_text(shape, ("overall", "notes", "other"))):
        yield Hit(field="overall")


@rule(
    "W12", WARNING, "问题和改进措施具体", "第五部分「存在的主要问题及改进情况」{problem}。", uses=(PREVIOUS,)
)
def problems_and_measures_stated(shape, context):
    if not _present(shape, "problems"):
        return
    text = _text(shape, ("problems", "improvements"))
    last = context.previous if context is not None and context.has({PREVIOUS}) else None
    score = last and similarity.copied(text, _text(last, ("problems", "improvements")))
    if score:
        problem = f"与{_report_name(last)}基本相同（相似度{score}%），疑似套用往年"
        yield Hit(field="problems", params={"problem": problem})
    # An item stated under its heading counts; so does a problem or a measure written in a
    # paragraph of the other kind (the document's items are split as it reads).
    if not narrative.stated_items(shape.sections["problems"]) and not narrative.PROBLEM.search(text):
        yield Hit(field="problems", params={"problem": "未写明存在的具体问题"})
    if not narrative.stated_items(shape.sections["improvements"]) and not narrative.MEASURE.search(text):
        yield Hit(field="improvements", params={"problem": "未写明具体的改进措施"})


@rule(
    "E13",
    ERROR,
    "报告信息处理费",
    "第六部分「其他需要报告的事项」未说明信息处理费的收取情况（国办函〔2020〕109号），应写明收取金额或未收取。",
)
def processing_fee_reported(shape):
    if shape.format_version != FormatVersion.V2021 or not _present(shape, "other"):
        return
    # Stated elsewhere in the text (一's 依申请公开), it is not left unsaid.
    if not narrative.PROCESSING_FEE.search(_text(shape, ("overall", "notes", "other"))):
        yield Hit(field="other")


@rule(
    "W13",
    WARNING,
    "收费通知与未收费表述",
    f"表三「{_label(v.APPLICATIONS, 'other_fee_unpaid')}」总计为{{count}}（发出过收费通知），"
    "但正文「{quote}」称未收取费用，请核对。",
)
def fee_notices_against_text(shape):
    unpaid = _n(shape.applications["other_fee_unpaid"]["total"])
    if not unpaid or shape.format_version != FormatVersion.V2021:
        return
    for sentence, _ in narrative.read(shape):
        if narrative.NOTHING_CHARGED.search(sentence.text):
            yield Hit(
                APP,
                "other_fee_unpaid",
                "total",
                field=v.section_of(sentence.part),
                text=sentence.location,
                params={"count": unpaid, "quote": sentence.quote()},
            )
            return


@rule(
    "W15",
    WARNING,
    "按期发布",
    "{source}为{published}，晚于{kind}年度报告的发布期限{deadline}（条例第五十条）。",
    needs=(KIND, PUBLISHED),
)
def published_in_time(shape, context):
    deadline = deadline_for(shape.year, context.kind)
    if deadline and context.published_on > deadline:
        yield Hit(
            field="year",
            params={
                "source": context.published_from,
                "published": f"{context.published_on:%Y年%-m月%-d日}",
                "kind": "本级人民政府" if context.kind == AgencyKind.GOVERNMENT else "部门",
                "deadline": f"{deadline:%Y年%-m月%-d日}",
            },
        )


@rule(
    "W19",
    WARNING,
    "汇总数等于成员报告之和",
    "{cell}为{value}，但本行政区域{count}份成员报告之和为{total}（本报告为本行政区域汇总）。",
    needs=(MEMBERS,),
)
def aggregate_equals_members(shape, context):
    if context.members is None:
        return
    total, count = context.members
    for table in v.tables_for(shape.format_version):
        for row, column in table.cells():
            cell = (table.key, row.key, column and column.key)
            value = shape.cell(*cell)
            # A blank is W1's business, a row or column the document lacks E3's.
            if value is None or shape.is_missing(*cell) or value == total.cell(*cell):
                continue
            yield Hit(*cell, params={"value": value, "count": count, "total": total.cell(*cell)})


# Far beyond a year's 行政事业性收费 of one agency (1亿元): the amount was entered in 元.
IMPLAUSIBLE_FEES = 10000


@rule("W18", WARNING, "收费金额单位", "{cell}为{fees}万元，金额异常大，可能误按元填写（单位为万元）。")
def fees_in_ten_thousands(shape):
    fees = shape.active["fees"]
    if shape.format_version == FormatVersion.V2021 and fees is not None and fees >= IMPLAUSIBLE_FEES:
        yield Hit(v.ACTIVE.key, "fees", params={"fees": fees})


@rule("W16", WARNING, "表格不可机读", "表格不可机读：原件是图片或扫描件，无法读取统计数据，请上传带文字的 Word、PDF 或网页版本。")
def unreadable_tables(shape):
    if shape.facts["unreadable"]:
        yield Hit(field="tables")


@rule("W17", WARNING, "非官方标签", "表{number}表头「{label}」不是官方名称，已按「{official}」读取。")
def unofficial_labels(shape):
    for alias in shape.facts["aliases"]:
        table = v.TABLE_BY_KEY[alias["table"]]
        yield Hit(
            table.key,
            column=alias["column"],
            params={
                "number": table.number,
                "label": alias["label"],
                "official": table.column_by_key[alias["column"]].label,
            },
        )


@rule("I2", INFO, "由文本推断还原", "{cell}由文本推断还原：原文「{text}」读作 {values}。")
def recovered_rows(shape):
    """Figures placed by inference from text whose grid was lost (digits run together): where
    each number came from, for the reviewer to check against the original."""
    for row_key, entry in shape.facts["recovered"].items():
        table_key, row = row_key.split("__", 1)
        cells = tuple(v.CELL_BY_KEY[key] for key in entry["cells"])
        values = "、".join(entry["cells"].values())
        yield Hit(table_key, row, cells=cells, params={"text": entry["text"], "values": values})


@rule("I1", INFO, "非官方内容", "表{number}中{label}不在官方格式内，不计入官方合计。")
def extra_rows(shape):
    for table_key, labels in shape.facts["extra_rows"].items():
        for label in labels:
            yield Hit(field=table_key, params={"number": v.TABLE_BY_KEY[table_key].number, "label": label})
