"""Table recovery: the official tables read back from text whose grid is lost.

Portal pages flattened into one line print a table as its labels and numbers run together
(corpus README): 「本年新收政府信息公开申请数量160 02 0 018」 is 16, 0, 0, 2, 0, 0, 18: a space
there ends a cell, but not every cell ends with one. This stage takes the text of a table in reading order, cuts
it at the official row labels that survive, and places each row's numbers into the official
columns in official order:

- numbers separated exactly one to a cell are read as printed, a blank cell's mark (「—」,
  「/」, 「无」; 「-」 where no cell is signed) a cell of its own;
- otherwise the row's digits are split into its cells (no cell has a leading zero, a sign only
  starts a signed 本年增/减 cell, a printed gap always ends a cell) and only the splits the
  table's own accounting allows are kept:
  a row's 总计 is the sum of its parts (表三 each row, 表四 each group), each column of 表三
  balances (新收 + 结转 = 总计 + 结转下年度) and its outcomes add up to （七）总计, a
  document row of 表二 cannot issue more than it has in force and repealed, and in the 2019
  format a row cannot make public more than its total public nor lose more items than it had;
  Where the page printed fewer numbers apart than the cells, the readings that leave cells
  blank are weighed too (text that drops a blank cell looks as one that joins two figures);
- a reading is accepted only when it is the only one that fits. When the digits allow exactly one
  split, it is the published table even if it breaks the accounting (the rules say so), in
  表三 only where most of its rows read (else a dropped blank cell is as likely). When
  none fits among several, the report may break its own accounting (corpus 06): a reading is
  then taken only if it is the one that fits all the sums but one, and each of its cells is what
  a sum that holds makes of rows read without doubt. Otherwise the row's cells stay blank and
  facts["unrecovered"] keeps its text (E15). Cells placed by a split are noted in
  facts["recovered"] (I2).

The search is bounded: cells are at most MAX_DIGITS long, each row's splits are capped, and
whatever exceeds a cap is reported as not recoverable rather than guessed.
"""
import re
import unicodedata
from functools import lru_cache
from itertools import combinations, product

from reports import vocabulary as v
from reports.parsers.blocks import CJK, ILLEGIBLE, MINUS_SIGN
from reports.parsers.grid import in_printed_order, in_yuan_text, parse_value

MAX_DIGITS = 7  # a count of ten million is beyond any agency's year
MAX_DECIMAL_DIGITS = 12
MAX_SPLITS = 200  # readings kept per row before the accounting is applied
MAX_STEPS = 20000  # search steps per row
MAX_COMBINATIONS = 5000  # joint readings of a table's ambiguous rows
# A row's figures, with the marks a blank cell may print (「25—102」, 「265无286」): each a cell
# of its own; a unit after a figure (「676件0件975件」) ends it.
BLANK_MARK_CHARACTERS = "—–/无空"  # and 「-」 where no figure of the row has a sign
VALUE_RUN = re.compile(rf"[0-9+\-.\s{BLANK_MARK_CHARACTERS}件]*[0-9][0-9+\-.\s{BLANK_MARK_CHARACTERS}件]*")
BLANK = "~"  # a blank cell's mark in a row's value text; 「——」 may be one cell's or two
BLANK_MARKS = str.maketrans(dict.fromkeys(BLANK_MARK_CHARACTERS, BLANK) | {"件": " "})
UNSIGNED_BLANK_MARKS = str.maketrans({"-": BLANK}) | BLANK_MARKS
MARKS = re.compile(rf"[{BLANK_MARK_CHARACTERS}\-]+")  # a row's blank cells' marks, no figure among them
THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")  # 「3,434」
# a date opening the text after a table: its year or month, run into the table's last figure
DATE_AT_END = {"年": re.compile(r"(?:19|20)\d\d\s*$"), "月": re.compile(r"(?:1[0-2]|[1-9])\s*$")}
LEADING_NUMBER = re.compile(r"^(\d+)[.、]")
# the group's label, longest wording first (「法人或者其他组织」 holds no 其他 column)
LEGAL_PERSON_GROUP = re.compile("|".join(sorted((v.LEGAL_PERSON_GROUP_LABEL, *v.LEGAL_PERSON_GROUP_ALIASES), key=len, reverse=True)))
SENTENCE = re.compile("[,，。;；]")
PARENTHESES = re.compile(r"\([^()]*\)")
UNIT = re.compile(r"^\s*(万元|元|件|项|个|次)")


def recover_tables(texts, shape, done=None):
    """Read tables 二/三/四 from their text into `shape`; the rows placed (or reported E15).

    `texts`: {table key ("active", "applications", "review_litigation"): the text printed in
    that table's section, in reading order (lines may be joined with or without spaces)}.
    `done`: {table key: row keys already read from a grid}, left alone. Returns {table key: set
    of row keys} this stage settled, so the caller does not report them missing (E3).
    Table 二 in the 2019 trial format sets shape.format_version to "2019", as the grid does.
    """
    done = done or {}
    settled = {}
    for key, text in texts.items():
        if not text or not any(ch.isdigit() for ch in text):
            continue
        compact, spaced = _compact(THOUSANDS.sub("", text))
        if key == v.ACTIVE.key:
            if any(label in compact for label in v.LABELS_2019):
                shape.format_version = "2019"
            table = v.ACTIVE_2019 if shape.format_version == "2019" else v.ACTIVE
            rows = _rows(table, compact, spaced, done.get(table.key, ()))
            settled[table.key] = _place_active(shape, table, rows, _printed_apart(table, compact, spaced, rows))
        elif key == v.APPLICATIONS.key:
            table = v.tables_for(shape.format_version)[1]
            compact, spaced = _without_blocks(table, compact, spaced)
            rows = _rows(table, compact, spaced, done.get(table.key, ()))
            columns = _header_columns(shape, table, compact, spaced)
            printed = {len(shown.split()) for shown, _ in rows.values() if shown is not None}
            if len(columns) not in printed and len(table.columns) in printed:
                # the header read in part (a browser's PDF wraps 商业/企业 beside 总/计), the rows whole
                columns = in_printed_order(table.columns, [c for c in columns if c.key in v.LEGAL_PERSON_PARTS])
            if len(columns) < len(table.columns):
                lacking = shape.facts["missing_columns"].setdefault(table.key, [])
                lacking.extend(c.key for c in table.columns if c not in columns and c.key not in lacking)
            apart = _apart(table, compact, spaced, len(columns), rows)
            settled[table.key] = _place_applications(shape, table, apart or rows, columns, by_order=bool(apart))
        elif key == v.REVIEW_LITIGATION.key:
            settled[key] = _place_review(shape, compact, spaced, done.get(key, ()))
    return settled


