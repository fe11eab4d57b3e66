"""django-import-export resources for the data that really is row-shaped.

- the 行政区划 and agency registries (.xlsx/.csv with region codes),
- a statistics sheet with one row per report and one column per cell, named by the canonical
  keys, for offices that collect the figures in a spreadsheet;
- the audit log, exported only.

A report document is not row-shaped and is imported by reports.importing; statistics rows still
end in the same place: stored as written, findings refreshed, a revision kept.
"""
import json

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from reports import versions
from reports.audit_details import readable
from reports import vocabulary as v
from reports.choices import AgencyKind, ReportStatus
from reports.models import Agency, AnnualReport, AuditAction, AuditEvent, AuditResult, Region
from reports.parsers.grid import parse_value


class ChoiceWidget(widgets.Widget):
    """A choice written as its key or as its Chinese label (部门), exported as the label."""

    def __init__(self, choices):
        super().__init__()
        self.by_text = {**{str(label): value for value, label in choices}, **{value: value for value, _ in choices}}
        self.labels = dict(choices)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text not in self.by_text:
            raise ValueError(f"「{text}」不是有效的选项，可填：{'、'.join(map(str, self.labels.values()))}。")
        return self.by_text[text]

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, value or ""))


class RegionCodeWidget(widgets.ForeignKeyWidget):
    """A region named by its code. An unregistered code is the row's error: the library would
    fail the whole row with an English traceback, and an agency must not end up in no region."""

    def __init__(self, hint=""):
        super().__init__(Region, field="code")
        self.hint = hint

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Region.DoesNotExist:
            raise ValueError(f"行政区划代码「{value}」尚未登记{self.hint}。") from None


class AgencyNameWidget(widgets.ForeignKeyWidget):
    """An agency named by its registered name (a predecessor): an unregistered one is the row's
    error, in Chinese, as for a region code."""

    def __init__(self):
        super().__init__(Agency, field="name")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(str(value).strip() if value else value, row, **kwargs)
        except Agency.DoesNotExist:
            raise ValueError(f"机关「{value}」尚未登记（前身机关须已登记，或在表中排在承继它的机关之前）。") from None


class RegistryResource(resources.ModelResource):
    """A registry row is checked as the admin form checks it (full_clean: the region code's form,
    required fields, uniqueness), and its errors are shown under the sheet's column headers."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            columns = {f.attribute: f.column_name for f in self.get_import_fields()}
            raise ValidationError({columns.get(k, k): errors for k, errors in exc.message_dict.items()}) from exc


class RegionResource(RegistryResource):
    code = fields.Field(attribute="code", column_name="行政区划代码")
    name = fields.Field(attribute="name", column_name="名称")
    parent = fields.Field(
        attribute="parent", column_name="上级区划代码", widget=RegionCodeWidget("（上级区划须已登记，或在表中排在下级之前）")
    )

    class Meta:
        model = Region
        fields = ("code", "name", "parent")
        import_id_fields = ("code",)
        clean_model_instances = True
        # A parent must come before its children: rows are imported in file order.


class AgencyResource(RegistryResource):
    name = fields.Field(attribute="name", column_name="机关名称")
    kind = fields.Field(attribute="kind", column_name="机关类型", widget=ChoiceWidget(AgencyKind.choices))
    region = fields.Field(attribute="region", column_name="行政区划代码", widget=RegionCodeWidget())
    region_name = fields.Field(attribute="region__name", column_name="行政区划名称", readonly=True)
    # 机构改革: by name, as the admin sets it; a chain coming back to the agency is the row's
    # error (Agency.clean), shown under this column.
    predecessor = fields.Field(attribute="predecessor", column_name="前身机关", widget=AgencyNameWidget())

    class Meta:
        model = Agency
        fields = ("name", "kind", "region", "region_name", "predecessor")
        import_id_fields = ("name",)
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("region", "predecessor")


CELL_KEYS = {
    v.cell_key(t.key, r.key, c and c.key): (t.key, r, c) for t in v.ALL_TABLES for r, c in t.cells()
}


class StatisticsBehaviour:
    """How statistics rows are read and written; the fields are built below from the vocabulary."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._shape = (None, None)  # the last exported report's shape, read once per row

    def get_queryset(self):
        return AnnualReport.objects.with_sections()

    def shape_of(self, report):
        if self._shape[0] != report.pk:
            self._shape = (report.pk, report.to_shape())
        return self._shape[1]

    def after_save_instance(self, instance, row, **kwargs):
        """The row's cells, as written, become the report's; blank stays blank (not 0)."""
        shape = instance.to_shape()
        shape.format_version = instance.format_version
        for key, (table_key, row_spec, column) in CELL_KEYS.items():
            if key not in row:
                continue
            text = "" if row[key] is None else str(row[key])
            value, invalid = parse_value(text, row_spec.is_decimal(column))
            shape.set_cell(table_key, row_spec.key, column and column.key, value)
            shape.facts["invalid_cells"].pop(key, None)
            if key in shape.facts["unfilled"]:  # the sheet states it, blank included
                shape.facts["unfilled"].remove(key)
            if invalid is not None:
                shape.facts["invalid_cells"][key] = invalid
        # Figures changed outside the workflow must be reviewed again: a draft once more.
        versions.store(instance, shape, user=self.user, source="统计表导入", status=ReportStatus.DRAFT,
                       comment="统计表导入了新数据，需重新报送和审核。")  # fmt: skip


def _cell_export(key):
    table_key, row, column = CELL_KEYS[key]

    def export(resource, report):
        return resource.shape_of(report).cell(table_key, row.key, column and column.key)

    return export


class StatisticsMeta:
    model = AnnualReport
    fields = ("agency", "year", "format_version", *CELL_KEYS)
    import_id_fields = ("agency", "year")
    skip_diff = True  # 200 columns: a per-row diff in the preview would be unreadable


# One read-only Field per cell (its values are applied in after_save_instance), exported from
# the report's shape, built from the vocabulary like the report form. The fields must exist when
# the metaclass reads Meta.fields, hence one type() call.
ReportStatisticsResource = type(
    "ReportStatisticsResource",
    (StatisticsBehaviour, resources.ModelResource),
    {
        "__module__": __name__,
        "__doc__": "One row per report, one column per cell named by its canonical key.",
        "Meta": StatisticsMeta,
        "agency": fields.Field(attribute="agency", column_name="agency", widget=widgets.ForeignKeyWidget(Agency, "name")),
        **{key: fields.Field(column_name=key, readonly=True) for key in CELL_KEYS},
        **{f"dehydrate_{key}": _cell_export(key) for key in CELL_KEYS},
    },
)


class AuditEventResource(resources.ModelResource):
    """The audit log as the 审计管理员 exports it (never imported)."""

    created_at = fields.Field(attribute="created_at", column_name="时间", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M:%S"))
    username = fields.Field(attribute="username", column_name="用户")
    ip = fields.Field(attribute="ip", column_name="来源IP")
    action = fields.Field(attribute="action", column_name="事件", widget=ChoiceWidget(AuditAction.choices))
    target = fields.Field(attribute="target", column_name="对象")
    result = fields.Field(attribute="result", column_name="结果", widget=ChoiceWidget(AuditResult.choices))
    detail = fields.Field(column_name="详情")

    class Meta:
        model = AuditEvent
        fields = ("created_at", "username", "ip", "action", "target", "result", "detail")

    def dehydrate_detail(self, event):
        return json.dumps(readable(event.detail), ensure_ascii=False) if event.detail else ""
