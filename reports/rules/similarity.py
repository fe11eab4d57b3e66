"""How much of this year's report is last year's (套用往年: W8, W12).

A clerk who copies last year's report changes its year and its figures, and perhaps a sentence;
so the texts are compared with every number, Chinese numerals included, and all punctuation and
spacing taken out, by rapidfuzz's normalised Indel similarity (the share of characters the two
have in common, in order). Real reports of one agency in successive years share their set
phrases and headings: the corpus's two such pairs (平潭 自然资源局 2021/2023, 市场监督管理局
2019/2022) score 36–51 (一) and 36–39 (五); copies made as clerks make them — year and figures
changed, one sentence rewritten — score 80 or more, and still 71–77 with two of a short report's
ten sentences rewritten (tests/rules/test_copied.py builds both from the seeds and the corpus).
"""
import re
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from reports import vocabulary as v

NEARLY_IDENTICAL = 75  # percent
# Shorter than this, once numbers and punctuation are out, a text is a formula (「无。」, one
# sentence naming the five aspects), not a copy: a real 一 runs to 400–1,600 characters.
SUBSTANTIAL = 100
# What is compared: letters, Chinese characters among them, but no digit or Chinese numeral
# (kept runs found and joined: twice as fast as deleting the rest, on every report judged).
KEPT = re.compile(r"[^\W\d_零〇一二两三四五六七八九十百千万亿]+")

# Cells that carry over from year to year whatever was done: a stock, or last year's own figure.
CARRIED = {"in_force", "total_public", "previous_items", "carried_over"}


@lru_cache(maxsize=2048)  # a text is compared twice: as this year's, then as next year's "last year"
def words(text):
    return "".join(KEPT.findall(text or ""))


def copied(text, last_text):
    """The similarity in percent of `text` to `last_text` when it is nearly identical, else None."""
    now, then = words(text), words(last_text)
    if min(len(now), len(then)) < SUBSTANTIAL:
        return None
    score = ratio(now, then, score_cutoff=NEARLY_IDENTICAL)
    return round(score) if score else None


def same_tables(shape, last):
    """Whether every table of `shape` holds what last year's did, with something done in the
    year (a cell that is not a stock carried over is not 0): an agency that did nothing two years
    running has identical tables of zeros, and has copied nothing."""
    if shape.format_version != last.format_version:
        return False
    tables = v.tables_for(shape.format_version)
    if any(shape.table(t.key) != last.table(t.key) for t in tables):
        return False
    return any(
        shape.cell(t.key, row.key, column and column.key)
        for t in tables
        for row, column in t.cells()
        if (column.key if column else row.key) not in CARRIED and row.key not in CARRIED
    )