# -- reading the text -----------------------------------------------------------------------------


def _compact(text):
    """(the text without whitespace, NFKC a character at a time; for each of its characters
    whether whitespace preceded it). Labels are matched on the first, spaces kept as hints."""
    chars, spaced, gap = [], [], False
    for ch in text:
        if ch.isspace():
            gap = True
            continue
        folded = "-" if ch == MINUS_SIGN else unicodedata.normalize("NFKC", ch)
        chars.append(folded if len(folded) == 1 else ch)
        spaced.append(gap)
        gap = False
    return "".join(chars), spaced


def _find_label(row, compact, start):
    """(start, end) of the row's label at or after `start`, or None: the whole printed label, or
    its distinctive fragment with the label's own prefix (「2.其他」 of 「2.其他法律…」)."""
    label = _fold(row.label)
    at = compact.find(label, start)
    if at >= 0:
        return at, at + len(label)
    for fragment in sorted(map(_fold, row.match), key=len, reverse=True):
        at = compact.find(fragment, start)
        if at < 0:
            continue
        prefix = label[: label.find(fragment)] if fragment in label else ""
        if prefix and compact[max(at - len(prefix), 0) : at] == prefix and at - len(prefix) >= start:
            return at - len(prefix), at + len(fragment)
        return at, at + len(fragment)
    return None


def _without_blocks(table, compact, spaced):
    """The text without the labels of 表三's blocks (「（四）无法提供」), a merged cell's text
    that a PDF without ruling lines prints amid a wrapped row label (「3.补正后申请内容仍不」
    「（四）无法提供 明确」); never a row's own label (2019's （六）其他处理 is a row). A label
    removed leaves a space, as between cells."""
    pieces, gaps, position = [], [], 0
    for match in _block_labels(table).finditer(compact):
        pieces.append(compact[position : match.start()])
        gaps += spaced[position : match.start()]
        position = match.end()
        if position < len(spaced):
            spaced[position] = True
    if not pieces:
        return compact, spaced
    return "".join(pieces) + compact[position:], gaps + spaced[position:]


@lru_cache(maxsize=2)
def _block_labels(table):
    labels = {_fold(row.block) for row in table.rows if row.block} - {_fold(row.label) for row in table.rows}
    return re.compile("|".join(map(re.escape, sorted(labels, key=len, reverse=True))))


def _fold(text):
    return "".join(unicodedata.normalize("NFKC", text).split())


def _rows(table, compact, spaced, done):
    """{row key: (value text with its spaces, the printed text to quote)} for each official row
    whose label the text shows, in official order: its numbers run from the label to the next.
    The value text is None where the figures may be another row's."""
    found, cursor = [], 0
    for row in table.rows:
        span = _find_label(row, compact, cursor)
        if span:
            found.append((row, *span))
            cursor = span[1]
    rows, after_blank = {}, False
    for index, (row, start, end) in enumerate(found):
        stop = found[index + 1][1] if index + 1 < len(found) else len(compact)
        region = compact[end:stop]
        if row.key in done:
            after_blank = False
            continue
        match, run = _value_run(region, 0)
        marks = not run and MARKS.match(region)
        if marks:  # a row printed blank (「行政许可—」): its cells are, whatever the other rows
            rows[row.key] = (BLANK, compact[start : end + marks.end()])
            after_blank = False
            continue
        if not run:  # a row printed without numbers (a merged cell above holds them): blank
            rows[row.key] = ("", compact[start:end])
            after_blank = True
            continue
        before = PARENTHESES.sub("", region[: match.start()])
        if SENTENCE.search(before):
            after_blank = False
            continue  # the label in a sentence (「其中予以公开3件」): a note, not the row; E3 stands
        if ILLEGIBLE in region:  # a reader found its figures untrustworthy
            rows[row.key] = (None, compact[start : end + match.end()].replace(ILLEGIBLE, ""))
            continue
        if after_blank and UNIT.sub("", before):
            # Two labels, then text, then figures (pdfminer's 「行政处罚 行政强制 第二十条第（八）项
            # 本年处理决定数量 0 …」): which row the figures are is not in the text; unread (E15)
            rows[row.key] = (None, compact[start : end + match.end()])
            continue
        after_blank = False
        following = found[index + 1][0] if index + 1 < len(found) else None
        value = _strip_enumerator(run, following)
        offset = end + match.start()
        shown = _shown(value, spaced, offset, signed=any(c.signed for c in row.columns))
        unit = UNIT.match(region[match.end() :])
        rows[row.key] = (shown, compact[start : offset + len(value)] + (unit.group(1) if unit else ""))
    # labels with no numbers anywhere are a text about the table (「本年度未制定规章」), not one
    return rows if any(shown for shown, _ in rows.values()) else {}


