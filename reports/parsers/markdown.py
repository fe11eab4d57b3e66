"""Markdown and pipe text (a PDF turned into text by a converter, or OCR) → paragraphs and grids.

Tables come as `|` rows or as HTML (OCR converters write tables with merged cells so); text whose
tables are spaced is rewritten into pipe rows first (parsers.spaced).

Converters write each table as `|`-separated lines, and what the PDF's layout did to the table
shows through: a table cut into one small table per row, page footers (「第 3 页 共 8 页」,
「- 3 -」) between its parts, a header cell wrapped over two rows (「商业企 | 科研机」 over
「业 | 构」), a row's label on one line and its numbers on the next (or one cell per line), and
`|||` debris. These are undone here, before parsers.grid places the labelled rows; a row whose
parts cannot be joined with certainty stays as printed, so grid reports it as missing (E3).
"""
import html
import re
from functools import lru_cache

from reports import vocabulary as v
from reports.parsers.blocks import ILLEGIBLE, PAGE_FOOTER, PAGE_NUMBER, Grid, Paragraph, norm
from reports.parsers.grid import BLANK_MARKERS, LABEL_CELL, NUMBER_CELL, cell_kind, number_text, row_key, split_row

HTML_TABLE_START = re.compile(r"<table[\s>]", re.I)
HTML_TABLE_END = re.compile(r"</table\s*>", re.I)
PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
# |---|:--:| and `|||` debris; a cell of one dash is a blank cell's 「—」 (a table one cell a line)
SEPARATOR = re.compile(r"^\s*\|(?:\s*[:：]?(?:[-—–=+]{2,}[:：]?)?\s*\|)*\s*$")
# Markdown's own marks around a line: # headings, **bold**, > quotes, list bullets.
HEADING_MARK = re.compile(r"^\s*(#{1,6}|>+)\s*")
EMPHASIS = re.compile(r"(\*\*|__|~~|`)")
BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
MARKS = re.compile(r"[#>*_~`+-]")
# A figure after a row's label in the same cell (「一、本年新收… 0 10 3」): parsers.spaced keeps a
# row of too few or too many figures whole.
FIGURE_AFTER_TEXT = re.compile(r"\S\s+[+-]?\d+(\.\d+)?(?=\s|$)")
# The labels tables print in their headers, which a narrow column wraps: the columns' (and
# aliases), table 二's blocks and item header, table 四's groups.
HEADER_LABELS = frozenset(
    [norm(label) for table in v.ALL_TABLES for column in table.columns for label in (column.label, *column.aliases)]
    + [norm(column.label) for table in (v.ACTIVE, v.ACTIVE_2019) for row in table.rows for column in row.columns]
    + [norm(row.block) for table in (v.ACTIVE, v.ACTIVE_2019) for row in table.rows]
    + [norm(label) for label in (v.ITEM_LABEL, *v.ACTIVE_VALUE_HEADERS.values())]
    + [norm(row.label) for row in v.REVIEW_LITIGATION.rows]
    + [norm(label) for label in (v.APPLICANT_GROUP_LABEL, v.LEGAL_PERSON_GROUP_LABEL, v.LITIGATION_LABEL)]
    + [norm(label) for label in v.LEGAL_PERSON_GROUP_ALIASES]
)


# Labels printed left of a block of table 三's rows, on a line of their own when a cell is one.
BLOCK_LABELS = frozenset(norm(label) for label in (v.OUTCOMES_BLOCK, *(row.block for row in v.APPLICATIONS.rows)) if label)


def has_tables(lines):
    """True when the text holds `|` tables (at least two rows: one could be prose) or HTML
    tables, as OCR and PDF converters (MinerU, Marker) write tables with merged cells."""
    text = "\n".join(lines)  # one search of the whole, and most text has no 「|」: no line to test
    return bool(HTML_TABLE_START.search(text)) or (
        "|" in text and sum(1 for line in lines if PIPE_ROW.match(line) and line.count("|") >= 3) >= 2
    )


def read_markdown(lines):
    """The document's blocks in order; consecutive pipe tables with only blank lines, footers
    or page numbers between them are one table (a converter ends a table at every page or row).

    A blank line ends a paragraph; a paragraph is cut (and parsers.document may re-join it) only
    where a line follows another directly or a page's number stands between them."""
    blocks, rows, adjacent, page_break = [], [], False, False
    table_lines = None  # the lines of an HTML table being collected
    for line in lines:
        if table_lines is not None or HTML_TABLE_START.search(line):
            table_lines = [] if table_lines is None else table_lines
            table_lines.append(line)
            if HTML_TABLE_END.search(line):
                rows += _html_rows("\n".join(table_lines))
                table_lines, adjacent = None, False
            continue
        if PIPE_ROW.match(line):
            adjacent = False
            if not SEPARATOR.match(line):
                cells = [_cell_text(cell) for cell in line.strip().strip("|").split("|")]
                if not _is_footer(cells):
                    rows.append(cells)
            continue
        text = "" if PAGE_NUMBER.match(line) else _plain(line)
        if not text:
            adjacent, page_break = False, page_break or bool(PAGE_NUMBER.match(line))
            continue
        if rows:
            blocks.append(Grid(_rejoined(rows)))
            rows = []
        cut = adjacent or page_break
        if cut and blocks and isinstance(blocks[-1], Paragraph):
            blocks[-1].may_be_cut = True
        blocks.append(Paragraph(text, may_be_cut=cut))
        adjacent, page_break = True, False
    if table_lines:
        rows += _html_rows("\n".join(table_lines))  # a table the text ends in, unclosed
    if rows:
        blocks.append(Grid(_rejoined(rows)))
    return blocks


