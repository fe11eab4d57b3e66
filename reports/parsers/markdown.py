"""Markdown and pipe text (a PDF turned into text by a converter, or OCR) → paragraphs and grids.

Converters write each table as `|`-separated lines, and what the PDF's layout did to the table
shows through: a table cut into one small table per row, page footers (「第 3 页 共 8 页」,
「- 3 -」) between its parts, a header cell wrapped over two rows (「商业企 | 科研机」 over
「业 | 构」), a row's label on one line and its numbers on the next (or one cell per line), and
`|||` debris. These are undone here, before parsers.grid places the labelled rows; a row whose
parts cannot be joined with certainty stays as printed, so grid reports it as missing (E3).
"""
import re

from reports import vocabulary as v
from reports.parsers.blocks import CJK, PAGE_FOOTER, PAGE_NUMBER, Grid, Paragraph, norm
from reports.parsers.document import heading_section
from reports.parsers.grid import BLANK_MARKERS, ENUMERATOR, LABEL_CELL, NUMBER_CELL, cell_kind, number_text, row_key, split_row

HTML_TABLE_START = re.compile(r"<table[\s>]", re.I)
HTML_TABLE_END = re.compile(r"</table\s*>", re.I)
PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
SEPARATOR = re.compile(r"^[\s|:：\-—–=+]*$")  # |---|:--:| and `|||` debris
# Markdown's own marks around a line: # headings, **bold**, > quotes, list bullets.
HEADING_MARK = re.compile(r"^\s*(#{1,6}|>+)\s*")
EMPHASIS = re.compile(r"(\*\*|__|~~|`)")
BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
# The labels tables print in their headers, which a narrow column wraps: the columns' (and
# aliases), table 二's blocks and item header, table 四's groups.
HEADER_LABELS = frozenset(
    [norm(label) for table in v.ALL_TABLES for column in table.columns for label in (column.label, *column.aliases)]
    + [norm(column.label) for table in (v.ACTIVE, v.ACTIVE_2019) for row in table.rows for column in row.columns]
    + [norm(row.block) for table in (v.ACTIVE, v.ACTIVE_2019) for row in table.rows]
    + [norm(label) for label in (v.ITEM_LABEL, *v.ACTIVE_VALUE_HEADERS.values())]
    + [norm(row.label) for row in v.REVIEW_LITIGATION.rows]
    + [norm(label) for label in (v.APPLICANT_GROUP_LABEL, v.LEGAL_PERSON_GROUP_LABEL, v.LITIGATION_LABEL)]
)


def has_tables(lines):
    """True when the text holds `|` tables (at least two rows: one could be prose) or HTML
    tables, as OCR and PDF converters (MinerU, Marker) write tables with merged cells."""
    return sum(1 for line in lines if PIPE_ROW.match(line) and line.count("|") >= 3) >= 2 or any(
        HTML_TABLE_START.search(line) for line in lines
    )


# Labels printed left of a block of table 三's rows, on a line of their own when a cell is one.
BLOCK_LABELS = frozenset(norm(label) for label in (v.OUTCOMES_BLOCK, *(row.block for row in v.APPLICATIONS.rows)) if label)

# A row as OCR or pdftotext writes a table: its label, then its values separated by spaces.
VALUE = r"(?:[+-]?\d+(?:\.\d+)?|[—－/／])"
VALUES_LINE = re.compile(rf"^\s*{VALUE}(?:\s+{VALUE})*\s*$")
SPACED_ROW = re.compile(rf"^\s*(?P<label>\S.*?[^\s\d.+-])\s+(?P<values>{VALUE}(?:\s+{VALUE})*)\s*$")
MIN_SPACED_ROWS = 5  # fewer rows of label and numbers are prose, not the report's tables


def spaced_as_pipes(lines):
    """Text whose tables are written with spaces (OCR, pdftotext) or one cell per line, its table
    lines rewritten as pipe rows for read_markdown; None when it has no such tables.

    Spaces do not show which cell a value is in: a row with more or fewer values than its
    official columns is left out (E3 names it) rather than placed by guess."""
    out, rows, table, header = [], 0, False, set()
    for line in _without_page_numbers(lines):
        if heading_section(line.strip()):
            header = set()  # the next table's header
        cells = _spaced_cells(_unwrapped(out, line, header), table, header)
        if cells is None:
            out.append(line)
            table = table and not line.strip()  # a blank line inside a table does not end it
            continue
        if cells:
            out.append("| " + " | ".join(cells) + " |")
            rows += any(cell_kind(c) == NUMBER_CELL for c in cells)
        table = True
    return out if rows >= MIN_SPACED_ROWS else None