def _value_run(text, start, end=None):
    """(the match, its figures) of the first run of figures in text[start:end], without a date
    that opens the text after it; (None or the match, None) when there is none."""
    match = VALUE_RUN.search(text, start, len(text) if end is None else end)
    return match, match and _without_date(match.group().rstrip(), text[match.end() :])


def _without_date(run, rest):
    """A row's figures without a year or month that opens the text after the table
    (「行政事业性收费0」「2023年本机关…」 flattened into 「02023年」, 「35.96」「12月31日前…」 into
    「35.9612月」); None when no figure is left."""
    if rest[:1] in DATE_AT_END:
        run = DATE_AT_END[rest[0]].sub("", run)
    return run if any(ch.isdigit() for ch in run) else None


def _shown(value, spaced, offset, signed=False):
    """A row's value text with the spaces the page printed inside it (hints for one number a
    cell), a blank cell's mark as BLANK. `offset`: where `value` starts in the compact text;
    `signed`: the row has a column of signed figures (2019's 本年增/减), so 「-」 is a sign."""
    shown = "".join((" " if spaced[offset + i] and i else "") + ch for i, ch in enumerate(value))
    return shown.translate(BLANK_MARKS if signed else UNSIGNED_BLANK_MARKS)


def _strip_enumerator(value, following):
    """「00000002.」 → 「0000000」: the next row's 「2.」 ran into this row's numbers."""
    if following is None or not value.rstrip().endswith("."):
        return value.rstrip()
    number = LEADING_NUMBER.match(_fold(following.label))
    body = value.rstrip()[:-1]
    if number and body.endswith(number.group(1)):
        return body[: -len(number.group(1))].rstrip()
    return body


# -- splitting a row's digits ---------------------------------------------------------------------


@lru_cache(maxsize=64)  # a few columns, asked for every split of every row
def _cell_pattern(column):
    sign = "[+-]?" if column.signed else ""
    digits = MAX_DECIMAL_DIGITS if column.decimal else MAX_DIGITS
    number = f"(0|[1-9][0-9]{{0,{digits - 1}}})"
    if column.decimal:
        number += r"(\.[0-9]{1,6})?"
    return re.compile(sign + number)


def _as_value(text, column):
    value, invalid = parse_value(text, column.decimal)
    return value if invalid is None else None


# A cell's number in a row's value text, its sign joined to it across a space (「20 - 3 17」); a
# 「-」 no figure follows is left out, and the row's digits must settle it.
SIGNED_TOKEN = re.compile(rf"[+-]?\s*[0-9.]+|{BLANK}+")


def _spaced_reading(shown, columns):
    """The numbers as the page separated them, when that is exactly one valid number (or a blank
    cell's mark) a cell."""
    shown = shown.replace("+", " +").replace("-", " -")
    tokens = [t.replace(" ", "") for t in SIGNED_TOKEN.findall(shown)]  # 「20 - 3 17」: 20, −3, 17
    if len(tokens) != len(columns):
        return None
    values = []
    for token, column in zip(tokens, columns):
        if token[0] == BLANK and len(token) <= 2:  # 「—」 or 「——」
            values.append(None)
        elif _cell_pattern(column).fullmatch(token):
            values.append(_as_value(token, column))
        else:
            return None
    return tuple(values)


def _longest(column):
    """The most characters one cell's number can take (a sign, a decimal point and places)."""
    return MAX_DECIMAL_DIGITS + 8 if column.decimal else MAX_DIGITS + 1


def _splits(digits, columns, fits, gaps=(), enough=None):
    """Every split of `digits` into one number a column that `fits` (a check on the values of
    the groups completed so far) and that no printed gap (`gaps`, positions in `digits`) cuts;
    None when the search exceeds its bounds. With `enough`, the first that many found."""
    patterns = [_cell_pattern(c) for c in columns]
    found, steps = [], 0
    if not len(columns) <= len(digits) <= sum(_longest(c) for c in columns):
        return found
    next_gap, following, gaps = [], len(digits), set(gaps)  # the first gap after each position
    for position in range(len(digits), -1, -1):
        next_gap.append(following)
        following = position if position in gaps else following
    next_gap.reverse()
    marked = BLANK in digits

    def walk(position, values):
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS or len(found) > MAX_SPLITS:
            raise OverflowError
        index = len(values)
        if index == len(columns):
            if position == len(digits):
                found.append(tuple(values))
                if len(found) == enough:
                    raise _Enough
            return
        left = len(columns) - index - 1
        if marked and digits.startswith(BLANK, position):  # a blank cell: its mark, 「—」 or 「——」
            for end in (position + 1, position + 2)[: 2 if digits[position : position + 2] == BLANK * 2 else 1]:
                if fits(values + [None]):
                    walk(end, values + [None])
            return
        stop = min(len(digits) - left, position + _longest(columns[index]), next_gap[position])
        for end in range(position + 1, stop + 1):
            text = digits[position:end]
            if patterns[index].fullmatch(text):
                candidate = values + [_as_value(text, columns[index])]
                if fits(candidate):
                    walk(end, candidate)

    try:
        walk(0, [])
    except OverflowError:
        return None
    except _Enough:
        pass
    return found


class _Enough(Exception):
    """Ends a search that has found as many splits as asked."""


