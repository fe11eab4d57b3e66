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
import re
from itertools import islice

import pdfplumber
from pdfminer.pdfpage import PDFPage
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections, intersections_to_cells

from reports.parsers.blocks import PAGE_FOOTER, PAGE_NUMBER, Grid, Paragraph, ParseError
from reports.parsers.document import ENUMERATED, SENTENCE_END, heading_section
from reports.parsers.grid import ENUMERATOR, NUMBER_CELL, cell_kind
from reports.parsers.markdown import read_markdown
from reports.parsers.spaced import is_spaced_row, spaced_as_pipes

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
DIGITS = re.compile(r"\d+")


class Unreadable(ParseError):
    """The document has no machine-readable text (an image or a scan)."""


def read_pdf(data):
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(list(islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))) > MAX_PAGES:
                raise ParseError(f"PDF 超过 {MAX_PAGES} 页的上限；年度报告通常不超过几十页，请确认文件。")
            pages, chars = [], 0
            for page in pdf.pages:
                _check_objects(page)
                chars += len(page.chars)
                pages.append((page.width, _page_items(page)))
                page.close()  # only its lines and tables are kept: memory stays that of one page
    except ParseError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged files; all mean "unreadable"
        logger.info("PDF not readable: %r", exc)
        raise ParseError("无法读取该 PDF 文件，文件可能已损坏或已加密。") from exc
    if not chars:
        raise Unreadable("PDF 中没有可识别的文字（可能是扫描件或图片）。")
    pages = list(_without_running_lines(pages))
    blocks = []
    ruled = any(isinstance(item, Grid) for _, items in pages for item in items)
    for width, items in pages:
        _add_items(blocks, width, items, apart=None if ruled else is_spaced_row)
    if not ruled:
        # No ruled table anywhere: the tables may still be there as lines of labels and numbers.
        spaced = spaced_as_pipes([block.text for block in blocks])
        if spaced:
            return read_markdown(spaced)
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


def _page_items(page):
    """The page's tables (as Grids) and text lines outside them, top to bottom; page numbers
    dropped, a table's rows printed without their ruling lines (a row a page break cut from its
    table loses its top border) taken back into the table."""
    tables = _TableFinder(page).tables
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    lines = _without_page_number(_lines(outside))
    items = []
    for table in tables:
        rows = [[cell or "" for cell in row] for row in table.extract()]
        for side in (_loose_row(table, lines, above=True), _loose_row(table, lines, above=False)):
            if side:
                for line in side:
                    lines.remove(line)
                cells = _row_cells(table, side)
                rows = [cells, *rows] if side[0]["bottom"] <= table.bbox[1] + 1 else [*rows, cells]
        items.append((table.bbox[1], Grid(rows)))
    items += [(line["top"], line) for line in lines]
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


def _without_page_number(lines):
    """The lines without the page's number: a page footer anywhere (「第 3 页」, 「- 3 -」), and a
    number alone (「3」) printed apart above or below all the others, a line's height away or
    more. A number alone amid the page, or close to the text, is text: a table's figure, or the
    piece of one a narrow column wrapped onto a line of its own (at a page's top, too)."""
    kept = []
    for line in lines:
        if PAGE_FOOTER.match(line["text"]):
            continue
        if PAGE_NUMBER.match(line["text"]):
            height = line["bottom"] - line["top"]
            others = [other for other in lines if other is not line]
            if not others or all(other["top"] - line["bottom"] > height for other in others):
                continue  # above all the others, apart
            if all(line["top"] - other["bottom"] > height for other in others):
                continue  # below all the others, apart
        kept.append(line)
    return kept


def _lines(page):
    """Text lines; characters of one line set in fonts of different heights (a title's Latin
    digits beside its Chinese) are one line, not two: pdfplumber groups them by their tops."""
    lines = []
    for line in page.extract_text_lines():
        previous = lines[-1] if lines else None
        height = min(line["bottom"] - line["top"], previous["bottom"] - previous["top"]) if previous else 0
        if previous and min(line["bottom"], previous["bottom"]) - max(line["top"], previous["top"]) > height / 2:
            chars = sorted(previous["chars"] + line["chars"], key=lambda c: c["x0"])
            previous.update(
                text="".join(c["text"] for c in chars),
                chars=chars,
                x0=min(previous["x0"], line["x0"]),
                x1=max(previous["x1"], line["x1"]),
                bottom=max(previous["bottom"], line["bottom"]),
            )
            continue
        line["text"] = line["text"].strip()
        lines.append(line)
    return lines


