"""Blocks (paragraphs and grids) → ReportShape: sections, tables, narrative, agency and year.

Shared by every input format. What the document states is kept as stated; where it disagrees
with itself, the facts recorded here let the rules say so (E3, E4, E5).
"""
import re
from functools import lru_cache

from reports import vocabulary as v
from reports.parsers import identity
from reports.parsers.blocks import Grid, Paragraph, ParseError, norm
from reports.parsers.grid import ENUMERATOR, TableReader
from reports.parsers.recover import recover_tables
from reports.rules.shape import ReportShape
from reports.text import INVISIBLE, tidy

ORDINAL = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]\s*")
SENTENCE_END = "。！？；：…”」』）)!?;:."
MAX_HEADING = 40


# Every section heading contains one of these; most lines are rejected without normalising.
HEADING_HINTS = re.compile("总体|主动公开|收到和处理|行政诉讼|问题|改进|其他需要")


def heading_section(text):
    """The section key a line is the heading of, or None."""
    if not text or len(text) > 2 * MAX_HEADING:
        return None
    return _heading_section(text)


@lru_cache(maxsize=8192)
def _heading_section(text):
    """Cached (short texts only, so memory stays small): a page asks it of every paragraph and
    table cell, and the same cell texts recur."""
    compact = "".join(text.split())  # headings are sometimes letter-spaced: 总 体 情 况
    if not HEADING_HINTS.search(compact):
        return None
    text = norm(text)
    if not text or len(text) > MAX_HEADING:
        return None
    text = ORDINAL.sub("", text).rstrip("：:")
    for section in v.SECTIONS:
        if re.match(section.pattern, text):
            return section.key
    return None


# A heading inside a paragraph: portal pages flattened into one line run headings into the text
# (「…联系电话：0591-23163581。一、总体情况2019年，我局…」). Its ordinal and wording must be a
# section's, so a local 「二、工作机制保障」 in 一 and table 三's 「四、结转下年度继续办理」 stay content.
# The search starts at the 「、」 (or the 「．」 some reports print): a literal, five times faster
# than a search at every numeral; the ordinal before it is then taken by inline_headings.
NUMERALS = "一二三四五六七八九十"
SECTION_WORDING = "\\s*(?:" + "|".join(f"(?:{s.pattern.lstrip('^').rstrip('$')})" for s in v.SECTIONS) + ")"
SECTION_AFTER_ORDINAL = tuple(re.compile(re.escape(mark) + SECTION_WORDING) for mark in ("、", "．", "."))


def has_inline_heading(text):
    return any(pattern.search(text) for pattern in SECTION_AFTER_ORDINAL)


def inline_headings(text):
    """(start, end) of each section heading printed inside `text`, in order."""
    spans = []
    for pattern in SECTION_AFTER_ORDINAL:
        for match in pattern.finditer(text):
            start = match.start()
            while start and text[start - 1] in NUMERALS:
                start -= 1
            if start < match.start() and heading_section(text[start : match.end()]):
                spans.append((start, match.end()))
    return sorted(spans)


def split_headings(text):
    """A paragraph cut before each section heading it runs into; [text] when it has none."""
    if not HEADING_HINTS.search(text) or heading_section(text):
        return [text]
    headings = inline_headings(text)
    if not headings:
        return [text]
    pieces = [text[: headings[0][0]]]
    for (start, end), following in zip(headings, [s for s, _ in headings[1:]] + [len(text)]):
        pieces += [text[start:end], text[end:following]]
    return [piece.strip() for piece in pieces if piece.strip()]


def _split(blocks):
    """Paragraphs that run several sections together, cut at their headings; grids too."""
    for block in blocks:
        if isinstance(block, Grid):
            yield from _split_grid(block)
            continue
        pieces = split_headings(block.text)
        if len(pieces) == 1:
            yield block
            continue
        for piece in pieces:
            yield Paragraph(piece, block.may_be_cut)


def _split_grid(grid):
    """A grid whose cell runs into a section heading, cut there: a PDF's text may join a table's
    last row and the next section's heading on one line (「四、结转下年度继续办理 0 0 0 0 0四、政府信息
    公开行政复议、行政诉讼情况」). The rows before, the heading and its text, the rows after."""
    if not has_inline_heading(grid.text):  # most grids: one search
        yield grid
        return
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            pieces = split_headings(cell)
            if len(pieces) == 1:
                continue
            first = [] if heading_section(pieces[0]) else pieces[:1]
            before = grid.rows[:r] + ([row[:c] + first] if row[:c] + first else [])
            if before:
                yield Grid(before)
            yield from (Paragraph(piece, may_be_cut=True) for piece in pieces[len(first) :])
            after = ([row[c + 1 :]] if row[c + 1 :] else []) + grid.rows[r + 1 :]
            if after:
                yield from _split_grid(Grid(after))
            return
    yield grid


