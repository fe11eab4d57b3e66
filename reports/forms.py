"""The report form: every cell of tables 二/三/四 and the report's texts in one form.

One form means one shape: clean() builds the ReportShape from the submitted values and the model's
clean() runs the rule engine on it, so findings land on the exact cell field that the user typed
into. A figure is read as a file's figures are read (parsers.grid.parse_value), text is stored as
every input path stores it (reports.text.tidy), and the facts are settled as on every other path
(rules.facts): a report opened and saved unchanged keeps its values and its verdict.
"""
import copy

from django import forms
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from reports import vocabulary as v
from reports import versions
from reports.models import AnnualReport
from reports.models.annual_report import FIRST_YEAR, LAST_YEAR
from reports.parsers.blocks import norm
from reports.parsers.grid import parse_value
from reports.rules.engine import evaluate
from reports.rules.facts import settle
from reports.rules.shape import ReportShape, begun, empty_facts
from reports.text import tidy


class YearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)


def current_year():
    """The year of the reports being written now: they describe the previous calendar year."""
    return timezone.localdate().year - 1


def chosen_year(query):
    """The report year a page's query string asks for (?year=2024), or current_year()."""
    form = YearForm(query)
    return (form.is_valid() and form.cleaned_data["year"]) or current_year()


class TextField(forms.CharField):
    """Text as stored (reports.text.tidy): the browser's CRLF and invisible characters never make
    a change nobody made."""

    def to_python(self, value):
        return tidy(super().to_python(value))


class ItemListWidget(forms.Widget):
    """五's items as a list: one text box per item and a spare empty one (so it works without
    scripts); the page's script adds 添加一条 and 删除 buttons."""

    template_name = "reports/widgets/item_list.html"

    def format_value(self, value):
        items = value if isinstance(value, (list, tuple)) else (value or "").splitlines()
        return [item for item in items if str(item).strip()] + [""]

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class ItemListField(forms.CharField):
    """五's problems or improvements: separate items, in order."""

    widget = ItemListWidget

    def to_python(self, value):
        lines = value if isinstance(value, (list, tuple)) else (value or "").splitlines()
        return [item for item in (tidy(str(line)) for line in lines) if item]

    def run_validators(self, value):
        for item in value:  # each item is checked as text (null characters, length)
            super().run_validators(item)


INVALID_CELL = "E6"


class CellField(forms.Field):
    """A figure as typed, read as a file's figures are read (full-width digits, 1,234, 12件).
    An empty box is a cell not filled in yet (E14); "—" leaves it blank on purpose (W1). What
    cannot be stored as the cell's number is refused, and the form puts E6's message in place of
    this one (BaseReportForm.clean), so the page says what a file holding the text would get."""

    widget = forms.TextInput

    def __init__(self, *, decimal, **kwargs):
        self.decimal = decimal
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        return value if isinstance(value, str) else v.figure_text(value)

    def to_python(self, value):
        if not norm(str(value or "")):
            return None
        number, invalid = parse_value(str(value), self.decimal)
        if invalid is not None:
            raise forms.ValidationError("无法保存为数字。", code=INVALID_CELL)
        return number

    def has_changed(self, initial, data):
        try:
            return (self.to_python(initial), _is_empty(initial)) != (self.to_python(data), _is_empty(data))
        except forms.ValidationError:
            return True


def _is_empty(text):
    return not norm(str(text or ""))


def _cell_field(table_key, row, column):
    label = v.cell_label(table_key, row.key, column and column.key)
    decimal = row.is_decimal(column)
    attrs = {"class": "cell", "inputmode": "decimal" if decimal else "numeric", "aria-label": label}
    # Negative counts are accepted here and reported by E6, like any published value.
    return CellField(label=label, decimal=decimal, widget=forms.TextInput(attrs=attrs))


def shown_text(shape, key):
    """What a cell's box shows: its figure, "—" where the report leaves it blank, nothing where
    nobody has filled it in yet, or where a document lacked it or printed no number there (its
    E3 or E6 says so)."""
    cell = v.CELL_BY_KEY[key]
    value = shape.cell(*cell)
    if value is None:
        return v.BLANK_MARK if shape.left_blank(*cell) else ""
    return v.figure_text(value)


FACTS_SALT = "reports.forms.facts"
TEXTS = ("title", "preamble")  # the texts before 一, kept in the shape's facts


