"""与上年对比: a report beside last year's report of the same agency.

Last year is whatever the rules' context takes as last year (context.previous_reports), so the
page and W5/W6 always speak of the same report; it is shown only to a viewer who may see it (a
predecessor agency's report may be another region's). The tables are laid out side by side as printed,
the cells that changed marked on both, and the cells W5 and W6 read across years highlighted;
the narrative is compared paragraph by paragraph (difflib), the words that changed marked inside
a changed paragraph. The paragraph diff is bounded whatever the text: a paragraph is looked for
among a few of the other year's only, and difflib is given neither a very long paragraph nor
more than a budget of work a page.
"""
import difflib
import re
from collections import Counter
from dataclasses import dataclass

from django.urls import reverse

from reports import vocabulary as v
from reports.layout import HEADINGS, official_tables, shown_under
from reports.rules import narrative
from reports.rules.catalog import cross_year_cells
from reports.rules.context import previous_reports


def _heading(part):
    """The heading a part's paragraphs are compared under: its section's, and an item's list."""
    heading, field = HEADINGS[v.section_of(part)], part.split(".")[0]
    return f"{heading}·{v.ITEM_LISTS[field]}" if field in v.ITEM_LISTS else heading


# Where the narrative is compared, in the document's order: (narrative_layout's place, heading).
PLACES = tuple({shown_under(part): _heading(part) for part in v.NARRATIVE_PARTS}.items())
# A token of the word diff: a number, a Latin word, or one character (Chinese has no spaces).
TOKEN = re.compile(r"\d+(?:\.\d+)?|[A-Za-z]+|\s+|.", re.S)


@dataclass
class TablePair:
    previous: object  # layout.TableLayout of last year's table
    current: object


@dataclass
class Row:
    """One line of the narrative diff: last year's paragraph and this year's (None: absent), each
    as [(text, changed)]."""

    kind: str  # equal, changed, removed, added
    before: list | None
    after: list | None


@dataclass
class SectionDiff:
    heading: str
    rows: list

    @property
    def counts(self):
        counts = {"equal": 0, "changed": 0, "removed": 0, "added": 0}
        for row in self.rows:
            counts[row.kind] += 1
        return counts


@dataclass
class Comparison:
    previous: object  # last year's ReportShape (None: there is none, or the viewer may not see it)
    tables: list
    changed: set  # cell keys whose value differs from last year's
    linked_now: set  # this year's cells W5/W6 read
    linked_then: set  # last year's
    sections: list
    link: str = ""  # last year's report's page
    hidden: bool = False  # there is a last year's report, outside the viewer's scope


def compare(report, findings, visible, page):
    """The comparison of stored `report` (its stored `findings`) with last year's report, which
    links to `page` (a URL name taking a report's pk). Last year's report is shown only when it is
    among `visible`, the reports the viewer may see: a predecessor agency's report may be another
    region's, or another agency's draft; then the comparison is `hidden`, with nothing of it."""
    found = previous_reports([(report.agency_id, report.year)]).get((report.agency_id, report.year - 1))
    if found is None or not visible.filter(pk=found[0].pk).exists():
        return Comparison(None, [], set(), set(), set(), [], hidden=found is not None)
    then, previous = found
    shape = report.to_shape()
    cross_year = cross_year_cells()
    # The W5/W6 findings stay on their cells; last year's own findings are not this page's business.
    own = [f for f in findings if f.code in cross_year]
    tables = [TablePair(*pair) for pair in zip(official_tables(previous), official_tables(shape, own))]
    shared = set(v.format_cells(shape.format_version)) & set(v.format_cells(previous.format_version))
    changed = {key for key in shared if shape.cell(*v.CELL_BY_KEY[key]) != previous.cell(*v.CELL_BY_KEY[key])}
    pairs = [pair for pairs in cross_year.values() for pair in pairs]
    return Comparison(
        previous,
        tables,
        changed,
        {v.cell_key(*now) for now, _ in pairs},
        {v.cell_key(*then) for _, then in pairs},
        diff_sections(previous, shape),
        reverse(page, args=[then.pk]),
    )


