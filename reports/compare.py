"""与上年对比: a report beside last year's report of the same agency.

Last year is whatever the rules' context takes as last year (context.previous_shapes), so the
page and W5/W6 always speak of the same report. The tables are laid out side by side as printed,
the cells that changed marked on both, and the cells W5 and W6 read across years highlighted;
the narrative is compared paragraph by paragraph (difflib), the words that changed marked inside
a changed paragraph.
"""
import difflib
import re
from dataclasses import dataclass

from django.urls import reverse

from reports import vocabulary as v
from reports.layout import HEADINGS, official_tables
from reports.rules import narrative
from reports.rules.catalog import cross_year_cells
from reports.rules.context import previous_shapes

# Where the narrative is compared, in the document's order: (narrative_layout's place, heading).
PLACES = (
    ("overall", HEADINGS["overall"]),
    ("active", HEADINGS["active"]),
    ("applications", HEADINGS["applications"]),
    ("review_litigation", HEADINGS["review_litigation"]),
    ("problems", f"{HEADINGS['problems']}·{HEADINGS['problems_label']}"),
    ("improvements", f"{HEADINGS['problems']}·{HEADINGS['improvements_label']}"),
    ("other", HEADINGS["other"]),
)
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
    previous: object  # last year's ReportShape (None: there is none)
    tables: list
    changed: set  # cell keys whose value differs from last year's
    linked_now: set  # this year's cells W5/W6 read
    linked_then: set  # last year's
    sections: list
    link: str = ""  # last year's report's page, where the viewer may see it


def compare(report, findings, visible, page):
    """The comparison of stored `report` (its stored `findings`) with last year's report, which
    links to `page` (a URL name taking a report's pk) when it is among `visible`, the reports the
    viewer may see: a predecessor agency's report may be another region's, then only named."""
    shape = report.to_shape()
    previous = previous_shapes([(report.agency_id, report.year)]).get((report.agency_id, report.year - 1))
    if previous is None:
        return Comparison(None, [], set(), set(), set(), [])
    # Agency names are unique: the shape names the agency whose report it is.
    then = visible.filter(agency__name=previous.agency, year=previous.year).values_list("pk", flat=True).first()
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
        reverse(page, args=[then]) if then else "",
    )


def _by_place(shape):
    places = {}
    for paragraph in narrative.paragraphs(shape):
        key = paragraph.part.split(".")[0]
        places.setdefault(key if key in ("problems", "improvements") else paragraph.section, []).append(paragraph.text)
    return places


def diff_sections(previous, current):
    """[SectionDiff] of each place of the narrative either year has text in."""
    before, after = _by_place(previous), _by_place(current)
    return [
        SectionDiff(heading, diff_paragraphs(before.get(place, []), after.get(place, [])))
        for place, heading in PLACES
        if before.get(place) or after.get(place)
    ]


def diff_paragraphs(before, after):
    """[Row] of two lists of paragraphs: equal ones once, changed ones paired with the words
    that changed marked, removed and added ones alone."""
    rows = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [Row("equal", [(text, False)], [(text, False)]) for text in before[i1:i2]]
            continue
        rows += _paired(before[i1:i2], after[j1:j2])
    return rows


# Two paragraphs at least this alike are one paragraph reworded; less alike, one was removed
# and another added (a paragraph 2023 added is not a rewording of one 2022 dropped).
ALIKE = 0.5


def _paired(old, new):
    """Rows of paragraphs that differ: each old one paired, in order, with the next new one like
    it; the others removed or added where they stand."""
    rows, j = [], 0
    for a in old:
        match = next((k for k in range(j, len(new)) if _alike(a, new[k])), None)
        if match is None:
            rows.append(Row("removed", [(a, True)], None))
            continue
        rows += [Row("added", None, [(b, True)]) for b in new[j:match]]
        rows.append(Row("changed", *diff_words(a, new[match])))
        j = match + 1
    return rows + [Row("added", None, [(b, True)]) for b in new[j:]]


def _alike(a, b):
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= ALIKE and matcher.ratio() >= ALIKE


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