def _read_row(shown, columns, fits=lambda values: True, apart=False):
    """(values, how): how is "read" (one number a cell as printed), "recovered" (the only split
    of the digits at all: the table as published), "unfitting" (the only split, which breaks the
    row's own accounting: the table as published, or a row that dropped a blank cell's figure),
    "chosen" (the one split of several that `fits` the row's own accounting: a row that breaks
    its own 总计 has a wrong split that keeps it, so 表三's columns must not refute it; 表二's
    bounds and 表四's groups have nothing else to ask, and take it as recovered) or "blank" (no
    number); else (the splits left to choose from, None): those that fit the row, or every split
    when none does (the table's other sums may still single one out). An empty list when the
    search gave up."""
    if shown is None:  # figures whose row the text does not show (_rows)
        return [], None
    if shown == BLANK:  # blank cells' marks and no figure (_rows)
        return [None] * len(columns), "read"
    spaced = _spaced_reading(shown, columns)
    if spaced is not None:
        return spaced, "read"
    digits = "".join(shown.split())
    if not digits:
        return None, "blank"
    gaps = _gaps(shown)
    fitting = _readings(shown, columns, fits, apart=apart)
    if fitting is None:
        return [], None
    if len(fitting) > 1:
        return fitting, None
    # a digit a cell is the only split; else look for a second one
    every = fitting if fitting and len(digits) == len(columns) else _readings(shown, columns, enough=2, apart=apart)
    if fitting:
        return fitting[0], "recovered" if every and len(every) == 1 else "chosen"
    # None fits the row: the only split may be the table as published ("unfitting"), but only of
    # one run of digits: figures printed apart but fewer than the cells (「12 13 49 0」) lack
    # some, and cutting them to fill the row would be a guess the table must confirm.
    if every and len(every) == 1 and not gaps:
        return every[0], "unfitting"
    return every or [], None


def _readings(shown, columns, fits=lambda values: True, enough=None, apart=False):
    """The splits of a row's digits (_splits), and where the page printed them apart, fewer than
    the cells, the readings that leave cells blank (_with_blanks), each reading once; None when
    either search gave up. With `enough`, no more than that many. `apart`: the table prints its
    figures apart (_printed_apart), so a row's one run may be one figure too."""
    splits = _splits("".join(shown.split()), columns, fits, _gaps(shown), enough)
    blanks = _with_blanks(shown, columns, fits, apart)
    if splits is None or blanks is None:
        return None
    return list(dict.fromkeys(splits + blanks))[:enough]


def _with_blanks(shown, columns, fits, apart=False):
    """The readings of numbers printed apart, fewer than the cells, as one number (or a blank
    cell's mark) a cell and the other cells blank: text that drops a blank cell (「规章 25 102」
    for 25, —, 102) looks as one that runs two figures together does, so both readings are the
    row's to choose from. [] for figures printed as one run, unless the table prints its figures
    apart (「规章 125」 amid 「行政规范性文件 3 0 9」: 125 whole, the cells before it blank); None
    when there are too many ways to try."""
    tokens = shown.split()
    if not (1 if apart else 2) <= len(tokens) < len(columns):
        return []
    found = {}
    for places in combinations(range(len(columns)), len(tokens)):
        values = [None] * len(columns)
        for i, token in zip(places, tokens):
            if token not in (BLANK, BLANK * 2):
                if not _cell_pattern(columns[i]).fullmatch(token):
                    break
                values[i] = _as_value(token, columns[i])
        else:
            if fits(values):
                found[tuple(values)] = True
                if len(found) > MAX_SPLITS:
                    return None
    return list(found)


def _printed_apart(table, compact, spaced, rows):
    """True when at least half of 表二's rows of several cells print a gap among their digits
    (pdftotext, OCR, a page that spaces its cells), not one run (a page that joins them); the
    rows a grid read count too. Asked only where such a row prints one run (`rows`)."""
    def runs(rows):
        return [
            " " in shown.strip() for key, (shown, _) in rows.items()
            if shown and len(table.row_by_key[key].columns) > 1 and len("".join(shown.split())) > 1
        ]  # fmt: skip

    if all(runs(rows)) or not any(
        gap and compact[i].isdigit() and compact[i - 1].isdigit() for i, gap in enumerate(spaced) if i
    ):
        return False  # no row of one run, or no figures apart anywhere
    every = runs(_rows(table, compact, spaced, ()))
    return 2 * sum(every) >= len(every) > 0


def _gaps(shown):
    """The positions in the digits of `shown` (its whitespace removed) where the page printed a
    gap. A gap ends a number: the corpus's pages leave some cells' figures unseparated
    (「160 02 0 018」 is 16, 0, 0, 2, 0, 0, 18) but never part a figure, while a PDF's text puts
    the next row's figure beside a row's own (「行政强制 … 126 0」, 行政处罚's 126 and its 0): joining
    across a gap would read 1260."""
    gaps, position = [], 0
    for piece in shown.split():
        if position:
            gaps.append(position)
        position += len(piece)
    return gaps


def _row_total(width):
    """A fits-check for a group of `width` cells whose last is the sum of the others."""

    def fits(values):
        if len(values) % width:
            return True
        group = values[-width:]
        if None in group:  # a blank cell counts 0
            group = [x or 0 for x in group]
        return sum(group[:-1]) == group[-1]

    return fits


# -- placing rows ---------------------------------------------------------------------------------


def _store(shape, table, row, columns, values, how, text):
    for column, value in zip(columns, values):
        shape.set_cell(table.key, row.key, column and column.key, value)
    if how == "recovered":
        cells = {v.cell_key(table.key, row.key, c and c.key): v.figure_text(x) for c, x in zip(columns, values)}
        shape.facts.setdefault("recovered", {})[v.cell_key(table.key, row.key)] = {"text": text, "cells": cells}


def _unrecovered(shape, table, row, text):
    shape.facts.setdefault("unrecovered", {})[v.cell_key(table.key, row.key)] = text


