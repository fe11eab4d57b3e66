"""The rule engine: a registry of rules, each written once, evaluated over a ReportShape.

A rule is a function that yields Hits (where and with which numbers); the engine turns them into
Findings with the rule's code, severity and Chinese message. Model clean(), forms, import preview,
bulk re-validation and the CLI all call evaluate(), so no rule exists twice and no path judges
facts the others would not.

A rule that reads more than the report (last year's report, the agency's kind, the publication
date) declares it in `needs` and is called with the Context as well (reports.rules.context);
where the context lacks what it needs, it is not run, and skipped() says which rules and why.
"""
import dataclasses
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from reports.choices import Severity
from reports.vocabulary import NARRATIVE, cell_key, cell_label


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    message: str  # str.format template; {cell} is the printed label of the hit's cell
    check: object
    needs: frozenset = frozenset()  # what the rule reads from the Context (context.NEEDS)
    # What part of the rule reads, the rest being judged without it (W12: 五 stated concretely,
    # and 五 copied from last year's): called with the Context always, and checks context.has().
    uses: frozenset = frozenset()

    @property
    def reads(self):
        return self.needs | self.uses


@dataclass
class Hit:
    """Where a rule fired. `cells` are further (table, row, column) cells to mark beside the first."""

    table: str | None = None
    row: str | None = None
    column: str | None = None
    field: str | None = None  # a non-cell location: year, agency, or a section key
    cells: tuple = ()
    params: dict = dataclasses.field(default_factory=dict)
    text: tuple | None = None  # the sentence the rule read: (paragraph, start, end), narrative.Sentence


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    field: str | None = None
    cells: list = dataclasses.field(default_factory=list)
    # The sentence it is about: the narrative paragraph's position and the sentence's characters
    # in it (narrative.paragraphs), as a cell finding points at its cell.
    paragraph: int | None = None
    span: tuple | None = None

    @property
    def is_error(self):
        return self.severity == Severity.ERROR

    @property
    def rule_title(self):
        return RULES[self.code].title

    @property
    def anchor(self):
        return anchor_of(self.paragraph, self.span, self.field)

    @property
    def location(self):
        """The form field or cell key the finding belongs to (None: the report as a whole)."""
        if self.table:
            return cell_key(self.table, self.row, self.column)
        return self.field

    def to_json(self):
        data = {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "table": self.table,
            "row": self.row,
            "column": self.column,
        }
        if self.field:
            data["field"] = self.field
        if len(self.cells) > 1:
            data["cells"] = [list(c) for c in self.cells]
        if self.paragraph is not None:
            data["paragraph"], data["span"] = self.paragraph, list(self.span)
        return data


def anchor_of(paragraph, span, field):
    """The id on a report page of what a finding points at: its sentence, or the narrative
    section it is about ('' for neither: a cell finding is marked on its cell). A finding about
    a whole section points at its narrative field (W11, E11, W12, E13: what it lacks has no
    sentence)."""
    if paragraph is not None:
        return f"sentence-{paragraph}-{span[0]}"
    return f"section-{field}" if field in NARRATIVE else ""


RULES: dict[str, Rule] = {}


def rule(code, severity, title, message, needs=(), uses=()):
    """Register a check function as rule `code` of the catalogue. A rule with `needs` is called
    as check(shape, context), and only when the context has them; one with `uses` is called as
    check(shape, context) always (the context may be None), the part reading them skipped."""

    def register(check):
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, severity, title, message, check, frozenset(needs), frozenset(uses))
        return check

    return register


def _rules():
    from reports.rules import catalog  # noqa: F401  (registers the rules)

    return RULES


def evaluate(shape, context=None, codes=None):
    """All findings for the shape, in catalogue order (errors, then warnings, then info). Its
    facts are settled first (reports.rules.facts), whichever path built it.

    `context`: what is known beyond the report (None: nothing); the rules that need more than it
    has are skipped (skipped() lists them)."""
    from reports.rules.facts import settle

    settle(shape)
    findings = []
    for rule_ in _rules().values():
        if codes is not None and rule_.code not in codes:
            continue
        if rule_.needs:
            if context is None or not context.has(rule_.needs):
                continue
            hits = rule_.check(shape, context)
        elif rule_.uses:
            hits = rule_.check(shape, context)
        else:
            hits = rule_.check(shape)
        findings.extend(_finding(rule_, hit) for hit in hits)
    findings.sort(key=lambda f: RANK[f.severity])
    return findings


RANK = {severity: severity.rank for severity in Severity}


def skipped(context, codes=None):
    """(rule, reason) for every rule evaluate() does not run in `context`, or runs only in part
    (the reason then says so), in catalogue order."""
    from reports.rules.context import lacking

    not_run = []
    for rule_ in _rules().values():
        if not rule_.reads or (codes is not None and rule_.code not in codes):
            continue
        if context is None or not context.has(rule_.needs):
            not_run.append((rule_, lacking(context, rule_.needs)))
        elif not context.has(rule_.uses):
            not_run.append((rule_, "部分未运行：" + lacking(context, rule_.uses)))
    return not_run


def contextual_codes():
    """The rules that read the context: what an import judged in a parsing process (where no
    context is known) still has to run where the agency and the database are."""
    return frozenset(code for code, rule_ in _rules().items() if rule_.reads)


def with_context(findings, shape, context):
    """`findings` judged without context, completed by the rules that read `context`, in the
    order evaluate() gives."""
    order = {code: i for i, code in enumerate(_rules())}
    findings = [f for f in findings if not RULES[f.code].reads] + evaluate(shape, context, contextual_codes())
    findings.sort(key=lambda f: (Severity(f.severity).rank, order[f.code]))
    return findings


def _finding(rule_, hit):
    label = cell_label(hit.table, hit.row, hit.column) if hit.table else ""
    message = rule_.message.format(cell=label, **hit.params)
    primary = (hit.table, hit.row, hit.column)
    cells = [primary] + [c for c in hit.cells if c != primary] if hit.table else list(hit.cells)
    paragraph, *span = hit.text or (None,)
    return Finding(
        code=rule_.code,
        severity=rule_.severity,
        message=message,
        table=hit.table,
        row=hit.row,
        column=hit.column,
        field=hit.field,
        cells=cells,
        paragraph=paragraph,
        span=tuple(span) or None,
    )


def validation_error(findings, fields):
    """Error findings as one field-keyed ValidationError (codes = rule codes).

    A finding whose location is not among `fields` goes to the non-field errors, because Django
    refuses errors keyed by a field the form does not show.
    """
    errors = {}
    for finding in findings:
        if not finding.is_error:
            continue
        key = finding.location if finding.location in fields else "__all__"
        errors.setdefault(key, []).append(ValidationError(finding.message, code=finding.code))
    return ValidationError(errors) if errors else None