def _unwrapped(out, line, header):
    """The line with the lines a narrow label column wrapped before it (「2.其他法律行政法规禁止公」
    over 「开 0 0 …」) put back, when only together they name an official row; those lines are
    taken from `out`."""
    match = SPACED_ROW.match(line.strip())
    if not match or _widths(match["label"], header):
        return line
    for count in (1, 2, 3):
        before = [_single_label(x) for x in out[-count:]]
        if len(before) < count or not before[0]:
            break
        joined = "".join(before) + line.strip()
        if _widths(SPACED_ROW.match(joined)["label"], header):
            del out[-count:]
            return joined
    return line


def _single_label(line):
    """The text of a line that may be part of a wrapped label (a short line of prose, or a row
    holding one label), else ""."""
    text = line.strip()
    if PIPE_ROW.match(text):
        cells = [c.strip() for c in text.strip("|").split("|")]
        text = cells[0] if len(cells) == 1 else ""
    elif len(text) > 30:
        return ""
    if not CJK.search(text) or text.endswith(tuple("。！？；;!?")) or heading_section(text):
        return ""
    return text


def _without_page_numbers(lines):
    """Lines without the page numbers printed beside a page break (pdftotext's form feed), which
    in a table printed one cell per line would read as a cell."""
    lines = list(lines)
    for i, line in enumerate(lines):
        if "\f" not in line:
            continue
        lines[i] = line = line.replace("\f", "")
        if PAGE_NUMBER.match(line):
            lines[i] = ""
        before = next((j for j in range(i - 1, -1, -1) if lines[j].strip()), None)
        if before is not None and PAGE_NUMBER.match(lines[before]):
            lines[before] = ""
    return lines


def _spaced_cells(line, table, header):
    """The cells of a table line of spaced text; [] for a row to leave out; None for prose.
    `header` collects the header labels of the table read so far."""
    text = line.strip()
    if not text or PAGE_FOOTER.match(text) or heading_section(text):
        return None
    if VALUES_LINE.match(text):
        values = text.split()
        return values if table or len(values) >= 3 else None
    tokens = text.split()
    if all(norm(token) in HEADER_LABELS for token in tokens):
        header.update(map(norm, tokens))
        return tokens
    match = SPACED_ROW.match(text)
    if match and CJK.search(match["label"]):
        label, values = _item_label(match["label"]), match["values"].split()
        widths = _widths(label, header)
        if widths:
            return [label, *values] if len(values) in widths else []
        return None  # no official row's label (part of a wrapped one, or prose ending in numbers)
    # A row's label (or its block's) alone, its values on the lines below; never a sentence.
    if table and not text.endswith(tuple("。！？；;!?")) and (_names_row([text]) or norm(text) in BLOCK_LABELS):
        return [text]
    return None


def _item_label(label):
    """A row's label without its block's, which a merged cell prints on one of the block's rows
    (「（五）不予处理 出具已获取信息」: the block label amid the wrapped item label)."""
    text = norm(label)
    for block in BLOCK_LABELS:
        text = text.replace(block, "")
    return text or norm(label)


def is_spaced_row(text):
    """True for a line that reads as a table row of spaced text."""
    return bool(SPACED_ROW.match(text) or VALUES_LINE.match(text))


def _widths(label, header):
    """How many values the official rows a label may name have: table 二's of either format, or
    table 三's applicant columns, as many as its header names (all seven if it names none)."""
    label = norm(label)
    widths = set()
    for table in (v.ACTIVE, v.ACTIVE_2019):
        key = row_key(table, label)
        if key:
            widths.add(len(table.row_by_key[key].columns) or 1)
    if row_key(v.APPLICATIONS, label):
        named = [c for c in v.APPLICATIONS.columns if {norm(c.label), *map(norm, c.aliases)} & header]
        widths.add(len(named) or len(v.APPLICATIONS.columns))
    return widths