def _place_active(shape, table, rows, apart):
    blank = []
    for key, (shown, text) in rows.items():
        row = table.row_by_key[key]
        columns = list(row.columns) or [v.Column("value", "", decimal=row.decimal)]
        values, how = _read_row(shown, columns, BOUNDS.get(row.columns, lambda values: True), apart)
        how = _one_reading(how)
        if how is None:
            _unrecovered(shape, table, row, text)
        elif how == "blank":
            blank.append(key)
        else:
            columns = [c if row.columns else None for c in columns]
            _store(shape, table, row, columns, _without_yuan(shape, table, row, columns, values, text), how, text)
    _blank_rows(shape, table, rows, blank)
    return set(rows)


def _without_yuan(shape, table, row, columns, values, text):
    """`values` but a 万元 figure the page printed in 元 (「政府集中采购15 6805947.43元」), which is
    kept as printed for E6 and not stored, as a grid's cell is (grid.parse_value)."""
    if not (values[-1] and row.is_decimal(columns[-1]) and in_yuan_text(text)):
        return values
    shape.facts["invalid_cells"][v.cell_key(table.key, row.key, columns[-1] and columns[-1].key)] = f"{v.figure_text(values[-1])}元"
    return [*values[:-1], None]


def _one_reading(how):
    """_read_row's `how` for a row of 表二 or 表四, whose own bound or group totals are all there is
    to ask: the one split they pick is taken ("chosen" is recovered; nothing else in the table can
    confirm it, as 表三's columns do), and a lone split beyond them (「规章302」 for 30, —, 2: a blank
    cell that printed nothing) is not (E15)."""
    return {"chosen": "recovered", "unfitting": None}.get(how, how)


def _blank_rows(shape, table, rows, blank):
    """Rows printed without figures are blank (a merged cell beside them holds their figures)
    only when the table's other rows all read: else their figures may be what another row could
    not place (a PDF's text may give two rows' labels, then both rows' figures: 「行政处罚 行政强制
    … 126 0」), and they are unread too (E15)."""
    prefix = table.key + "__"
    if not any(key.startswith(prefix) for key in shape.facts.get("unrecovered", ())):
        return
    order = list(rows)
    for key in blank:
        _unrecovered(shape, table, table.row_by_key[key], rows[key][1])
        # and the row found after it, which took the figures printed after both labels (pdfminer's
        # 「7.属于行政执法案卷 8.属于行政查询事项 0 0 0 0 0 0 0」): which row they are is a guess
        at = order.index(key) + 1
        following = order[at] if at < len(order) else None
        if following and following not in blank:
            row = table.row_by_key[following]
            for column in row.columns or table.columns or (None,):
                shape.set_cell(table.key, following, column and column.key, None)
            shape.facts.get("recovered", {}).pop(v.cell_key(table.key, following), None)
            _unrecovered(shape, table, row, rows[following][1])


def _within_stock(values):
    """表二 第（一）项: what was issued this year is in force or was repealed (W3's bound)."""
    return len(values) < 3 or None in values[:3] or values[0] <= values[1] + values[2]


def _within_public(values):
    """2019 表二 第（一）项: what was newly made public this year is among all that is public."""
    return len(values) < 3 or None in values[1:3] or values[1] <= values[2]


def _items_remain(values):
    """2019 表二's items: a year's decrease cannot remove more items than the year before had
    (上一年项目数量 + 本年增/减 ≥ 0), which settles 12-150 as 12, −1, 50."""
    return len(values) < 2 or None in values[:2] or values[0] + values[1] >= 0


# The bounds a row of 表二 places on its own cells, by its columns: what decides a split of its
# joined digits when only one reading keeps within them. Nothing else in the table can confirm
# it; W3's bound is one real reports may break, but without it most joined document rows
# (「6051」: 6, 0, 51, not 60, 5, 1) could not be read at all. A blank cell bounds nothing: which
# cell a text that drops it left blank is itself the question (「行政规范性文件 2 0 」 is 2, 0, —
# as much as —, 2, 0, though W3 reads a blank as 0), so it may stand for any figure.
BOUNDS = {
    v.DOCUMENT_COLUMNS: _within_stock,
    (v.MADE, v.PUBLISHED, v.TOTAL_PUBLIC): _within_public,
    v.ITEM_COLUMNS_2019: _items_remain,
    (v.PREVIOUS_ITEMS, v.CHANGE): _items_remain,
}


def _header_columns(shape, table, compact, spaced):
    """The applicant columns the header before the first row shows (000 prints five), in official
    order but for the 法人或其他组织 ones, in the order printed (as grid's _header_columns), its
    non-official labels noted for W17 as the grid notes them; all seven when no header is
    recognisable. A PDF without ruling lines prints a narrow column's label a few characters
    a line, the columns side by side (「自然 商业 科研」 over 「人 企业 机构」): a label there is
    whole words of the header, in reading order."""
    first = _find_label(table.rows[0], compact, 0)
    end = first[0] if first else 0
    header = LEGAL_PERSON_GROUP.sub("", compact[:end])
    words = {}  # the header's words, found only if its labels are not printed whole

    def stacked(label):
        if not words:
            words.update(_words(compact[:end], spaced[:end]))
            for group in (v.LEGAL_PERSON_GROUP_LABEL, *v.LEGAL_PERSON_GROUP_ALIASES):
                words.pop(_fold(group), None)
        return _stacked(words, _fold(label))

    for shows in (lambda label: _fold(label) in header, stacked):
        present, aliases, spans = [], [], {}
        for column in table.columns:
            named = next((name for name in (column.label, *column.aliases) if shows(name)), None)
            if named is None:
                continue
            present.append(column)
            at = header.find(_fold(named))  # -1 when stacked: the order is unknown
            spans[column.key] = (at, at + len(_fold(named)))
            if named != column.label:
                aliases.append({"table": table.key, "column": column.key, "label": named})
        if len(present) >= 2:
            parts = sorted((c for c in present if c.key in v.LEGAL_PERSON_PARTS), key=lambda c: spans[c.key])
            unnamed = _unnamed_part(table, header, parts, spans)
            if unnamed:
                column, label, parts = unnamed
                present = [c for c in table.columns if c in present or c is column]
                aliases.append({"table": table.key, "column": column.key, "label": label})
            shape.facts["aliases"].extend(aliases)
            return in_printed_order(present, parts)
    return list(table.columns)