def _by_place(shape):
    places = {}
    for paragraph in narrative.paragraphs(shape):
        places.setdefault(shown_under(paragraph.part), []).append(paragraph.text)
    return places


def diff_sections(previous, current):
    """[SectionDiff] of each place of the narrative either year has text in."""
    before, after = _by_place(previous), _by_place(current)
    budget = Budget()  # one for the page: its time is bounded whatever the text
    return [
        SectionDiff(heading, diff_paragraphs(before.get(place, []), after.get(place, []), budget))
        for place, heading in PLACES
        if before.get(place) or after.get(place)
    ]


def diff_paragraphs(before, after, budget=None):
    """[Row] of two lists of paragraphs: equal ones once, changed ones paired with the words
    that changed marked (while `budget` lasts), removed and added ones alone."""
    budget = budget or Budget()
    rows = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [Row("equal", [(text, False)], [(text, False)]) for text in before[i1:i2]]
            continue
        rows += _paired(before[i1:i2], after[j1:j2], budget)
    return rows


# Two paragraphs at least this alike are one paragraph reworded; less alike, one was removed
# and another added (a paragraph 2023 added is not a rewording of one 2022 dropped).
ALIKE = 0.5
# An old paragraph is looked for among this many of the new ones after the last paired: the
# likeness of every old × new pair would take long over a long reworded text.
WINDOW = 10
# Characters: a longer paragraph is never given to difflib (its time grows with the product of
# the lengths): it is judged alike by the pairs of characters it shares, and marked changed whole.
LONG = 2000


class Budget:
    """What difflib may still compare for one page, in pairs of characters (its time grows with
    their product): about a second's work. Spent, paragraphs are paired by the pairs of
    characters they share and marked changed whole, as LONG ones are."""

    def __init__(self, pairs=10_000_000):
        self.left = pairs

    def spend(self, a, b):
        """Whether difflib may compare `a` and `b` (then counted)."""
        cost = len(a) * len(b)
        if max(len(a), len(b)) > LONG or cost > self.left:
            return False
        self.left -= cost
        return True


def _paired(old, new, budget):
    """Rows of paragraphs that differ: each old one paired, in order, with the next new one like
    it (among the next WINDOW); the others removed or added where they stand."""
    rows, j = [], 0
    grams = [_bigrams(b) for b in new]
    for a in old:
        mine = _bigrams(a)
        window = range(j, min(j + WINDOW, len(new)))
        match = next((k for k in window if _alike(a, mine, new[k], grams[k], budget)), None)
        if match is None:
            rows.append(Row("removed", [(a, True)], None))
            continue
        rows += [Row("added", None, [(b, True)]) for b in new[j:match]]
        b = new[match]
        rows.append(Row("changed", *(diff_words(a, b) if budget.spend(a, b) else ([(a, True)], [(b, True)]))))
        j = match + 1
    return rows + [Row("added", None, [(b, True)]) for b in new[j:]]


def _bigrams(text):
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def _alike(a, a_grams, b, b_grams, budget):
    """Whether `a` and `b` (with their _bigrams) are one paragraph reworded: first the pairs of
    characters they share, in time linear in the length (unlike texts share few, and most pairs
    are not worth difflib's time), then difflib's ratio while the budget lasts."""
    shared = sum((a_grams & b_grams).values())
    if 2 * shared < ALIKE * (a_grams.total() + b_grams.total()):
        return False
    return not budget.spend(a, b) or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ALIKE


def diff_words(before, after):
    """The two texts as [(text, changed)] runs, by words (numbers, Latin words, characters)."""
    a, b = TOKEN.findall(before), TOKEN.findall(after)
    old, new = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        _append(old, "".join(a[i1:i2]), op != "equal")
        _append(new, "".join(b[j1:j2]), op != "equal")
    return old, new


def _append(runs, text, changed):
    if not text:
        return
    if runs and runs[-1][1] == changed:
        runs[-1] = (runs[-1][0] + text, changed)
    else:
        runs.append((text, changed))
