"""Text whose tables are written with spaces (OCR, pdftotext, a PDF without ruling lines) or one
cell per line → the same text with its table lines as pipe rows, for parsers.markdown.

Spaces do not show which cell a value is in. So a line is a row only when its label names an
official row and it holds as many values as that row has columns (table 三: as many as its header
names); anything else stays text, never placed by guess here: the recovery stage (parsers.recover)
places it where the table's accounting leaves one reading, and otherwise says so (E15).
"""
import re

from reports import vocabulary as v
from reports.parsers.blocks import CJK, ILLEGIBLE, PAGE_FOOTER, PAGE_NUMBER, norm
from reports.parsers.document import heading_section
from reports.parsers.grid import ENUMERATOR, NUMBER_CELL, cell_kind, row_key
from reports.parsers.markdown import BLOCK_LABELS, HEADER_LABELS, PIPE_ROW, is_whole_label, names_row
from reports.parsers.recover import MAX_DIGITS


# A row as OCR or pdftotext writes a table: its label, then its values separated by spaces.
VALUE = r"(?:[+-]?\d+(?:\.\d+)?|[—－/／])"
VALUES_LINE = re.compile(rf"^\s*{VALUE}(?:\s+{VALUE})*\s*$")
SPACED_ROW = re.compile(rf"^\s*(?P<label>\S.*?[^\s\d.+-])\s+(?P<values>{VALUE}(?:\s+{VALUE})*)\s*$")
# OCR sets a space between letters, and more than one between cells.
LETTER_SPACED_CELLS = re.compile(r"\s{2,}")
DIGIT = re.compile(r"\d")
STOPS = tuple("。！？；;!?")  # a sentence ends so; a label never does
MIN_SPACED_ROWS = 5  # fewer rows of label and numbers are prose, not the report's tables


def spaced_as_pipes(lines):
    """Text whose tables are written with spaces (OCR, pdftotext) or one cell per line, its table
    lines rewritten as pipe rows for read_markdown; None when it has no such tables.

    Spaces do not show which cell a value is in: a row with more or fewer values than its
    official columns is kept as one cell of text, never placed by guess here; the recovery stage
    places it only where the table's accounting leaves one reading, else says so (E15)."""
    out, rows, table, header = [], 0, False, set()
    lines = _without_page_numbers(lines)
    for index, line in enumerate(lines):
        if heading_section(line.strip()):
            header = set()  # the next table's header
        in_table = table or bool(VALUES_LINE.match(line) and _above_row(lines, index))
        cells = _spaced_cells(_unwrapped(out, line, header), in_table, header)
        if cells is None:
            out.append(line)
            table = table and not line.strip()  # a blank line inside a table does not end it
            continue
        if cells:
            out.append("| " + " | ".join(cells) + " |")
            rows += any(cell_kind(c) == NUMBER_CELL for c in cells)
        table = True
    return out if rows >= MIN_SPACED_ROWS else None


def _above_row(lines, index):
    """True when the lines after `index` that hold a number or two alone end at a table's row
    (a label and numbers, or three numbers or more): such lines are a table's too, the pieces of
    figures a narrow column wrapped, printed at their cells' top (a digit a line at most)."""
    for line in lines[index + 1 : index + 1 + MAX_DIGITS]:
        text = line.strip()
        if SPACED_ROW.match(text) or (VALUES_LINE.match(text) and len(text.split()) >= 3):
            return True
        if not VALUES_LINE.match(text):
            return False
    return False


def _unwrapped(out, line, header):
    """The line with the lines a narrow label column wrapped before it (「2.其他法律行政法规禁止公」
    over 「开 0 0 …」) put back, when only together they name an official row; those lines are
    taken from `out`."""
    match = SPACED_ROW.match(line.strip())
    if not match:
        return line
    before = SPACED_ROW.match(out[-1].strip()) if out else None
    if (
        before
        and CJK.search(before["label"])
        and not _widths(_item_label(before["label"]), header)
        and not _opens_row(_item_label(match["label"]))
    ):
        joined = before["label"] + match["label"]
        if _widths(_item_label(joined), header):
            # a label's first line with figures beside it, its row's figures on the next: the
            # pieces of figures a narrow column wrapped, printed at their cells' top
            del out[-1]
            return f"{joined} {ILLEGIBLE} {before['values']} {match['values']}"
    if _widths(_item_label(match["label"]), header):
        return line
    for count in (1, 2, 3):
        before = [_single_label(x) for x in out[-count:]]
        if len(before) < count or not all(before):
            break
        joined = "".join(before) + line.strip()
        if _widths(_item_label(SPACED_ROW.match(joined)["label"]), header):  # 「仍不」+「（四）无法提供 明确」
            del out[-count:]
            return joined
    return line


def _opens_row(label):
    """True for a label that starts a row of its own: an enumerator (二、, （一）, 3.) or a whole
    official label (行政许可): never the rest of a label wrapped from the line above."""
    return bool(ENUMERATOR.match(label)) or is_whole_label(label)


def _single_label(line):
    """The text of a line that may be part of a wrapped label (a short line of prose, or a row
    holding one label), else ""."""
    text = line.strip()
    if PIPE_ROW.match(text):
        cells = [c.strip() for c in text.strip("|").split("|")]
        text = cells[0] if len(cells) == 1 else ""
    elif len(text) > 30:
        return ""
    if not CJK.search(text) or text.endswith(STOPS) or heading_section(text):
        return ""
    if DIGIT.search(ENUMERATOR.sub("", norm(text), count=1)):
        return ""  # figures beside a label's first line: pieces of figures a narrow column wrapped
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
    """The cells of a table line of spaced text; None for prose.
    `header` collects the header labels of the table read so far."""
    text = line.strip()
    if not text or PAGE_FOOTER.match(text) or heading_section(text):
        return None
    if VALUES_LINE.match(text):
        values = text.split()
        return values if table or len(values) >= 3 else None
    for tokens in (text.split(), LETTER_SPACED_CELLS.split(text)):  # OCR: 「信 息 内 容  本 年 制 发 件 数」
        if all(norm(token) in HEADER_LABELS for token in tokens):
            header.update(map(norm, tokens))
            return tokens
    match = SPACED_ROW.match(text)
    if match and CJK.search(match["label"]):
        label, values = _item_label(match["label"]), match["values"].split()
        widths = _widths(label, header)
        if widths:
            # the wrong count of values, or figures a reader distrusts: kept whole in one cell,
            # for the recovery stage to place or report
            return [label, *values] if len(values) in widths and ILLEGIBLE not in label else [text]
        return None  # no official row's label (part of a wrapped one, or prose ending in numbers)
    # A row's label (or its block's) alone, its values on the lines below; never a sentence.
    if table and not text.endswith(STOPS) and (names_row([text]) or norm(text) in BLOCK_LABELS):
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