def _unnamed_part(table, header, parts, spans):
    """(column, its printed label, the parts in printed order with it) for the one 法人或其他组织
    column the header names otherwise (「公益组织」), printed between two it names whole: text
    that names no column between their labels, where no other column is missing. Else None."""
    missing = [c for c in table.columns if c.key in v.LEGAL_PERSON_PARTS and c not in parts]
    if len(missing) != 1:
        return None
    gaps = []
    for index, (left, right) in enumerate(zip(parts, parts[1:]), start=1):
        start, end = spans[left.key][1], spans[right.key][0]
        if spans[left.key][0] >= 0 and 2 <= end - start <= 8 and all(map(CJK.match, header[start:end])):
            gaps.append((index, header[start:end]))
    if len(gaps) != 1:
        return None
    index, label = gaps[0]
    return missing[0], label, parts[:index] + missing + parts[index:]


def _words(compact, spaced):
    """{word: the positions it stands at}, the words as the printed spaces cut the text."""
    words, position = {}, -1
    for index, (ch, gap) in enumerate(zip(compact, spaced)):
        if gap or index == 0:
            position += 1
            words.setdefault(ch, [])
            current = ch
        else:
            words[current].pop()
            current += ch
            words.setdefault(current, [])
        words[current].append(position)
    return words


def _stacked(words, label):
    """True when `label` is whole words of the header in reading order, each but the last at least
    two characters (「自然」「人」): letters printed one a line, the columns interleaved (「自 商 科」
    over 「然 业 研」), say nothing of which column a letter is in. `words`: _words of the header.
    Each prefix of the label is matched where it can end soonest, so the work is the label's
    length squared, whatever the header's."""
    soonest = {0: -1}  # characters of the label matched → the word position the match ends at
    for start in range(len(label)):
        if start not in soonest:
            continue
        for end in range(start + 1, len(label) + 1):
            if end - start < 2 and end < len(label):
                continue
            later = [p for p in words.get(label[start:end], ()) if p > soonest[start]]
            if later:
                soonest[end] = min(soonest.get(end, later[0]), later[0])
    return len(label) in soonest


def _labels_in_order(table, compact, start):
    """[(start, end)] of every official row's label, each after the one before, from `start`; None
    when one is not printed."""
    spans, cursor = [], start
    for row in table.rows:
        span = _find_label(row, compact, cursor)
        if span is None:
            return None
        spans.append(span)
        cursor = span[1]
    return spans


def _apart(table, compact, spaced, width, rows):
    """{row key: (numbers, quoted)} when the labels and the numbers are printed apart (a PDF's
    labels on their lines, the figures on others): every official row's label, at most one with
    numbers beside it, and exactly one printed number a cell after the first label; else None."""
    spans = _labels_in_order(table, compact, 0)
    if spans is None or sum(1 for shown, _ in rows.values() if shown) > 1:
        return None
    kept, previous = [], spans[0][1]
    for start, end in spans[1:] + [(len(compact), len(compact))]:
        kept += [" "] + [(" " if spaced[i] else "") + compact[i] for i in range(previous, start)]
        previous = end
    numbers = re.findall(r"(?<![\d.])[+-]?\d+(?![\d.])", "".join(kept))
    if len(numbers) != len(table.rows) * width:
        return None
    return {
        row.key: (" ".join(numbers[i * width : (i + 1) * width]), _fold(row.label) + " ".join(numbers[i * width : (i + 1) * width]))
        for i, row in enumerate(table.rows)
    }


