"""Portal pages (.html/.htm) → paragraphs and grids of the article body.

Government portals wrap the report in navigation, and older ones in layout tables; the article is
the smallest element that still holds every section heading the page has. Tables with rowspan /
colspan are expanded onto a grid; the walk is iterative, so deeply nested markup cannot exhaust
the stack. Plain lxml.etree elements: lxml.html's element classes cost a lookup per element
visited, which made up much of the reading time.
"""
import re
from functools import lru_cache

from lxml import etree

from reports.parsers.blocks import Grid, Paragraph, ParseError, norm, padded
from reports.parsers.document import heading_section
from reports.parsers.text import decode

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# A DOCTYPE with an internal subset (<!DOCTYPE html [ <!ENTITY t "…"> ]>) is no HTML: the HTML
# parser ends the doctype at its first ">", so the rest of the subset would become page text (a
# title, an agency name). The subset runs to its "]>" outside quotes, or to the end of the page.
DOCTYPE_SUBSET = re.compile(r"""<!DOCTYPE[^\[>]*+\[(?:"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z)|\](?!\s*>)|[^\]"'])*+(?:\]\s*>|\Z)""", re.I)
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "center", "header", "footer", "dd", "dt", "dl", "form", "body",
}  # fmt: skip
DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "svg")
MAX_SPAN = 64  # no official table is wider or longer than this in one cell
MAX_TABLE_ROWS = 2000
MAX_CELLS = 20000  # a hostile page could otherwise claim rowspan × colspan cells at will
ROWS = etree.XPath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
CELLS = etree.XPath("./td|./th")


def decode_html(data):
    """Text of a page: BOM, then the declared charset, then UTF-8, then GB18030."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    declared = META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        # Pages that declare gb2312 or gbk routinely contain characters only GB18030 has.
        name = "gb18030" if name in ("gb2312", "gbk", "x-gbk", "gb18030") else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def text_content(element):
    """All the text inside `element` (what lxml.html's text_content() returns)."""
    if not len(element):  # no children, as most table cells: the text is all there is
        return element.text or ""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def read_html(data):
    text = DOCTYPE_SUBSET.sub("", decode_html(data))
    try:
        # No network and libxml2's own limits on depth and text size (huge_tree off); the HTML
        # parser resolves no entities but HTML's own.
        parser = etree.HTMLParser(remove_comments=True, no_network=True, huge_tree=False)
        root = etree.fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError("无法解析该网页文件。") from exc
    if root is None:  # an empty document
        raise ParseError("无法解析该网页文件。")
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    body = _article(root)
    blocks = _title(root, body) + _walk(body)
    return blocks


def table_rows(fragment):
    """The rows of the innermost tables of an HTML fragment (a converter's table in Markdown)."""
    try:
        root = etree.fromstring(fragment, parser=etree.HTMLParser(remove_comments=True, no_network=True, huge_tree=False))
    except (etree.ParserError, ValueError):  # no table to read: its lines stay unread, as debris
        return []
    if root is None:
        return []
    return [row for table in root.iter("table") if table.find(".//table") is None for row in _grid(table)]


def _article(root):
    """The smallest element holding every section heading found on the page."""
    holders = {}
    for element in root.iter("p", "div", "h1", "h2", "h3", "h4", "strong", "span", "td", "font", "b"):
        if heading_section(text_content(element)):
            for ancestor in element.iterancestors():
                holders[ancestor] = holders.get(ancestor, 0) + 1
    if not holders:
        return root.find("body") if root.find("body") is not None else root
    most = max(holders.values())
    candidates = [e for e, count in holders.items() if count == most]
    return min(candidates, key=lambda e: len(text_content(e)))


def _title(root, body):
    """The page's report title when the article body does not repeat it (it sits in an <h1>)."""
    body_text = None  # normalised only when a heading outside the body names a report: it is long
    for element in root.iter("h1", "h2", "title"):
        if element is body or body in element.iterancestors():
            continue  # read with the body
        text = " ".join(text_content(element).split())
        if "年度报告" in text:
            body_text = norm(text_content(body)) if body_text is None else body_text
            if norm(text) not in body_text:
                return [Paragraph(text)]
    return []


def _walk(body):
    blocks, line = [], []

    def flush():
        text = " ".join("".join(line).split())
        if text:
            blocks.append(Paragraph(text))
        line.clear()

    walk = etree.iterwalk(body, events=("start", "end"))
    for event, element in walk:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag == "table" and element.find(".//table") is None:
                flush()
                blocks.append(Grid(_grid(element)))
                walk.skip_subtree()  # its "end" still comes
                continue
            if tag in BLOCK_TAGS or tag in ("br", "tr", "table"):
                flush()
            if element.text:
                line.append(element.text)
        else:
            if tag in BLOCK_TAGS or tag in ("tr", "td", "th", "table"):
                flush()
            if element.tail:
                line.append(element.tail)
    flush()
    return blocks


def _grid(table):
    """rowspan/colspan expanded: text in the first position, the spanned positions empty."""
    rows, pending = [], {}  # pending: (row, column) positions a rowspan from above occupies
    trs = ROWS(table)[:MAX_TABLE_ROWS]
    for r, tr in enumerate(trs):
        cells = []
        for td in CELLS(tr):
            if pending and (r, len(cells)) in pending:
                _fill(cells, pending, r)
            text = text_content(td) if len(td) else td.text
            cells.append(" ".join(text.split()) if text else "")
            colspan, rowspan = td.get("colspan", "1"), td.get("rowspan", "1")
            if colspan != "1" or rowspan != "1":  # most cells span nothing
                colspan, rowspan = _span(colspan), min(_span(rowspan), len(trs) - r)
                if len(pending) + len(cells) + colspan * rowspan > MAX_CELLS:
                    raise ParseError("网页中的表格过大或结构异常，无法读取。")
                c = len(cells) - 1
                cells.extend([""] * (colspan - 1))
                for dr in range(1, rowspan):
                    for dc in range(colspan):
                        pending[(r + dr, c + dc)] = ""
        if pending:
            _fill(cells, pending, r)
        if len(cells) > MAX_CELLS:
            raise ParseError("网页中的表格过大或结构异常，无法读取。")
        rows.append(cells)
    return padded(rows, MAX_SPAN)


def _fill(cells, pending, r):
    """The positions of row r that rowspans from above occupy, up to the next cell of its own."""
    while (r, len(cells)) in pending:
        cells.append(pending.pop((r, len(cells))))


@lru_cache(maxsize=256)
def _span(text):
    """A rowspan/colspan value, clamped. Cached: the same few recur."""
    try:
        return max(1, min(int(text), MAX_SPAN))
    except ValueError:
        return 1