def _loose_row(table, lines, above):
    """The lines of a row printed directly above or below the table without the ruling line
    between them (a page break cut it from its table): lines within the table's width, each
    close to the next, whose words each fall within one of its columns, together holding a
    number. Only one such row: the rows beyond it are ruled."""
    left, top, right, bottom = table.bbox
    near = [x for x in lines if x["x0"] >= left - 2 and x["x1"] <= right + 2]
    if above:
        candidates = sorted((x for x in near if x["bottom"] <= top + 1), key=lambda x: -x["top"])
    else:
        candidates = sorted((x for x in near if x["top"] >= bottom - 1), key=lambda x: x["top"])
    row, edge = [], top if above else bottom
    for line in candidates:
        gap = edge - line["bottom"] if above else line["top"] - edge
        if gap > line["bottom"] - line["top"] or _row_cells(table, [line]) is None:
            break
        row.append(line)
        edge = line["top"] if above else line["bottom"]
    row.sort(key=lambda x: x["top"])
    cells = _row_cells(table, row) if row else None
    return row if cells and any(cell_kind(cell) == NUMBER_CELL for cell in cells) else None


def _row_cells(table, lines):
    """The lines' characters placed into the table's columns (a cell's lines joined), or None
    when a word runs across a column's edge: prose, not a row."""
    edges = sorted({round(cell[0], 1) for cell in table.cells})
    cells = [""] * len(edges)
    for line in lines:
        column = previous = None
        for char in line["chars"]:
            index = max((i for i, edge in enumerate(edges) if edge <= char["x0"] + 1), default=0)
            if index != column and previous is not None and char["x0"] - previous["x1"] < 0.3 * (char["size"] or 10):
                return None
            cells[index] += char["text"]
            column, previous = index, char
    return [cell.strip() for cell in cells]


def _without_running_lines(pages):
    """Pages without the lines a browser or word processor prints on every page (the date and
    title in the header, the address and 「1/4」 in the footer): a page's first or last line whose
    text, digits aside, starts or ends another page too."""
    def edges(items):
        lines = [item for item in items if isinstance(item, dict)]
        return [lines[i] for i in {0, -1} if lines] if lines else []

    counts = {}
    for _, items in pages:
        for key in {_shape(line["text"]) for line in edges(items)}:
            counts[key] = counts.get(key, 0) + 1
    running = {key for key, count in counts.items() if count >= 2 and count * 2 >= len(pages)}
    for width, items in pages:
        drop = {id(line) for line in edges(items) if _shape(line["text"]) in running}
        yield width, [item for item in items if id(item) not in drop]


def _shape(text):
    return DIGITS.sub("#", text)


def _add_items(blocks, width, items, apart=None):
    """Blocks of the page's items, a paragraph's lines joined; a line `apart` says is a table's
    row is never joined to another."""
    lines = [item for item in items if isinstance(item, dict)]
    # Page margins are symmetric in practice: the text frame ends where the left margin mirrors.
    left = min((line["x0"] for line in lines), default=0)
    right = width - left
    above = None  # the line above on this page: a wider gap than between lines starts a paragraph
    for item in items:
        if isinstance(item, Grid):
            blocks.append(item)
            above = None
            continue
        text = item["text"]
        size = item["chars"][0]["size"] if item["chars"] else 10
        reaches_margin = item["x1"] >= right - 2 * size
        spaced = above is not None and item["top"] - above["bottom"] > 0.8 * size
        above = item
        if apart and apart(text):
            blocks.append(Paragraph(text))
        elif (
            blocks
            and isinstance(blocks[-1], _Open)
            and not spaced
            and not _starts_paragraph(blocks[-1].text, text, item, left, size)
        ):
            blocks[-1] = (_Open if reaches_margin else Paragraph)(blocks[-1].text + text)
        else:
            blocks.append((_Open if reaches_margin else Paragraph)(text))
