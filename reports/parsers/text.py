"""Plain text as extracted from Word or PDF (the seed reports' form) → paragraphs and grids.

Two table shapes occur (spec §6): one table row per line with tab-separated cells (000, 003, 004),
and one cell per line, each cell line starting with a tab, rows separated by blank lines and long
cells wrapped onto following lines (001, 002).
"""
import re
from collections import Counter

from reports.parsers.blocks import BOOKMARK, Grid, Paragraph, ParseError
from reports.parsers.document import heading_section
from reports.parsers.markdown import has_tables, read_markdown
from reports.parsers.spaced import spaced_as_pipes

ENCODINGS = ("utf-8", "gb18030")
# What a browser prints in a page's margins (Chromium's headers and footers): the date, time and
# page title at the top, the address and 「2/4」 at the bottom. A PDF's text may run the footer
# into the next page's first line (「file:///…/report.html 2/45.属于三类内部事务信息 0 0 …」).
BROWSER_HEADER = re.compile(r"^\s*\d{1,4}/\d{1,2}/\d{1,4},?\s+(?:[上下]午\s*)?\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s|$)")
BROWSER_FOOTER = re.compile(r"^\s*(?:file|https?)://\S+\s+(?=\d)")


def decode(data):
    """Bytes → str, honouring a BOM and falling back to GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError("无法识别文件的文字编码，请另存为 UTF-8 或 GBK 编码的文本文件。")


def read_text(text):
    """The document's blocks in order."""
    text = BOOKMARK.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if "://" in text:  # a browser's margins print the page's address
        lines = _without_browser_margins(lines)
    lines = _without_hard_wraps(lines)
    if has_tables(lines):
        return read_markdown(lines)
    if any(line.count("\t") >= 2 for line in lines):
        return _tab_separated(lines)
    spaced = None if any(line.startswith("\t") for line in lines) else spaced_as_pipes(lines)
    if spaced:
        return read_markdown(spaced)
    return _cell_per_line(lines)


# Text saved with a line break every N characters: most of its characters are in lines of N.
HARD_WRAP_SHARE = 0.8
HARD_WRAP_LINES = 5
HARD_WRAP_WIDTH = 20


def _without_hard_wraps(lines):
    """The lines of a text saved with a break every N characters (an archive that wraps a page's
    one line of text) as the page had them: each full line joined to the next, as a break inside
    a figure (「行政处罚67+3610」 over 「3」) is no gap between cells. Recognised when at least five
    lines are N characters long, N ≥ 20, and they hold most of the text's characters; extracted
    text breaks at paragraphs and table rows, whose lengths vary."""
    lengths = Counter(map(len, lines))
    width, count = next(((w, c) for w, c in lengths.most_common() if w >= HARD_WRAP_WIDTH), (0, 0))
    if count < HARD_WRAP_LINES or width * count < HARD_WRAP_SHARE * sum(map(len, lines)):
        return lines
    joined, current = [], ""
    for line in lines:
        current += line
        if len(line) != width:
            joined.append(current)
            current = ""
    return joined + ([current] if current else [])


def _without_browser_margins(lines):
    """The lines without a browser's page headers and footers, when every page has a footer
    「address n/m」 (m the number of pages, so 「2/45.属于…」 is page 2 of 4, then row 5)."""
    footers = [i for i, line in enumerate(lines) if BROWSER_FOOTER.match(line)]
    if len(footers) < 2:
        return lines
    count = re.compile(rf"\d+\s*/\s*{len(footers)}")
    rests = [count.match(lines[i], BROWSER_FOOTER.match(lines[i]).end()) for i in footers]
    if not all(rests):
        return lines
    kept = list(lines)
    for i, rest in zip(footers, rests):
        kept[i] = lines[i][rest.end() :]
    return [line for line in kept if not BROWSER_HEADER.match(line)]


def _tab_separated(lines):
    blocks, rows = [], []
    for line in lines:
        if "\t" in line:
            rows.append([cell.strip() for cell in line.split("\t")])
            continue
        if rows:
            blocks.append(Grid(rows))
            rows = []
        if line.strip():
            blocks.append(Paragraph(line.strip(), may_be_cut=True))
    if rows:
        blocks.append(Grid(rows))
    return blocks


def _cell_per_line(lines):
    blocks, rows, row = [], [], None
    for line in lines:
        if line.startswith("\t"):
            row = row if row is not None else []
            row.append(line[1:].strip())
        elif not line.strip():
            if row is not None:
                rows.append(row)
                row = None
        elif row is not None and not heading_section(line):
            # A cell wrapped onto the next line: 结果 / 维持 is one cell, 结果维持.
            row[-1] += line.strip()
        else:
            if row is not None:
                rows.append(row)
                row = None
            if rows:
                blocks.append(Grid(rows))
                rows = []
            blocks.append(Paragraph(line.strip(), may_be_cut=True))
    if row is not None:
        rows.append(row)
    if rows:
        blocks.append(Grid(rows))
    return blocks