def _html_rows(fragment):
    """The rows of the HTML tables in `fragment`, merged cells expanded as on a web page."""
    from reports.parsers.html import table_rows  # html reads text's decode: imported when used

    return table_rows(fragment)


def _cell_text(cell):
    """A pipe cell's text: a line break written <br> (pymupdf4llm, Marker) joins the cell's lines,
    as a wrapped label is one label; HTML entities (&nbsp;) are the characters they stand for."""
    if "<" not in cell and "&" not in cell:  # most cells: nothing to undo
        return cell.strip()
    return html.unescape(LINE_BREAK.sub("", cell)).strip()


def _plain(line):
    """A line's text without Markdown's marks (「# 一、总体情况」, 「**二、…**」)."""
    if not MARKS.search(line):  # most lines and cells: nothing to undo
        return line.strip()
    return EMPHASIS.sub("", BULLET.sub("", HEADING_MARK.sub("", line))).strip()


def _is_footer(cells):
    filled = [c for c in cells if c]
    return len(filled) == 1 and bool(PAGE_FOOTER.match(filled[0]))


def _kinds(cells):
    kinds = {cell_kind(c) for c in cells if norm(c)}
    return LABEL_CELL in kinds, NUMBER_CELL in kinds


def _rejoined(rows):
    rows = _joined_headers([[_plain(c) for c in row] for row in rows])
    return _wrapped_figures(_joined_rows(rows))


def _wrapped_figures(rows):
    """Rows beside a line of numbers alone, marked ILLEGIBLE with those numbers. A figure wider
    than its column prints over two lines (「13」 over 「10」 for 1310), and its text then holds
    a line of figures' pieces beside the row's own line: the row above's when cells are aligned
    to the top (Word), the row below's when to the bottom. Which, the text does not say, and the
    row's own line reads whole (10, 35, … for 1310, 3521, …): so neither row is read, and the
    recovery stage says so (E15). Numbers a label above them takes are that label's, not pieces
    (_joined_rows; a local row's 「其中：网上申请」). Two lines of numbers alone are table 四's row
    and pieces of it: both marked as one."""
    rows, out = list(rows), []
    for index, cells in enumerate(rows):
        if _kinds(cells) != (False, True) or (out and _local_label(out[-1])):
            out.append(cells)
            continue
        pieces = [c for c in cells if norm(c)]
        marked = False
        if out and (_kinds(out[-1]) == (False, True) or out[-1][0].startswith(ILLEGIBLE)):
            # table 四's row of figures and pieces of it, however many lines
            previous = " ".join(c for c in out[-1] if norm(c)).removeprefix(ILLEGIBLE).strip()
            out[-1] = [" ".join([ILLEGIBLE, previous, *pieces])]
            marked = True
        elif out and _figures_row(out[-1]):
            out[-1] = [_with_pieces(out[-1], pieces)]
            marked = True
        following = rows[index + 1] if index + 1 < len(rows) else None
        if following and _figures_row(following):
            rows[index + 1] = [_with_pieces(following, pieces)]
            marked = True
        if not marked:
            out.append(cells)
    return out


def _local_label(cells):
    """True for a row of a label alone that is no official row's, block's or header's: a local
    row (「其中：网上申请」), whose numbers follow it."""
    filled = [c for c in cells if norm(c)]
    if not filled or _kinds(cells) != (True, False) or names_row(cells):
        return False
    return not any(
        norm(c) in HEADER_LABELS or norm(c) in BLOCK_LABELS or ILLEGIBLE in c or FIGURE_AFTER_TEXT.search(c)
        for c in filled
    )  # fmt: skip


def _figures_row(cells):
    """True for a row of table 二 or 三 that has its label and its figures."""
    label, figures = _label_and_figures(cells)
    return bool(figures) and names_row([label])


def _label_and_figures(cells):
    """(label, figures) of a row: its cells, or its one cell of both (a spaced row of too few or
    too many figures, which parsers.spaced keeps whole)."""
    filled = [c for c in cells if norm(c)]
    labels, values = split_row(filled)
    if not values and len(filled) == 1 and (match := FIGURE_AFTER_TEXT.search(filled[0])):
        return filled[0][: match.start() + 1], filled[0][match.start() + 1 :].strip()
    return " ".join(labels), " ".join(values)