def _place_applications(shape, table, rows, columns, by_order=False):
    """`by_order`: the rows' numbers were placed by their order alone (_apart), so even a row
    read one number a cell is recovered, not read."""
    readings, pending, blank, chosen, unfitting = {}, {}, [], {}, {}
    fits = _row_total(len(columns)) if columns[-1].key == "total" else (lambda values: True)
    for key, (shown, text) in rows.items():
        values, how = _read_row(shown, columns, fits)
        if how in ("read", "recovered"):
            readings[key] = (values, "recovered" if by_order else how)
        elif how == "chosen":
            chosen[key] = values
        elif how == "unfitting":
            unfitting[key] = values
        elif how is None and values:  # several splits: the columns may single one out
            pending[key] = values
        elif how is None:
            _unrecovered(shape, table, table.row_by_key[key], text)
        else:
            blank.append(key)

    # A lone split that breaks its row's 总计 is the table as published (a report's typo) where
    # most of the table's rows read; where they cannot, its cells are likely dropped too (a blank
    # cell prints no figure: 0053053 for 0, —, 0, —, 53, 0, 53): a guess, E15.
    if 2 * (len(readings) + len(chosen)) >= len(rows):
        readings |= {key: (values, "recovered") for key, values in unfitting.items()}
    else:
        for key in unfitting:
            _unrecovered(shape, table, table.row_by_key[key], rows[key][1])

    def every(key):  # the row's readings, its own 总计 not asked
        return _readings(rows[key][0], columns)

    # Rows whose 总计 picked their split are read so first; those the table then speaks against are
    # read again with all their splits, as rows several splits fit are.
    trusted = readings | {key: (values, "recovered") for key, values in chosen.items()}
    settled, kept = _settle_columns(columns, trusted, pending, shape.format_version, every) if pending else ({}, True)
    placed = {k: r[0] for k, r in trusted.items()} | {k: x for k, x in settled.items() if x is not None}
    placed |= _grid_rows(shape, table, columns, rows)
    # rows that cannot speak for a chosen row: no reading kept the sums, or not read at all
    unread = {r.key for r in table.rows} - placed.keys() - pending.keys()
    against = unread | (set() if kept else {k for k, x in settled.items() if x is None})
    sums = _column_sums({r.key for r in table.rows}, v.outcome_keys(shape.format_version), len(columns))
    doubtful = [key for key, values in chosen.items() if _refuted(key, values, placed, against, sums, every)]
    if doubtful:
        trusted = {k: r for k, r in trusted.items() if k not in doubtful}
        for key in doubtful:
            splits = every(key)
            if splits:
                pending[key] = splits
            else:
                _unrecovered(shape, table, table.row_by_key[key], rows[key][1])
        settled = _settle_columns(columns, trusted, pending, shape.format_version, every)[0] if pending else {}
    readings = trusted
    for key, values in settled.items():
        if values is None:
            _unrecovered(shape, table, table.row_by_key[key], rows[key][1])
        else:
            readings[key] = (values, "recovered")
    for key, (values, how) in readings.items():
        _store(shape, table, table.row_by_key[key], columns, values, how, rows[key][1])
    _blank_rows(shape, table, rows, blank)
    return set(rows)


def _grid_rows(shape, table, columns, rows):
    """{row key: values} of the rows a grid read before this stage (not in `rows`), each of
    `columns` a figure: they ask a recovered row's column sums as any other row does."""
    read = {}
    for row in table.rows:
        if row.key not in rows:
            values = tuple(shape.cell(table.key, row.key, c.key) for c in columns)
            if None not in values:
                read[row.key] = values
    return read


def _refuted(key, split, placed, against, sums, every):
    """True when the table speaks against the one split of a row that keeps its 总计. A row may
    break its own 总计 (a report's typo), and then its published figures are another split, the
    one that fits the columns: a random 0, 108, 0, 11, 2, 192, 304 is 0, 10, 80, 1, 121, 92, 304
    by its 总计 alone, which breaks five outcome sums. So the split is refuted when, the other
    rows as `placed`, another split breaks no more of the sums that ask the row (its 总计
    counted), or when a row that shares a sum with it is `against`: read by no one (missing,
    blank, E15), or fitting no reading of the sums at all. Nothing then could show the split wrong. A
    row the sums leave ambiguous does not refute it: some reading of it keeps them all.
    Corpus 17's （七）总计 keeps its row, not its columns (the report's break): every other split
    breaks them more, so it stands."""
    if any(key in terms and against & terms.keys() for _, terms in sums):
        return True
    asked = [s for s in sums if key in s[1] and s[1].keys() <= placed.keys()]

    def broken(choice):
        values = placed | {key: choice}
        return sum(not _holds(s, values) for s in asked)

    least = broken(split)
    if least == 0:  # no other split can do better
        return False
    alternatives = every(key)
    return alternatives is None or any(broken(a) + 1 <= least for a in alternatives if a != split)


def _settle_columns(columns, readings, pending, format_version, every):
    """({row key: values or None} for the rows several splits fit, whether some joint reading kept
    every sum): the joint readings under which every column of 表三 balances and adds up (only
    sums whose rows all have values are asked); a row is settled when all those readings agree
    on it and a sum asks it.

    A report may break its own accounting (corpus 06 publishes 部分公开 8, 1, … 8), and then no
    joint reading fits: the sums that hold may still single one out (_settle_broken).
    `every(key)`: all splits of that row's digits, its own 总计 not asked."""
    known = {k: r[0] for k, r in readings.items()}
    sums = _column_sums(set(known) | set(pending), v.outcome_keys(format_version), len(columns))
    surviving = _joint(known, pending, sums, 0)
    if surviving is None:  # too many to try: none shown to keep the sums
        return dict.fromkeys(pending), False
    if not surviving[0]:
        return _settle_broken(known, pending, sums, every), False
    settled, asked = {}, {key for _, terms in sums for key in terms}
    for index, key in enumerate(pending):
        options = {choice[index] for choice, _ in surviving[0]}
        # a row no sum asks is confirmed by nothing, however few its readings
        settled[key] = options.pop() if len(options) == 1 and key in asked else None
    return settled, True


def _settle_broken(known, pending, sums, every):
    """The one reading of a table that breaks its own accounting, or None a row. The pending rows'
    own 总计 are no longer asked, then neither is any one column sum; the first of these that some
    reading fits must admit only one, and each of its pending cells must be what a sum that holds
    makes of rows read without doubt (not of another pending row). The reading is stored as
    published, so the break it keeps is the report's and E7–E9 say where."""
    splits = {key: every(key) for key in pending}
    joint = _joint(known, splits, sums, 1) if all(splits.values()) else None
    level = next((level for level in joint or () if level), [])
    if len(level) != 1:
        return dict.fromkeys(pending)
    choice, broken = level[0]
    holding = [s for s in sums if s not in broken]
    if all(_pinned(key, column, holding, known) for key in pending for column in range(len(choice[0]))):
        return dict(zip(pending, choice))
    return dict.fromkeys(pending)