def _clean(blocks):
    """Text as stored (reports.text.tidy); no control character reaches a table cell either
    (PostgreSQL refuses NUL in text)."""
    for block in blocks:
        if isinstance(block, Grid):
            if INVISIBLE.search(block.text):  # rare: one search, not one a cell
                block = Grid([[INVISIBLE.sub("", cell) for cell in row] for row in block.rows])
        else:
            block.text = tidy(block.text)
        yield block


def build_report(blocks):
    shape = ReportShape()
    blocks = [b for b in _split(_clean(blocks)) if isinstance(b, Grid) or (b.text and not identity.is_site_footer(b.text))]
    tables = TableReader(shape)
    parts = {"front": []}  # section key → its paragraphs
    printed = {}  # section key → its blocks in reading order, tables included, for recovery
    current = "front"
    for block in blocks:
        if isinstance(block, Grid):
            tables.read(block)
            printed.setdefault(current, []).append(block)
            continue
        section = heading_section(block.text)
        if section or len(block.text) > 20:
            tables.end_of_tables()  # a page's running header does not end a table, a paragraph does
        if section and section not in parts:
            current = section
            parts[current] = []
        else:
            parts[current].append(block)
            printed.setdefault(current, []).append(block)
    tables.end_of_tables()
    _recover(shape, tables, parts, printed)
    tables.finish()
    if len(parts) == 1 and not tables.found:
        raise ParseError("未能识别为政府信息公开工作年度报告：没有找到“一、总体情况”等标题，也没有找到统计表格。")

    front = [p.text for p in parts["front"]]
    chrome = [t for t in front if identity.is_chrome(t)]
    published = next(filter(None, map(identity.published_on, chrome)), None)
    paragraphs = [t for t in front if t not in chrome]
    title, preamble = split_title(paragraphs)
    archived = next(filter(None, map(identity.archived_title, chrome)), None)
    if archived and (not title or len(title) > TITLE_LINE):
        # the page prints no title line (a paragraph naming 年度报告 is none): its archive's or metadata's
        title, preamble = archived, paragraphs
    other, signature, signed_on = split_signature(join_broken(parts.get("other", [])))
    shape.sections["overall"] = "\n".join(join_broken(parts.get("overall", [])))
    shape.sections["problems"], shape.sections["improvements"] = split_problems(
        join_broken(parts.get("problems", []))
    )
    shape.sections["other"] = "\n".join(other)
    notes = {
        k: "\n".join(join_broken(parts[k])) for k in v.TABLE_SECTIONS if parts.get(k)
    }
    shape.facts.update(title=title, preamble="\n".join(preamble), notes=notes, signed_on=signed_on)
    if published:
        shape.facts["published_on"] = published
    identity.detect(shape, title, "\n".join(preamble), signature)
    return shape


TABLE_SECTIONS = (v.ACTIVE.key, v.APPLICATIONS.key, v.REVIEW_LITIGATION.key)


def _recover(shape, tables, parts, printed):
    """Tables whose grid left official rows unread, read from their section's text (parsers.recover):
    its paragraphs and its grids' rows, as the page printed them, whatever the format (a grid
    that broke at a wrapped label or an unreadable header leaves its rows there). The text they
    were printed as is a table, not a note beside it."""
    texts = {key: _printed_text(printed[key]) for key in TABLE_SECTIONS if printed.get(key) and tables.lacks(key)}
    if not texts:
        return
    for key, rows in recover_tables(texts, shape, done=tables.seen).items():
        if rows:
            tables.seen[key] |= rows
            tables.found.add(key)
            parts[SECTION_OF_TABLE[key]] = []


def _printed_text(blocks):
    """The text of paragraphs and grids in reading order, a grid's cells apart by spaces."""
    return " ".join(
        text
        for block in blocks
        for text in ([" ".join(cells) for cells in block.rows] if isinstance(block, Grid) else [block.text])
    )


SECTION_OF_TABLE = {v.ACTIVE.key: "active", v.ACTIVE_2019.key: "active", v.APPLICATIONS.key: "applications",
                    v.REVIEW_LITIGATION.key: "review_litigation"}  # fmt: skip


TITLE_LINE = 80  # longer, a text taken for the title is a paragraph: 「本年度报告根据…」


