"""PDF with a text layer → paragraphs and grids, page by page in reading order.

Wrapped lines are re-joined by geometry: a line that reaches the right margin continues on the
next line (or page). Page numbers are dropped, and a PDF without any text (a scan) raises
Unreadable so it can be stored with W16.
"""
import io
import logging
import re

import pdfplumber

from reports.parsers.blocks import Grid, Paragraph, ParseError
from reports.parsers.document import ENUMERATED, SENTENCE_END, heading_section
from reports.parsers.grid import ENUMERATOR

logger = logging.getLogger(__name__)
MAX_PAGES = 300
PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?(\s*共\s*\d+\s*页)?[-—–\s]*$|^\d+\s*/\s*\d+$")


class Unreadable(ParseError):
    """The document has no machine-readable text (an image or a scan)."""


def read_pdf(data):
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ParseError(f"PDF 页数过多（{len(pdf.pages)} 页），上限为 {MAX_PAGES} 页。")
            blocks, chars = [], 0
            for page in pdf.pages:
                chars += len(page.chars)
                _add_page(blocks, page)
    except ParseError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged files; all mean "unreadable"
        logger.info("PDF not readable: %r", exc)
        raise ParseError("无法读取该 PDF 文件，文件可能已损坏或已加密。") from exc
    if not chars:
        raise Unreadable("PDF 中没有可识别的文字（可能是扫描件或图片）。")
    return [Paragraph(b.text) if isinstance(b, _Open) else b for b in blocks]


def _starts_paragraph(previous, text, line, left, size):
    """A line that begins a new paragraph although the one before filled its line."""
    indented = line["x0"] > left + 1.5 * size  # 首行缩进
    item = previous.endswith(tuple(SENTENCE_END)) and bool(ENUMERATOR.match(text) or ENUMERATED.match(text))
    return indented or item or bool(heading_section(text))


class _Open(Paragraph):
    """A paragraph whose last line reached the right margin, so the next line continues it."""


def _add_page(blocks, page):
    tables = page.find_tables()
    items = [(t.bbox[1], Grid([[cell or "" for cell in row] for row in t.extract()])) for t in tables]
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    lines = [line for line in outside.extract_text_lines() if not PAGE_NUMBER.match(line["text"].strip())]
    # Page margins are symmetric in practice: the text frame ends where the left margin mirrors.
    left = min((line["x0"] for line in lines), default=0)
    right = page.width - left
    items += [(line["top"], line) for line in lines]
    items.sort(key=lambda item: item[0])
    for _, item in items:
        if isinstance(item, Grid):
            blocks.append(item)
            continue
        text = item["text"].strip()
        size = item["chars"][0]["size"] if item["chars"] else 10
        reaches_margin = item["x1"] >= right - 2 * size
        if blocks and isinstance(blocks[-1], _Open) and not _starts_paragraph(blocks[-1].text, text, item, left, size):
            blocks[-1] = (_Open if reaches_margin else Paragraph)(blocks[-1].text + text)
        else:
            blocks.append((_Open if reaches_margin else Paragraph)(text))
