"""The report form: every cell of tables 二/三/四 and the six sections in one form.

One form means one shape: clean() builds the ReportShape from the submitted values and the model's
clean() runs the rule engine on it, so findings land on the exact cell field that the user typed
into.
"""
from django import forms
from django.utils import timezone

from reports import vocabulary as v
from reports import versions
from reports.models import AnnualReport
from reports.models.annual_report import FIRST_YEAR, LAST_YEAR
from reports.rules.shape import ReportShape

class YearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)


def current_year():
    """The year of the reports being written now: they describe the previous calendar year."""
    return timezone.localdate().year - 1


def chosen_year(query):
    """The report year a page's query string asks for (?year=2024), or current_year()."""
    form = YearForm(query)
    return (form.is_valid() and form.cleaned_data["year"]) or current_year()


CELLS = {
    v.cell_key(t.key, r.key, c and c.key): (t.key, r.key, c and c.key) for t in v.ALL_TABLES for r, c in t.cells()
}


def _keep_document_facts(shape, changed):
    """What the source document showed stays true, except where the user has now entered values.

    Saving a report unchanged (a status change, say) must not change its findings; filling in a
    column the document lacked or correcting a cell that held text ends those facts.
    """
    facts = shape.facts
    facts["invalid_cells"] = {k: text for k, text in facts["invalid_cells"].items() if k not in changed}
    for table_key, rows in facts["missing_rows"].items():
        facts["missing_rows"][table_key] = [r for r in rows if _all_blank(shape, table_key, row=r)]
    for table_key, columns in facts["missing_columns"].items():
        facts["missing_columns"][table_key] = [c for c in columns if _all_blank(shape, table_key, column=c)]
    narrative = {
        "overall": shape.sections["overall"],
        "problems": shape.sections["problems"] or shape.sections["improvements"],
        "other": shape.sections["other"],
    }
    missing = {k for k in facts["missing_sections"] if k not in narrative}
    missing |= {k for k, text in narrative.items() if not text}
    facts["missing_sections"] = [s.key for s in v.SECTIONS if s.key in missing]


def _all_blank(shape, table_key, row=None, column=None):
    return all(
        shape.cell(table_key, r.key, c and c.key) is None
        for r, c in v.TABLE_BY_KEY[table_key].cells()
        if row in (None, r.key) and column in (None, c and c.key)
    )


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
        return [str(line).strip() for line in lines if str(line).strip()]

    def run_validators(self, value):
        for item in value:  # each item is checked as text (null characters, length)
            super().run_validators(item)


def _cell_field(table_key, row, column):
    label = v.cell_label(table_key, row.key, column and column.key)
    decimal = row.is_decimal(column)
    attrs = {"class": "cell", "inputmode": "decimal" if decimal else "numeric", "aria-label": label}
    if decimal:
        return forms.DecimalField(
            label=label,
            required=False,
            max_digits=v.FEE_DIGITS,
            decimal_places=v.FEE_PLACES,
            widget=forms.TextInput(attrs=attrs),
        )
    # Negative counts are accepted here and reported by E6, like any published value.
    return forms.IntegerField(
        label=label, required=False, min_value=-v.MAX_COUNT, max_value=v.MAX_COUNT, widget=forms.TextInput(attrs=attrs)
    )


class BaseReportForm(forms.ModelForm):
    problems = ItemListField(label=v.PROBLEMS_LABEL, required=False)
    improvements = ItemListField(label=v.IMPROVEMENTS_LABEL, required=False)
    # The report's version when the page was opened: a save from a page someone else's save has
    # made stale is refused rather than silently reverting their work.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = AnnualReport
        fields = ["agency", "year", "format_version", "status", "scope", "title", "overall", "other"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shape = None  # the submitted report, once clean() has run
        self.stored = self.instance.to_shape() if self.instance.pk else ReportShape()
        for key, cell in CELLS.items():
            self.initial.setdefault(key, self.stored.cell(*cell))
        self.initial.setdefault("problems", self.stored.sections["problems"])
        self.initial.setdefault("improvements", self.stored.sections["improvements"])
        self.initial["opened_version"] = self.instance.version

    def clean(self):
        data = super().clean()
        opened = data.get("opened_version")
        if self.instance.pk and opened is not None:
            current = AnnualReport.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != opened:
                raise forms.ValidationError(versions.stale_message(self.instance, opened), code="stale")
        shape = self.stored
        agency = data.get("agency") or (self.instance.agency if self.instance.agency_id else None)
        shape.agency = agency.name if agency else None
        shape.year = data.get("year", self.instance.year)
        for key, cell in CELLS.items():
            shape.set_cell(*cell, data.get(key))
        shape.sections = {key: data.get(key) or ("" if key in ("overall", "other") else []) for key in v.NARRATIVE}
        _keep_document_facts(shape, set(self.changed_data))
        self.shape = self.instance.pending_shape = shape
        return data

    def _save_m2m(self):
        super()._save_m2m()
        opened = self.cleaned_data.get("opened_version")
        user = getattr(self, "user", None)
        versions.store(self.instance, self.shape, user=user, source="表单编辑", opened=opened)


def _cell_fields():
    return {
        v.cell_key(table.key, row.key, column and column.key): _cell_field(table.key, row, column)
        for table in v.ALL_TABLES
        for row, column in table.cells()
    }


ReportForm = type("ReportForm", (BaseReportForm,), {"__module__": __name__, **_cell_fields()})


def compute_totals(shape):
    """Every 总计 of tables 三 and 四 as the sum of its parts (blank parts count 0; a row or
    column left wholly blank stays blank)."""

    def total(values):
        return None if all(x is None for x in values) else sum(x or 0 for x in values)

    applications = v.tables_for(shape.format_version)[1]
    for row in applications.rows:
        cells = shape.applications[row.key]
        cells["total"] = total([cells[c] for c in v.APPLICANT_PARTS])
    outcomes = v.outcome_keys(shape.format_version)
    for column in v.APPLICANT_KEYS:
        shape.applications["total_processed"][column] = total([shape.applications[r][column] for r in outcomes])
    for cells in shape.review_litigation.values():
        cells["total"] = total([cells[c] for c in v.RESULT_PARTS])


class AgencyReportForm(ReportForm):
    """The agency's own form: its figures and narrative only; every 总计 computed, never typed
    (the page's script shows them as the clerk types, the server decides)."""

    class Meta(BaseReportForm.Meta):
        fields = ["title", "overall", "other"]

    def __init__(self, *args, user=None, prefill=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if prefill is not None:  # 上传文件填充: the parsed file's values, not yet saved
            for key, cell in CELLS.items():
                self.initial[key] = prefill.cell(*cell)
            for key in v.NARRATIVE:
                self.initial[key] = prefill.sections[key]
        for key in TOTAL_CELLS:
            self.fields[key].disabled = True  # shown, computed, never taken from the request
            self.fields[key].widget.attrs["class"] = "cell total"

    def clean(self):
        data = super().clean()
        compute_totals(self.shape)
        for key in TOTAL_CELLS:
            data[key] = self.shape.cell(*CELLS[key])
        return data


TOTAL_CELLS = [
    key for key, (table, row, column) in CELLS.items()
    if table in ("applications", "review_litigation") and (column == "total" or row == "total_processed")
]  # fmt: skip