def split_title(paragraphs):
    """(title, preamble): the title is the leading short lines up to the one naming 年度报告
    (without a Markdown heading's #)."""
    for end, text in enumerate(paragraphs[:4]):
        if text.endswith("。"):
            break
        if "年度报告" in text or "年报" in text:
            title = identity.TITLE_DEBRIS.sub("", identity.without_page_chrome("".join(paragraphs[: end + 1])))
            return title[: v.MAX_TITLE], paragraphs[end + 1 :]
    return "", paragraphs


def join_broken(paragraphs):
    """Texts of the paragraphs, re-joining extracted lines that a page break split mid-sentence
    (000: 要求各科 / 室、各卫生院…)."""
    joined, previous_cut = [], False
    for paragraph in paragraphs:
        text = paragraph.text
        previous = joined[-1] if joined else ""
        if (
            previous_cut
            and paragraph.may_be_cut
            and len(previous) >= 30
            and not previous.endswith(tuple(SENTENCE_END))
            and not ENUMERATOR.match(text)
            and not ENUMERATED.match(text)
        ):
            joined[-1] = previous + text
        else:
            joined.append(text)
        previous_cut = paragraph.may_be_cut
    return joined


DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")


def split_signature(paragraphs):
    """(text, signer, ISO date): the name and date lines a report closes with (003)."""
    paragraphs = list(paragraphs)
    signed_on = signer = None
    if paragraphs and DATE.match(norm(paragraphs[-1])):
        year, month, day = DATE.match(norm(paragraphs.pop())).groups()
        signed_on = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if paragraphs and identity.is_agency_name(paragraphs[-1]):
        signer = paragraphs.pop().strip()
    return paragraphs, signer, signed_on


# -- 五: problems and improvements as separate items -----------------------------------------

ENUMERATED = re.compile(r"^[一二三四五六七八九十]是")
IMPROVEMENT_CUE = re.compile(r"改进|整改|下一步|下步|下一阶段|下阶段|今后|措施")
# A paragraph that opens the improvements: 004 下一阶段我局…, 000 今后改进的措施：…
IMPROVEMENT_START = re.compile(r"^(今后|下一步|下步|下一阶段|下阶段|针对(上述|以上|这些)问题)")
PROBLEM_HEADING = re.compile(r"^(工作中|当前|目前)?(存在的?|面临的?)?(主要)?(问题|不足)(和不足|及不足)?$")
IMPROVEMENT_HEADING = re.compile(
    r"^(.{0,14}(改进|整改)(措施|情况|方向|计划|举措)?|(今后|下一步|下步|下一阶段|下阶段).{0,12})$"
)
INLINE_MARKERS = (
    re.compile(r"([一二三四五六七八九十])是"),
    re.compile(r"([一二三四五六七八九十])、"),
)
LABEL = re.compile(r"^[^。，,；;]{0,14}(问题|措施|情况|方向)[：:]")


def split_problems(paragraphs):
    problems, improvements = [], []
    target = problems
    for text in paragraphs:
        text = ENUMERATOR.sub("", text.strip()).strip()
        label = LABEL.match(text)
        heading = subheading(text)
        if heading:
            target = improvements if heading == "improvements" else problems
            continue  # （一）存在的主要问题 / （二）改进情况: headings, not items
        if (label and IMPROVEMENT_CUE.search(label.group(0))) or IMPROVEMENT_START.match(text):
            target = improvements
        if label:
            text = text[label.end() :].strip()
        target.extend(split_enumerated(text))
    return problems, improvements


def subheading(text):
    """'problems' or 'improvements' when the paragraph is 五's sub-heading, else None."""
    if len(text) > 30 or text.endswith(tuple(SENTENCE_END)):
        return None
    if PROBLEM_HEADING.match(text):
        return "problems"
    if IMPROVEMENT_HEADING.match(text):
        return "improvements"
    return None


def split_enumerated(text):
    """'一是…。二是…。' → items; a lead-in before 一是 stays an item of its own."""
    for marker in INLINE_MARKERS:
        positions = []
        for numeral in NUMERALS:
            match = re.search(marker.pattern.replace("[一二三四五六七八九十]", numeral), text)
            if not match or (positions and match.start() <= positions[-1]):
                break
            positions.append(match.start())
        if len(positions) >= 2:
            bounds = positions + [len(text)]
            items = [text[: positions[0]]] + [text[a + 2 : b] for a, b in zip(bounds, bounds[1:])]
            return [item.strip() for item in items if item.strip()]
    return [ENUMERATED.sub("", text).strip()] if text else []
