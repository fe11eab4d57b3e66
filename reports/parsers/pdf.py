"""PDF with a text layer → paragraphs and grids, page by page in reading order.

Wrapped lines are re-joined by geometry: a line that reaches the right margin continues on the
next line (or page). Page numbers are dropped, and a PDF without any text (a scan) raises
Unreadable so it can be stored with W16.

The work grows with the pages, the objects drawn on each, and, in finding tables, with the
ruling lines compared and the square of their crossings; each is held to what a report needs,
checked before the work it bounds (pages before any page is read, objects before the table
search, lines before their crossings, crossings before the cells).
"""
import io
import logging
from itertools import islice

import pdfplumber
from pdfminer.pdfpage import PDFPage
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections, intersections_to_cells

from reports.parsers.blocks import PAGE_NUMBER, Grid, Paragraph, ParseError
from reports.parsers.document import ENUMERATED, SENTENCE_END, heading_section
from reports.parsers.grid import ENUMERATOR

logger = logging.getLogger(__name__)
# A report is a few pages (the seeds rendered: 3 or 4), a few dozen with annexes.
MAX_PAGES = 100
# Per page. A page of body text holds about 1,500 characters, a table page in small type 3,000.
MAX_CHARS = 10_000
# Rectangles, lines and curves per page: a page with two full tables whose every cell border is
# drawn on its own, as Word and WPS export them, has about 1,300 (the seeds rendered: 60).
MAX_GRAPHICS = 3_000
# Merged ruling lines, vertical × horizontal, and their crossings: two full tables on one page
# give about 1,400 and 700 (the seeds: 900 and 300).
MAX_LINE_PAIRS = 20_000
MAX_CROSSINGS = 3_000


class Unreadable(ParseError):
    """The document has no machine-readable text (an image or a scan)."""


def read_pdf(data):
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(list(islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))) > MAX_PAGES:
                raise ParseError(f"PDF 超过 {MAX_PAGES} 页的上限；年度报告通常不超过几十页，请确认文件。")
            blocks, chars = [], 0
            for page in pdf.pages:
                _check_objects(page)
                chars += len(page.chars)
                _add_page(blocks, page)
                page.close()  # its objects are no longer needed: memory stays that of one page
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


def _check_objects(page):
    chars = len(page.chars)
    graphics = len(page.rects) + len(page.lines) + len(page.curves)
    if chars > MAX_CHARS:
        raise ParseError(
            f"PDF 第 {page.page_number} 页有 {chars} 个字符，超过每页 {MAX_CHARS} 个的上限；年度报告没有这样的页面，请确认文件。"
        )
    if graphics > MAX_GRAPHICS:
        raise ParseError(
            f"PDF 第 {page.page_number} 页有 {graphics} 个图形（方框、线条等），超过每页 {MAX_GRAPHICS} 个的上限；"
            "年度报告没有这样的页面，请确认文件。"
        )


class _TableFinder(TableFinder):
    """pdfplumber's table finder, stopping on a page whose ruling lines no report's tables have."""

    def __init__(self, page):
        self.page, self.settings = page, TableSettings.resolve(None)
        self.edges = self.get_edges()
        vertical = sum(edge["orientation"] == "v" for edge in self.edges)
        if vertical * (len(self.edges) - vertical) > MAX_LINE_PAIRS:
            raise _too_many_lines(page)
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance, self.settings.intersection_y_tolerance
        )
        if len(self.intersections) > MAX_CROSSINGS:
            raise _too_many_lines(page)
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [Table(page, cells) for cells in cells_to_tables(self.cells)]


def _too_many_lines(page):
    return ParseError(f"PDF 第 {page.page_number} 页的表格线过于密集，远超年度报告表格的规模，无法读取；请确认文件。")


def _add_page(blocks, page):
    tables = _TableFinder(page).tables
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
