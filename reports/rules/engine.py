"""The rule engine: a registry of rules, each written once, evaluated over a ReportShape.

A rule is a function that yields Hits (where and with which numbers); the engine turns them into
Findings with the rule's code, severity and Chinese message. Model clean(), forms, import preview,
bulk re-validation and the CLI all call evaluate(), so no rule exists twice and no path judges
facts the others would not.
"""
import dataclasses
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from reports.choices import Severity
from reports.vocabulary import cell_key, cell_label


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    message: str  # str.format template; {cell} is the printed label of the hit's cell
    check: object


@dataclass
class Hit:
    """Where a rule fired. `cells` are further (table, row, column) cells to mark beside the first."""

    table: str | None = None
    row: str | None = None
    column: str | None = None
    field: str | None = None  # a non-cell location: year, agency, or a section key
    cells: tuple = ()
    params: dict = dataclasses.field(default_factory=dict)


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

    @property
    def is_error(self):
        return self.severity == Severity.ERROR

    @property
    def rule_title(self):
        return RULES[self.code].title

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
        return data


RULES: dict[str, Rule] = {}


def rule(code, severity, title, message):
    """Register a check function as rule `code` of the catalogue."""

    def register(check):
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, severity, title, message, check)
        return check

    return register


def evaluate(shape, codes=None):
    """All findings for the shape, in catalogue order (errors, then warnings, then info). Its
    facts are settled first (reports.rules.facts), whichever path built it."""
    from reports.rules import catalog  # noqa: F401  (registers the rules)
    from reports.rules.facts import settle

    settle(shape)
    findings = []
    for rule_ in RULES.values():
        if codes is not None and rule_.code not in codes:
            continue
        for hit in rule_.check(shape):
            findings.append(_finding(rule_, hit))
    findings.sort(key=lambda f: Severity(f.severity).rank)
    return findings


def _finding(rule_, hit):
    label = cell_label(hit.table, hit.row, hit.column) if hit.table else ""
    message = rule_.message.format(cell=label, **hit.params)
    primary = (hit.table, hit.row, hit.column)
    cells = [primary] + [c for c in hit.cells if c != primary] if hit.table else list(hit.cells)
    return Finding(
        code=rule_.code,
        severity=rule_.severity,
        message=message,
        table=hit.table,
        row=hit.row,
        column=hit.column,
        field=hit.field,
        cells=cells,
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
