"""Word .docx → paragraphs and grids, in document order, with merged cells resolved.

A merged cell's text is placed in its first grid position and the positions it spans are left
empty, which is what the shared grid step expects from every format (the text seeds look so too).
"""
import io

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree

from reports.parsers.archive import open_package
from reports.parsers.blocks import Grid, Paragraph, ParseError, padded

MAX_TABLE_ROWS = 2000
MAX_SPAN = 64  # no official table is wider; a hostile file may claim millions


def read_docx(data):
    data = open_package(data, "Word 文件")
    try:
        document = Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
    except (KeyError, ValueError, etree.XMLSyntaxError, AttributeError) as exc:
        raise ParseError("无法读取该 Word 文件，文件可能已损坏；请在 Word 或 WPS 中打开后另存为 .docx 再上传。") from exc
    blocks = []
    for item in items:
        if isinstance(item, Table):
            blocks.append(Grid(_grid(item._tbl)))
            continue
        # A line break inside a paragraph separates lines as a new paragraph would.
        blocks.extend(Paragraph(line.strip()) for line in item.text.split("\n") if line.strip())
    return blocks


def _grid(tbl):
    rows = []
    for tr in tbl.tr_lst[:MAX_TABLE_ROWS]:
        cells = [""] * min(tr.grid_before, MAX_SPAN)
        for tc in tr.tc_lst[:MAX_SPAN]:
            text = "" if tc.vMerge == "continue" else _text(tc)
            cells.append(text)
            cells.extend([""] * (min(tc.grid_span, MAX_SPAN) - 1))
        rows.append(cells)
    return padded(rows, MAX_SPAN)  # Word's w:gridAfter leaves a row's last cells out


def _text(tc):
    """A cell's text; its paragraphs are joined, since Word wraps labels as 结果 / 维持."""
    return "".join(node.text or "" for node in tc.iter(qn("w:t"))).strip()
