"""The report as a document: title, the six sections and the three tables, in reading order.

Every writer of a report document walks this one list (the published .docx, and the renderings the
tests parse back in other formats), so what a document says and in which order is decided once.
"""
from reports import vocabulary as v
from reports.layout import official_tables

from .cells import printable

PROBLEMS_HEADING = "（一）存在的主要问题"
IMPROVEMENTS_HEADING = "（二）改进措施"


def document(shape):
    """The report as a list of (kind, content).

    kind is "title", "h" (一、…), "h2" (五's （一）/（二）), "p" (a body paragraph) or "sign" (the
    signature and date) with text, or "table" with rows of LayoutCells (the official layout).
    """
    tables = {t.section: t for t in official_tables(shape, as_published=True)}
    title = shape.facts.get("title") or f"{shape.agency or ''}{shape.year}年政府信息公开工作年度报告"
    items = [("title", title)]
    items += [("p", line) for line in _lines(shape.facts.get("preamble"))]
    for section in v.SECTIONS:
        items.append(("h", v.heading(section.key)))
        if section.key in tables:
            items += [("p", line) for line in _lines(shape.facts.get("notes", {}).get(section.key))]
            items.append(("table", tables[section.key].rows))
        elif section.key == "problems":
            items.append(("h2", PROBLEMS_HEADING))
            items += [("p", item) for item in shape.sections["problems"]]
            items.append(("h2", IMPROVEMENTS_HEADING))
            items += [("p", item) for item in shape.sections["improvements"]]
        else:
            items += [("p", line) for line in _lines(shape.sections[section.key])]
    if shape.facts["agency_names"].get("signature"):
        items.append(("sign", shape.facts["agency_names"]["signature"]))
    if shape.facts.get("signed_on"):
        year, month, day = map(int, shape.facts["signed_on"].split("-"))
        items.append(("sign", f"{year}年{month}月{day}日"))
    return [(kind, printable(content) if isinstance(content, str) else content) for kind, content in items]


def _lines(text):
    return [line for line in (text or "").split("\n") if line.strip()]


def placed(rows):
    """(cells with their grid row and column, grid width) for rows of cells with spans."""
    taken, out, width = set(), [], 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return out, width