class BaseReportForm(forms.ModelForm):
    problems = ItemListField(label=v.PROBLEMS_LABEL, required=False)
    improvements = ItemListField(label=v.IMPROVEMENTS_LABEL, required=False)
    # The report's version when the page was opened: a save from a page someone else's save has
    # made stale is refused rather than silently reverting their work.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # The facts of the report the page shows (signed: a clerk cannot make a finding go away by
    # editing them). After 上传文件填充 they are the file's, which the stored report does not have.
    facts = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AnnualReport
        fields = ["agency", "year", "format_version", "status", "scope", "title", "preamble", "overall", "other"]
        field_classes = {name: TextField for name in (*TEXTS, "overall", "other")}
        widgets = {"title": forms.TextInput(attrs={"class": "title"}), "preamble": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, shown=None, **kwargs):
        """`shown`: the report the page shows, when it is not the stored one (a file read into it)."""
        super().__init__(*args, **kwargs)
        self.shape = self.findings = None  # the submitted report and its verdict, once clean() has run
        self.stored = self.instance.to_shape() if self.instance.pk else begun(ReportShape())
        shown = settle(shown or self.stored)
        for key in v.CELL_BY_KEY:
            self.initial.setdefault(key, shown_text(shown, key))
        for key in ("problems", "improvements", "overall", "other"):
            self.initial[key] = shown.sections[key]
        for key in TEXTS:
            self.initial[key] = shown.facts.get(key) or ""
        self.initial["opened_version"] = self.instance.version
        self.initial["facts"] = signing.dumps(
            {"report": self.instance.pk, "version": self.instance.version,
             "facts": {k: x for k, x in shown.facts.items() if k not in TEXTS}},
            salt=FACTS_SALT, compress=True,
        )  # fmt: skip
        for total, parts in v.sums(shown.format_version).items():
            attrs = self.fields[total].widget.attrs
            attrs.update({"class": "cell total", "data-sum-of": " ".join(parts)})

    def clean(self):
        data = super().clean()
        opened = data.get("opened_version")
        if self.instance.pk and opened is not None:
            current = AnnualReport.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != opened:
                raise forms.ValidationError(versions.stale_message(self.instance, opened), code="stale")
        agency = data.get("agency") or (self.instance.agency if self.instance.agency_id else None)
        shape = ReportShape(
            agency=agency.name if agency else None,
            year=data.get("year", self.instance.year),
            format_version=data.get("format_version") or self.stored.format_version,
            facts=self._facts(data.get("facts")),
        )
        for key in TEXTS:
            shape.facts[key] = self._text(data, key, self.stored.facts.get(key) or "")
        shape.sections = {key: self._text(data, key, self.stored.sections[key]) for key in v.NARRATIVE}
        refused = self._read_cells(shape, data)
        # The stored report's context (last year, the agency's kind) judges the page as it will be stored.
        self.findings = self.instance.evaluate(shape) if self.instance.pk else evaluate(shape)
        for finding in self.findings:  # a refused figure: the message a file holding it gets
            if finding.code == INVALID_CELL and finding.location in refused:
                self.errors[finding.location] = self.error_class([finding.message])
        self.shape = self.instance.pending_shape = shape
        return data

    def _facts(self, token):
        """The facts of the page's report: as signed for this version of this report, else the
        stored report's (a page without them: the admin's)."""
        if not token:
            return copy.deepcopy(self.stored.facts)
        try:
            payload = signing.loads(token, salt=FACTS_SALT)
        except signing.BadSignature:
            payload = None
        if not payload or payload["report"] != self.instance.pk or payload["version"] != self.instance.version:
            raise forms.ValidationError("页面已失效，本次保存未生效；请重新打开页面后再修改。", code="stale")
        return {**empty_facts(), **payload["facts"]}

    def _text(self, data, name, stored):
        """A text as submitted: the stored one where this form has no such field, and as typed
        (tidied) where the field refused it, so the page is judged as it reads."""
        if name not in self.fields:
            return stored
        if name in data:
            return data[name]
        raw = self[name].data
        return [tidy(str(x)) for x in raw if tidy(str(x))] if isinstance(raw, list) else tidy(str(raw or ""))

    def _read_cells(self, shape, data):
        """Put the submitted figures into `shape`; returns the cells whose text was refused, which
        stand in the shape as a document's text in a number cell does (E6, not blank)."""
        refused, unfilled = set(), []
        invalid = shape.facts["invalid_cells"]
        for key in v.format_cells(shape.format_version):
            cell = v.CELL_BY_KEY[key]
            raw = str(self[key].data or "")
            if key in self.errors:
                refused.add(key)
                invalid[key] = parse_value(raw, self.fields[key].decimal)[1]
                shape.set_cell(*cell, None)
                continue
            shape.set_cell(*cell, data.get(key))
            if _is_empty(raw):
                unfilled.append(key)  # stays E3's or E6's where the document lacked it (rules.facts)
            elif data.get(key) is None:
                invalid.pop(key, None)  # "—": left blank on purpose, whatever the document printed
        shape.facts["unfilled"] = unfilled
        return refused

    def unsaved(self):
        """Why the form was not saved, each reason naming what it concerns, as printed."""
        reasons = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            label = "" if name in v.CELL_BY_KEY else f"{self.fields[name].label}："
            reasons += [f"{label}{message}" for message in errors]
        return reasons

    def _save_m2m(self):
        super()._save_m2m()
        opened = self.cleaned_data.get("opened_version")
        user = getattr(self, "user", None)
        versions.store(self.instance, self.shape, user=user, source="表单编辑", opened=opened, findings=self.findings)


def _cell_fields():
    return {
        v.cell_key(table.key, row.key, column and column.key): _cell_field(table.key, row, column)
        for table in v.ALL_TABLES
        for row, column in table.cells()
    }


ReportForm = type("ReportForm", (BaseReportForm,), {"__module__": __name__, **_cell_fields()})


class AgencyReportForm(ReportForm):
    """The agency's own form: its texts and figures. Every 总计 is typed or accepted, never
    replaced behind the clerk's back: the page's script keeps a total that agrees with its parts
    in step as they are typed, and offers the sum beside one that does not (采用计算值)."""

    class Meta(BaseReportForm.Meta):
        fields = ["title", "preamble", "overall", "other"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
