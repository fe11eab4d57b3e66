"""Plain text as extracted from Word or PDF (the seed reports' form) → paragraphs and grids.

Two table shapes occur (spec §6): one table row per line with tab-separated cells (000, 003, 004),
and one cell per line, each cell line starting with a tab, rows separated by blank lines and long
cells wrapped onto following lines (001, 002).
"""
from reports.parsers.blocks import BOOKMARK, Grid, Paragraph, ParseError
from reports.parsers.document import heading_section
from reports.parsers.markdown import has_tables, read_markdown
from reports.parsers.spaced import spaced_as_pipes

ENCODINGS = ("utf-8", "gb18030")


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
    lines = BOOKMARK.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if has_tables(lines):
        return read_markdown(lines)
    if any(line.count("\t") >= 2 for line in lines):
        return _tab_separated(lines)
    spaced = None if any(line.startswith("\t") for line in lines) else spaced_as_pipes(lines)
    if spaced:
        return read_markdown(spaced)
    return _cell_per_line(lines)


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
