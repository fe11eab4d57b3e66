"""The intermediate form every input format is read into: paragraphs and table grids in order.

A format reader only has to produce this list; assembling sections, tables, narrative and
identity from it (parsers.document) is shared by all formats.
"""
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache


@dataclass
class Paragraph:
    text: str
    # True for lines of extracted text, which a page or line break may have cut mid-paragraph;
    # paragraphs of Word, web pages and Excel are whole.
    may_be_cut: bool = False


@dataclass
class Grid:
    rows: list  # list of lists of cell strings, merged cells already expanded or left empty

    @cached_property
    def text(self):
        """The cells, a tab between them and a line a row: searched whole, not a cell at a time
        (built once; the rows are not changed after parsers.document first asks)."""
        return "\n".join("\t".join(row) for row in self.rows)


def padded(rows, most):
    """A grid's rows as wide as the widest (up to `most` cells): a row whose last cells the
    source left out (HTML's 「<tr><td>3.其他</td><td>0</td></tr>」, Word's w:gridAfter) has them
    blank, as a browser or Word shows it, so that its figures stay under their columns."""
    width = min(max(map(len, rows), default=0), most)
    for row in rows:
        row.extend([""] * (width - len(row)))
    return rows


class ParseError(Exception):
    """The input cannot be read as a report; the message is for the clerk, in Chinese."""


# Set by a reader between a table row's label and figures it cannot trust (pieces of figures a
# narrow column wrapped): the recovery stage reports such a row (E15) instead of reading it. The
# typesetter's mark for an illegible character; OCR prints it for a glyph it cannot read, and a
# row holding one is rightly E15 too.
ILLEGIBLE = "〓"
# The minus sign 「−」 (U+2212), which NFKC keeps: figures read it as 「-」.
MINUS_SIGN = "\u2212"
CJK = re.compile(r"[\u4e00-\u9fff]")
SPACES = re.compile(r"\s+")
# Word bookmarks that text extraction leaves behind: [bookmark: _Hlk66973412]
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# A page's footer as printed: 第 3 页 共 8 页, 共8页第3页, - 3 -, 3/8, Page 3 of 8.
PAGE_FOOTER = re.compile(
    r"^\s*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|[-—–]+\s*\d+\s*[-—–]+|\d+\s*/\s*\d+|page\s*\d+(\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
# A line holding only a page's number, or its footer (a table's row of numbers is never alone).
PAGE_NUMBER = re.compile(rf"^\s*\d+\s*$|{PAGE_FOOTER.pattern}", re.IGNORECASE)


@lru_cache(maxsize=8192)
def norm(text):
    """Label form for matching: NFKC (full-width → half-width), no whitespace, no debris.

    Cached: a report's cells repeat the same few texts ("0", the column labels) hundreds of times.
    """
    return SPACES.sub("", nfkc(BOOKMARK.sub("", text or "")))


# The characters of Chinese text that NFKC changes nearly always: the full-width forms (，：（１）)
# and the ideographic space, each with what NFKC makes of it.
COMMON_WIDE = {c: unicodedata.normalize("NFKC", chr(c)) for c in (*range(0xFF01, 0xFF5F), 0x3000)}


def nfkc(text):
    """unicodedata.normalize("NFKC", text) in half the time for Chinese text: its full-width forms
    replaced by a table first, the text is then usually normal already, which is quick to check.
    The same result always: a string's NFKC is that of the string with any character replaced by
    the character's own NFKC."""
    text = text.translate(COMMON_WIDE)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
