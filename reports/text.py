"""Text as stored: one form for what looks the same, whichever way it came in.

A browser posts a textarea's lines with CRLF, Word ends lines with a full-width space or a
no-break space, pages carry zero-width characters: none of it is visible, and all of it would
show as a change in the history. Every input path (the report form, every parser) stores text
through tidy(), once, where it enters.
"""
import re

# Control characters (tab and line feed excepted: PostgreSQL refuses NUL in text) and the
# invisible format characters: zero-width space/joiners, direction marks, word joiner, BOM,
# soft hyphen.
INVISIBLE_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200f\u2060\ufeff"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
LINE_BREAK_CHARACTERS = r"\u2028\u2029\x85"  # besides CR
LINE_BREAK = re.compile(rf"\r\n?|[{LINE_BREAK_CHARACTERS}]")
# Either of the two above: most text has neither, which one scan finds.
UNTIDY = re.compile(rf"[{INVISIBLE_CHARACTERS}\r{LINE_BREAK_CHARACTERS}]")
# Whitespace at a line's end: spaces, tabs, no-break and full-width spaces alike.
LINE_END = re.compile(r"[^\S\n]+$", re.M)


def tidy(text):
    """`text` with LF line ends, without invisible characters, without whitespace at the end of
    a line or around the whole text; everything visible is left as it is."""
    text = text or ""
    if UNTIDY.search(text):
        text = INVISIBLE.sub("", LINE_BREAK.sub("\n", text))
    # one line (most paragraphs): its end is the text's end, which strip() takes care of
    return LINE_END.sub("", text).strip() if "\n" in text else text.strip()