def _with_pieces(cells, pieces):
    label, figures = _label_and_figures(cells)
    return " ".join([label, ILLEGIBLE, *pieces, figures])


def _joined_headers(rows):
    """Header cells wrapped onto the next row put back together: a cell joins the one below it
    only when together they make a column label and neither is one alone."""
    out = []
    for cells in rows:
        above = out[-1] if out else None
        if above is not None and not any(_kinds(above)[1:]) and not _kinds(cells)[1]:
            cells = list(cells)
            for i, (top, bottom) in enumerate(zip(above, cells)):
                joined = norm(top) + norm(bottom)
                if norm(top) and norm(bottom) and joined in HEADER_LABELS and norm(top) not in HEADER_LABELS:
                    above[i], cells[i] = top + bottom, ""
            if not any(norm(c) for c in cells):
                continue
        out.append(cells)
    return out


def names_row(cells):
    """True for a row that holds only the label of an official row of table 二 or 三."""
    filled = [c for c in cells if norm(c)]
    if not filled or any(cell_kind(c) == NUMBER_CELL or FIGURE_AFTER_TEXT.search(c) for c in filled):
        return False
    if any(norm(c) in HEADER_LABELS for c in filled):
        return False  # a header row
    label = "".join(map(norm, filled))
    return any(row_key(table, label) for table in (v.ACTIVE, v.ACTIVE_2019, v.APPLICATIONS))


@lru_cache(maxsize=1)
def _row_labels():
    return frozenset(norm(row.label) for table in (v.ACTIVE, v.ACTIVE_2019, v.APPLICATIONS) for row in table.rows)


def is_whole_label(*cells):
    """True for a row holding an official row's whole label (「行政处罚」), not a group's."""
    return "".join(map(norm, cells)) in _row_labels()


def _number_run(cells):
    """The one value (a number, or a blank cell's —) of a row printed one cell per line, or None."""
    filled = [c for c in cells if norm(c)]
    if len(filled) == 1 and (cell_kind(filled[0]) == NUMBER_CELL or number_text(filled[0]) in BLANK_MARKERS):
        return filled[0]
    return None


def _joined_rows(rows):
    """A row's label and its numbers, printed on lines of their own, made one row again: the
    label's row is followed by a row of numbers only, or by one line per number (as is table
    四's row of numbers under its header); a group's label (（三）不予公开) is followed by its
    first item's label."""
    out, pending, run, runs = [], False, False, set()
    for cells in rows:
        has_label, has_number = _kinds(cells)
        number = _number_run(cells)
        if number is not None and (pending or run):
            out[-1].append(number)
            pending, run = False, True
            runs.add(len(out) - 1)
            continue
        run = number is not None
        if pending and has_number and not has_label:
            out[-1] += cells
        elif pending and has_label and has_number and not names_row(_label_cells(cells)):
            # 「本年新收政府信息公开」 over 「申请数量 | 1 | 0 …」: a label wrapped; one label again
            labels, values = split_row(cells)
            out[-1] = ["".join(c.strip() for c in out[-1][-1:] + labels)] + values
        elif pending and names_row(cells) and is_whole_label(*out[-1]):
            # two rows' labels, then both rows' numbers (pdfminer's text of 「行政处罚 | 行政强制」):
            # which number is whose the lines do not say, so neither label takes the next numbers
            out.append([c for c in cells if norm(c)])
            pending = False
            continue
        elif pending and names_row(cells):
            out[-1] += [c for c in cells if norm(c)]  # the group's label, then its item's
            continue
        elif names_row(cells):
            out.append([c for c in cells if norm(c)])
            pending = True
            continue
        elif out and _header_cell(cells) and all(map(_header_cell, ([c] for c in out[-1] if norm(c)))):
            out[-1] += [c for c in cells if norm(c)]  # a header printed one label per line
        else:
            out.append(list(cells))
        pending = False
    for index in runs:
        # more numbers a line than the row has cells: pdfminer's text gives a ruled table column
        # by column, the numbers after a label being a column's, not the row's (a table with a
        # local column printed one number a line is so too: E15, as which column is whose cannot
        # be told from the lines)
        label, figures = _label_and_figures(out[index])
        if len(figures.split()) > _most_figures(label):
            out[index] = [" ".join([label, ILLEGIBLE, figures])]
    return out


def _most_figures(label):
    """The most figures a row the label names has (table 二's row its columns, table 三's seven);
    any number for a label that names no row of theirs."""
    widths = [len(t.row_by_key[k].columns) or 1 for t in (v.ACTIVE, v.ACTIVE_2019) if (k := row_key(t, label))]
    widths += [len(v.APPLICATIONS.columns)] if row_key(v.APPLICATIONS, label) else []
    return max(widths, default=float("inf"))


def _header_cell(cells):
    """True for a row of one cell holding a header label."""
    filled = [c for c in cells if norm(c)]
    return len(filled) == 1 and norm(filled[0]) in HEADER_LABELS


def _label_cells(cells):
    return [c for c in cells if cell_kind(c) == LABEL_CELL]
