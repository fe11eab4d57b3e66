"""Portal pages (.html/.htm) → paragraphs and grids of the article body.

Government portals wrap the report in navigation, and older ones in layout tables; the article is
the smallest element that still holds every section heading the page has. Tables with rowspan /
colspan are expanded onto a grid; the walk is iterative, so deeply nested markup cannot exhaust
the stack.
"""
import re

from lxml import etree, html

from reports.parsers.blocks import Grid, Paragraph, ParseError, norm
from reports.parsers.document import heading_section
from reports.parsers.text import decode

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "center", "header", "footer", "dd", "dt", "dl", "form", "body",
}  # fmt: skip
DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "svg")
MAX_SPAN = 64  # no official table is wider or longer than this in one cell
MAX_TABLE_ROWS = 2000
MAX_CELLS = 20000  # a hostile page could otherwise claim rowspan × colspan cells at will


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


def read_html(data):
    text = decode_html(data)
    try:
        root = html.document_fromstring(text, parser=html.HTMLParser(remove_comments=True, no_network=True))
    except (etree.ParserError, ValueError) as exc:
        raise ParseError("无法解析该网页文件。") from exc
    for element in root.iter(*DROP_TAGS):
        element.drop_tree()
    body = _article(root)
    blocks = _title(root, body) + _walk(body)
    return blocks


def _article(root):
    """The smallest element holding every section heading found on the page."""
    holders = {}
    for element in root.iter("p", "div", "h1", "h2", "h3", "h4", "strong", "span", "td", "font", "b"):
        if heading_section(element.text_content()):
            for ancestor in element.iterancestors():
                holders[ancestor] = holders.get(ancestor, 0) + 1
    if not holders:
        return root.find("body") if root.find("body") is not None else root
    most = max(holders.values())
    candidates = [e for e, count in holders.items() if count == most]
    return min(candidates, key=lambda e: len(e.text_content()))


def _title(root, body):
    """The page's report title when the article body does not repeat it (it sits in an <h1>)."""
    body_text = norm(body.text_content())
    for element in root.iter("h1", "h2", "title"):
        text = " ".join(element.text_content().split())
        if "年度报告" in text and norm(text) not in body_text:
            return [Paragraph(text)]
    return []


def _walk(body):
    blocks, line = [], []

    def flush():
        text = " ".join("".join(line).split())
        if text:
            blocks.append(Paragraph(text))
        line.clear()

    skip_until = None
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if skip_until is not None:
            if event == "end" and element is skip_until:
                skip_until = None
                if element.tail:
                    line.append(element.tail)
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag == "table" and not element.xpath(".//table"):
                flush()
                blocks.append(Grid(_grid(element)))
                skip_until = element
            elif tag in BLOCK_TAGS or tag in ("br", "tr", "table"):
                flush()
            if element.text and skip_until is None:
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
    trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")[:MAX_TABLE_ROWS]
    for r, tr in enumerate(trs):
        cells, c = [], 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in pending:
                cells.append(pending.pop((r, c)))
                c += 1
            colspan, rowspan = _span(td, "colspan"), min(_span(td, "rowspan"), len(trs) - r)
            if len(pending) + c + colspan * rowspan > MAX_CELLS:
                raise ParseError("网页中的表格过大或结构异常，无法读取。")
            cells.append(" ".join(td.text_content().split()))
            cells.extend([""] * (colspan - 1))
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    pending[(r + dr, c + dc)] = ""
            c += colspan
        while (r, c) in pending:
            cells.append(pending.pop((r, c)))
            c += 1
        rows.append(cells)
    return rows


def _span(td, attribute):
    try:
        return max(1, min(int(td.get(attribute, "1")), MAX_SPAN))
    except ValueError:
        return 1