def _pinned(key, column, sums, known):
    """True when one of `sums` sets this cell from rows read without doubt alone."""
    return any(c == column and key in terms and set(terms) - {key} <= known.keys() for c, terms in sums)


def _joint(known, pending, sums, tolerance):
    """[[(choice, the sums it breaks)] for each number of broken sums up to `tolerance`]: the
    joint choices of the pending rows' readings; None when there are too many to try."""
    count = 1
    for options in pending.values():
        count *= len(options)
    if count > MAX_COMBINATIONS:
        return None
    levels = [[] for _ in range(tolerance + 1)]
    for choice in product(*pending.values()):
        values = known | dict(zip(pending, choice))
        broken = []
        for column_sum in sums:
            if not _holds(column_sum, values):
                broken.append(column_sum)
                if len(broken) > tolerance:
                    break
        if len(broken) <= tolerance:
            levels[len(broken)].append((choice, broken))
    return levels


# The sums each column of 表三 keeps, as {row key: coefficient} adding up to zero: a column
# balances (新收 + 上年结转 = 总计 + 结转下年度), and its outcome rows add up to （七）总计.
BALANCE = {"new_received": 1, "carried_over": 1, "total_processed": -1, "carried_forward": -1}


def _column_sums(keys, outcomes, width):
    """[(column index, terms)]: the sums whose rows all have values, each asked of every column."""
    added = dict.fromkeys(outcomes, 1) | {"total_processed": -1}
    return [(column, terms) for terms in (BALANCE, added) if set(terms) <= keys for column in range(width)]


def _holds(column_sum, values):
    column, terms = column_sum
    return sum(coefficient * (values[key][column] or 0) for key, coefficient in terms.items()) == 0  # blank: 0


def _after_header(compact):
    """Where 表四's header ends (after its third 总计): a sentence before the table may hold
    numbers (「2023年…行政复议0件」), its data row follows the header."""
    position = compact.find(_fold(v.RESULT_COLUMNS[0].label))
    if position < 0:
        return 0
    for _ in v.REVIEW_LITIGATION.rows:  # one 总计 a group
        found = compact.find(_fold(v.RESULT_COLUMNS[-1].label), position)
        if found < 0:
            break
        position = found + len(v.RESULT_COLUMNS[-1].label)
    return position


def _place_review(shape, compact, spaced, done):
    """表四: one data row of 15 cells after its header; each group's 总计 is its four results'.
    A grid may have read part of it (`done`: a header printed a letter a line leaves a grid of
    three result columns over the data row): the cells it read are kept and the rest filled,
    unless the text reads them otherwise, and then the grid's reading stands (E3 for the rest)."""
    table = v.REVIEW_LITIGATION
    start = _after_header(compact)
    by_group = _by_group(table, compact, spaced, start)
    if by_group:
        return _place_by_group(shape, table, by_group, done)
    match, run = _value_run(compact, start)
    if not run:
        return set()
    shown = _shown(run, spaced, match.start())
    if ILLEGIBLE in compact[start : match.end()]:
        shown = None  # a reader found its figures untrustworthy: E15
    columns = list(table.columns) * len(table.rows)
    width = len(table.columns)
    values, how = _read_row(shown, columns, _row_total(width))
    how = _one_reading(how)
    text = compact[: match.start() + len(run)][-120:]
    if how is None:
        for row in table.rows:
            if row.key not in done:
                _unrecovered(shape, table, row, run.strip())
        return {r.key for r in table.rows}
    groups = [list(zip(table.columns, values[i * width : (i + 1) * width])) for i in range(len(table.rows))]
    cells = [[(c, x, shape.cell(table.key, row.key, c.key)) for c, x in group] for row, group in zip(table.rows, groups)]
    if any(read not in (None, x) for group in cells for _, x, read in group):
        return set()
    for row, group in zip(table.rows, cells):
        unread = [(c, x) for c, x, read in group if read is None]
        if unread:
            _store(shape, table, row, [c for c, _ in unread], [x for _, x in unread], how, text)
    return {r.key for r in table.rows}


def _by_group(table, compact, spaced, start):
    """{group key: (value text, the text to quote)} when 表四 is printed a row a group after its
    header (「行政复议 0 0 0 2 2 行政诉讼 未经复议直接起诉 1 2 2 0 5 复议后起诉 0 2 0 0 2」) where the
    official table prints one row of fifteen: each group's label, in order, then its figures.
    None otherwise."""
    spans = _labels_in_order(table, compact, start)
    if spans is None or VALUE_RUN.search(compact, start, spans[0][0]):
        return None  # figures before the first group's label: the one row of fifteen, then a note
    rows = {}
    for row, (begin, end), following in zip(table.rows, spans, [s for s, _ in spans[1:]] + [len(compact)]):
        match, run = _value_run(compact, end, following)
        if not run or CJK.search(compact, end, match.start()):
            return None  # a group's figures after other words: not this layout
        # a reader found the figures untrustworthy (〓): E15, as for the one row
        shown = None if ILLEGIBLE in compact[end : match.end()] else _shown(run, spaced, match.start())
        rows[row.key] = (shown, compact[begin : match.start() + len(run)].replace(ILLEGIBLE, ""))
    return rows


def _place_by_group(shape, table, rows, done):
    """Each group's five cells from its own row, its 总计 the four results' sum to choose a split."""
    for row in table.rows:
        if row.key in done:
            continue
        shown, text = rows[row.key]
        values, how = _read_row(shown, list(table.columns), _row_total(len(table.columns)))
        how = _one_reading(how)
        if how in ("read", "recovered"):
            _store(shape, table, row, list(table.columns), values, how, text)
        else:
            _unrecovered(shape, table, row, text)
    return {r.key for r in table.rows}
