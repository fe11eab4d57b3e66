"""Tables 二/三/四 laid out as printed in the official format, with findings on their cells.

Every page that shows a report renders this one structure, so the merged headers are described
once. A value cell carries its form field when the page edits.
"""
import dataclasses
from dataclasses import dataclass

from reports import vocabulary as v
from reports.choices import Severity

APPLICATIONS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


# The section headings as the report body template prints them.
HEADINGS = {
    **{s.key: v.heading(s.key) for s in v.SECTIONS},
    "problems_label": v.PROBLEMS_LABEL,
    "improvements_label": v.IMPROVEMENTS_LABEL,
}


RECOVERED_TITLE = "由文本推断还原"


class Marked:
    """What a page shows of the findings on a cell or a sentence (`self.findings`)."""

    @property
    def severity(self):
        """The gravest severity among the findings ('' when none), for styling."""
        return str(min((Severity(f.severity) for f in self.findings), key=lambda s: s.rank, default=""))

    @property
    def messages(self):
        return "\n".join(f"{f.code}：{f.message}" for f in self.findings)


@dataclass
class LayoutCell(Marked):
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    head: bool = False
    key: str = ""  # the cell key of a value cell
    field: object = None  # its BoundField when the page edits
    findings: list = dataclasses.field(default_factory=list)
    recovered: bool = False  # its figure was inferred from text whose grid was lost (I2)

    @property
    def codes(self):
        return " ".join(dict.fromkeys(f.code for f in self.findings))

    @property
    def title(self):
        """The value cell's hover text: how its figure was obtained, then its findings."""
        return "\n".join(([RECOVERED_TITLE] if self.recovered else []) + ([self.messages] if self.findings else []))


@dataclass
class TableLayout:
    number: str
    title: str
    key: str
    rows: list
    findings: list
    section: str  # the section the table belongs to (table 二 of either format: "active")


def index_findings(findings):
    """{(table, row, column): [findings]} over every cell a finding marks."""
    index = {}
    for finding in findings:
        for cell in finding.cells:
            table, row, column = (part or None for part in cell)
            index.setdefault((table, row, column), []).append(finding)
    return index


class _Builder:
    def __init__(self, shape, findings, form, as_published=False):
        self.shape, self.form, self.as_published = shape, form, as_published
        self.index = index_findings(findings)
        self.findings = findings
        self.recovered = shape.recovered()

    def head(self, text, table=None, column=None, **span):
        found = self.index.get((table, None, column), []) if column else []
        return LayoutCell(text=text, head=True, findings=found, **span)

    def label(self, text, **span):
        return LayoutCell(text=text, head=True, **span)

    def value(self, table, row, column=None, **span):
        key = v.cell_key(table, row, column)
        value = self.shape.cell(table, row, column)
        return LayoutCell(
            text=v.figure_text(value),
            key=key,
            field=self.form[key] if self.form is not None else None,
            findings=self.index.get((table, row, column), []),
            recovered=key in self.recovered,
            **span,
        )

    def table(self, spec, rows):
        own = [f for f in self.findings if f.table == spec.key or f.field == spec.key]
        section = next(s.key for s in v.SECTIONS if s.number == spec.number)
        return TableLayout(spec.number, spec.label, spec.key, rows, own, section)

    def active(self):
        """Table 二 of the shape's format: a block per 第二十条 item, each with its own columns."""
        t = v.tables_for(self.shape.format_version)[0]
        width = 1 + max(len(r.columns) or 1 for r in t.rows)
        rows, previous_block = [], None
        for row in t.rows:
            columns = row.columns or (None,)
            spans = [1] * (len(columns) - 1) + [width - len(columns)]  # the last fills the row
            if row.block != previous_block:
                previous_block = row.block
                rows.append([self.label(row.block, colspan=width)])
                heads = [
                    self.head(c.label, t.key, c.key, colspan=span) if c else self.label(v.ACTIVE_VALUE_HEADERS[row.key], colspan=span)
                    for c, span in zip(columns, spans)
                ]
                rows.append([self.label(v.ITEM_LABEL)] + heads)
            values = [self.value(t.key, row.key, c and c.key, colspan=span) for c, span in zip(columns, spans)]
            rows.append([self.label(row.label)] + values)
        return self.table(t, rows)

    def _applicant_columns(self):
        """(column, printed label): official, or as the document printed them (000, 004)."""
        columns = [(c, c.label) for c in v.APPLICATIONS.columns]
        if not self.as_published:
            return columns
        missing = self.shape.facts["missing_columns"].get(v.APPLICATIONS.key, ())
        aliases = {a["column"]: a["label"] for a in self.shape.facts["aliases"] if a["table"] == v.APPLICATIONS.key}
        return [(c, aliases.get(c.key, label)) for c, label in columns if c.key not in missing]

    def applications(self):
        t = v.tables_for(self.shape.format_version)[1]
        printed = self._applicant_columns()
        columns = [c for c, _ in printed]
        legal_persons = [(c, label) for c, label in printed if c.key in v.LEGAL_PERSON_PARTS]
        rows = [
            [
                self.label(APPLICATIONS_NOTE, colspan=3, rowspan=3),
                self.label(v.APPLICANT_GROUP_LABEL, colspan=len(columns)),
            ],
            [
                self.head(printed[0][1], t.key, columns[0].key, rowspan=2),
                self.label(v.LEGAL_PERSON_GROUP_LABEL, colspan=len(legal_persons)),
                self.head(printed[-1][1], t.key, columns[-1].key, rowspan=2),
            ],
            [self.head(label, t.key, c.key) for c, label in legal_persons],
        ]
        block_sizes = {}
        for row in t.rows:
            block_sizes[row.block] = block_sizes.get(row.block, 0) + 1
        outcome_rows = len(v.outcome_keys(self.shape.format_version)) + 1  # the outcomes and （七）总计
        started = set()
        for row in t.rows:
            cells = []
            if not row.block:
                cells.append(self.label(row.label, colspan=3))
            else:
                if v.OUTCOMES_BLOCK not in started:
                    started.add(v.OUTCOMES_BLOCK)
                    cells.append(self.label(v.OUTCOMES_BLOCK, rowspan=outcome_rows))
                if row.block == v.OUTCOMES_BLOCK:
                    cells.append(self.label(row.label, colspan=2))
                else:
                    if row.block not in started:
                        started.add(row.block)
                        cells.append(self.label(row.block, rowspan=block_sizes[row.block]))
                    cells.append(self.label(row.label))
            rows.append(cells + [self.value(t.key, row.key, c.key) for c in columns])
        return self.table(t, rows)

    def review_litigation(self):
        t = v.REVIEW_LITIGATION
        first, *litigation = t.rows
        results = [self.head(c.label, t.key, c.key) for c in t.columns]
        rows = [
            [self.label(first.label, colspan=5), self.label(v.LITIGATION_LABEL, colspan=10)],
            [self.head(c.label, t.key, c.key, rowspan=2) for c in t.columns]
            + [self.label(g.label, colspan=5) for g in litigation],
            results + [self.head(c.label, t.key, c.key) for c in t.columns],
            [self.value(t.key, g.key, c.key) for g in t.rows for c in t.columns],
        ]
        return self.table(t, rows)


