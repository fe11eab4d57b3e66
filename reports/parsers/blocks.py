"""The intermediate form every input format is read into: paragraphs and table grids in order.

A format reader only has to produce this list; assembling sections, tables, narrative and
identity from it (parsers.document) is shared by all formats.
"""
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass
class Paragraph:
    text: str
    # True for lines of extracted text, which a page or line break may have cut mid-paragraph;
    # paragraphs of Word, web pages and Excel are whole.
    may_be_cut: bool = False


@dataclass
class Grid:
    rows: list  # list of lists of cell strings, merged cells already expanded or left empty


class ParseError(Exception):
    """The input cannot be read as a report; the message is for the clerk, in Chinese."""


CJK = re.compile(r"[\u4e00-\u9fff]")
SPACES = re.compile(r"\s+")
# Word bookmarks that text extraction leaves behind: [bookmark: _Hlk66973412]
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


@lru_cache(maxsize=8192)
def norm(text):
    """Label form for matching: NFKC (full-width → half-width), no whitespace, no debris.

    Cached: a report's cells repeat the same few texts ("0", the column labels) hundreds of times.
    """
    return SPACES.sub("", unicodedata.normalize("NFKC", BOOKMARK.sub("", text or "")))