def read_markdown(lines):
    """The document's blocks in order; consecutive pipe tables with only blank lines, footers
    or page numbers between them are one table (a converter ends a table at every page or row).

    A blank line ends a paragraph; a paragraph is cut (and parsers.document may re-join it) only
    where a line follows another directly or a page's number stands between them."""
    blocks, rows, adjacent, page_break = [], [], False, False
    html = None  # the lines of an HTML table being collected
    for line in lines:
        if html is not None or HTML_TABLE_START.search(line):
            html = (html or []) + [line]
            if HTML_TABLE_END.search(line):
                rows += _html_rows("\n".join(html))
                html, adjacent = None, False
            continue
        if PIPE_ROW.match(line):
            adjacent = False
            if not SEPARATOR.match(line):
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
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
    if html:
        rows += _html_rows("\n".join(html))  # a table the text ends in, unclosed
    if rows:
        blocks.append(Grid(_rejoined(rows)))
    return blocks


def _html_rows(fragment):
    """The rows of the HTML tables in `fragment`, merged cells expanded as on a web page."""
    from reports.parsers.html import table_rows  # html reads text's decode: imported when used

    return table_rows(fragment)


def _plain(line):
    """A line's text without Markdown's marks (「# 一、总体情况」, 「**二、…**」)."""
    return EMPHASIS.sub("", BULLET.sub("", HEADING_MARK.sub("", line))).strip()


def _is_footer(cells):
    filled = [c for c in cells if c]
    return len(filled) == 1 and bool(PAGE_FOOTER.match(filled[0]))


def _kinds(cells):
    kinds = {cell_kind(c) for c in cells if norm(c)}
    return LABEL_CELL in kinds, NUMBER_CELL in kinds


def _rejoined(rows):
    rows = _joined_headers([[_plain(c) for c in row] for row in rows])
    return _joined_rows(rows)


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


def _names_row(cells):
    """True for a row that holds only the label of an official row of table 二 or 三."""
    filled = [c for c in cells if norm(c)]
    if not filled or any(cell_kind(c) == NUMBER_CELL for c in filled):
        return False
    if any(norm(c) in HEADER_LABELS for c in filled):
        return False  # a header row
    label = "".join(map(norm, filled))
    return any(_named(table, label) for table in (v.ACTIVE, v.ACTIVE_2019, v.APPLICATIONS))


def _named(table, label):
    """True when the label names an official row: by a fragment of three characters or more,
    or by a short one (其他, 总计) only when the label is little more than it (「2.其他法律行政
    法规禁止公」, a wrapped label, names no row)."""
    key = row_key(table, label)
    if key is None:
        return False
    text = ENUMERATOR.sub("", label)
    fragment = max((norm(f) for f in table.row_by_key[key].match if norm(f) in text), key=len)
    return len(fragment) >= 3 or len(text) <= len(fragment) + 4


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
    out, pending, run = [], False, False
    for cells in rows:
        has_label, has_number = _kinds(cells)
        number = _number_run(cells)
        if number is not None and (pending or run):
            out[-1].append(number)
            pending, run = False, True
            continue
        run = number is not None
        if pending and has_number and not has_label:
            out[-1] += cells
        elif pending and has_label and has_number and not _names_row(_label_cells(cells)):
            # 「本年新收政府信息公开」 over 「申请数量 | 1 | 0 …」: a label wrapped; one label again
            labels, values = split_row(cells)
            out[-1] = ["".join(c.strip() for c in out[-1][-1:] + labels)] + values
        elif pending and _names_row(cells):
            out[-1] += [c for c in cells if norm(c)]  # the group's label, then its item's
            continue
        elif _names_row(cells):
            out.append([c for c in cells if norm(c)])
            pending = True
            continue
        elif out and _header_cell(cells) and all(map(_header_cell, ([c] for c in out[-1] if norm(c)))):
            out[-1] += [c for c in cells if norm(c)]  # a header printed one label per line
        else:
            out.append(list(cells))
        pending = False
    return out


def _header_cell(cells):
    """True for a row of one cell holding a header label."""
    filled = [c for c in cells if norm(c)]
    return len(filled) == 1 and norm(filled[0]) in HEADER_LABELS


def _label_cells(cells):
    return [c for c in cells if cell_kind(c) == LABEL_CELL]