def official_tables(shape, findings=(), form=None, as_published=False):
    """The three statistics tables of `shape`, findings on their cells; inputs when `form` given.

    `as_published` prints table 三's header as the document did (columns it lacked left out,
    its own labels kept), to re-create a document from what was read.
    """
    builder = _Builder(shape, list(findings), form, as_published)
    return [builder.active(), builder.applications(), builder.review_litigation()]


def report_level(findings, tables):
    """The findings no table lists below itself (a section missing, the year, the cells not filled
    in yet…): a page lists these once at the top, and each table's own below it."""
    listed = {id(f) for table in tables for f in table.findings}
    return [f for f in findings if id(f) not in listed]


# -- the narrative, paragraph by paragraph -------------------------------------------------------


@dataclass
class Piece(Marked):
    """A run of a paragraph's text, with the findings about the sentence it is (none: plain text)."""

    text: str
    findings: list
    anchor: str = ""  # the id a finding in a list links to


@dataclass
class ParagraphLayout:
    position: int
    subheading: str
    pieces: list


def shown_under(part):
    """Where a page shows a narrative part: under its section, 五's items under their list
    (problems, improvements)."""
    field = part.split(".")[0]
    return field if field in v.ITEM_LISTS else v.section_of(part)


def narrative_layout(paragraphs, findings=()):
    """{where: [ParagraphLayout]} of the narrative's paragraphs (stored Paragraphs or
    narrative.paragraphs of a shape), each cut into pieces at the sentences findings point at.
    `where` is the part's section (overall, applications …, other), 五's items under problems
    and improvements."""
    marked = {}
    for finding in findings:
        if finding.paragraph is not None:
            marked.setdefault(finding.paragraph, []).append(finding)
    laid = {}
    for paragraph in paragraphs:
        laid.setdefault(shown_under(paragraph.part), []).append(
            ParagraphLayout(paragraph.position, paragraph.subheading, _pieces(paragraph.text, marked.get(paragraph.position, [])))
        )
    return laid


def _pieces(text, findings):
    """`text` cut at every boundary of the findings' spans; a piece carries the findings whose
    span covers it, and the first piece of a span the anchor of its findings."""
    bounds = sorted({0, len(text), *(x for f in findings for x in f.span if 0 <= x <= len(text))})
    pieces = []
    for start, end in zip(bounds, bounds[1:]):
        covering = [f for f in findings if f.span[0] <= start and end <= f.span[1]]
        opening = [f for f in findings if f.span[0] == start]
        pieces.append(Piece(text[start:end], covering, opening[0].anchor if opening else ""))
    return pieces


@dataclass
class TextPointer:
    """Where the edit page shows the sentence a finding is about (the 报送 page names the place
    only), and the sentence itself."""

    href: str
    place: str  # 「一、总体情况」第2段
    quote: str


def text_pointers(paragraphs, findings, boxes):
    """{finding anchor: TextPointer} for the findings about a sentence, on a page that edits the
    text in boxes (`boxes`: {part: the id of the box editing it}). A box's paragraphs have no
    anchors of their own, so the pointer goes to the box and says which paragraph of it; a text
    the page prints rather than edits (beside a table) has the sentence marked, and the pointer
    goes to that."""
    by_position = {p.position: p for p in paragraphs}
    first = {}  # each part's first paragraph
    for paragraph in paragraphs:
        first.setdefault(paragraph.part, paragraph.position)
    pointers = {}
    for finding in findings:
        paragraph = by_position.get(finding.paragraph)
        if paragraph is None:
            continue
        start, end = finding.span
        box = boxes.get(paragraph.part)
        number = finding.paragraph - first[paragraph.part] + 1
        place = f"「{HEADINGS[v.section_of(paragraph.part)]}」第{number}段"
        href = f"#{box}" if box else f"#{finding.anchor}"
        pointers[finding.anchor] = TextPointer(href, place, paragraph.text[start:end].strip())
    return pointers
