"""One model per section of the report; cells are nullable because blank is not 0 (spec §7).

Field names are the spec's keys, verbose names the official labels from the vocabulary. Counts
are signed so a report is stored exactly as published; E6 reports what is not a valid count.
"""
from django.db import models

from reports import vocabulary as v
from reports.choices import ApplicationRowKey, ReviewGroupKey


def count(label):
    return models.IntegerField(label, null=True, blank=True)


def active_field(row, column=None):
    """The ActiveDisclosure field of a table-二 cell: regulations_issued, licensing…"""
    return f"{row}_{column}" if column else row


def _active_label(row, column):
    return f"{row.label}·{column.label}" if column else f"{row.label}·{v.ACTIVE_VALUE_HEADERS[row.key]}"


def _table_two_model(name, table, related_name, doc, verbose_name):
    """A model with one field per cell of a table-二 layout, named and labelled by the vocabulary."""
    fields = {}
    for row, column in table.cells():
        label = _active_label(row, column)
        if row.is_decimal(column):
            field = models.DecimalField(
                label, max_digits=v.FEE_DIGITS, decimal_places=v.FEE_PLACES, null=True, blank=True
            )
        else:
            field = count(label)
        fields[active_field(row.key, column and column.key)] = field
    meta = type("Meta", (), {"verbose_name": verbose_name, "verbose_name_plural": verbose_name})
    return type(
        name,
        (models.Model,),
        {
            "__module__": __name__,
            "__doc__": doc,
            "report": models.OneToOneField("AnnualReport", on_delete=models.CASCADE, related_name=related_name),
            "Meta": meta,
            "__str__": lambda self: f"{self.report}·{verbose_name}",
            **fields,
        },
    )


ActiveDisclosure = _table_two_model(
    "ActiveDisclosure", v.ACTIVE, "active", "二、主动公开政府信息情况 (2021 format).", "主动公开政府信息情况"
)
ActiveDisclosure2019 = _table_two_model(
    "ActiveDisclosure2019",
    v.ACTIVE_2019,
    "active_2019",
    "二、主动公开政府信息情况 in the 2019 trial format, kept apart from 2021's columns.",
    "主动公开政府信息情况（2019年试行格式）",
)
# Each table-二 layout and the model holding it, by the shape's table key.
TABLE_TWO_MODELS = {v.ACTIVE.key: ActiveDisclosure, v.ACTIVE_2019.key: ActiveDisclosure2019}


class ApplicationRow(models.Model):
    """One row of 三、收到和处理政府信息公开申请情况, with the seven applicant columns."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="application_rows")
    row = models.CharField("行", max_length=40, choices=ApplicationRowKey.choices)
    natural_person = count(v.APPLICATIONS.column_by_key["natural_person"].label)
    commercial = count(v.APPLICATIONS.column_by_key["commercial"].label)
    research = count(v.APPLICATIONS.column_by_key["research"].label)
    social_welfare = count(v.APPLICATIONS.column_by_key["social_welfare"].label)
    legal_service = count(v.APPLICATIONS.column_by_key["legal_service"].label)
    other = count(v.APPLICATIONS.column_by_key["other"].label)
    total = count(v.APPLICATIONS.column_by_key["total"].label)

    class Meta:
        verbose_name = verbose_name_plural = "收到和处理政府信息公开申请情况"
        constraints = [models.UniqueConstraint(fields=["report", "row"], name="one_application_row_per_key")]

    def __str__(self):
        return self.get_row_display()


class ReviewLitigationRow(models.Model):
    """One group of 四、行政复议、行政诉讼 (复议 / 直接起诉 / 复议后起诉) with its five results."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="review_rows")
    group = models.CharField("类别", max_length=40, choices=ReviewGroupKey.choices)
    upheld = count(v.REVIEW_LITIGATION.column_by_key["upheld"].label)
    corrected = count(v.REVIEW_LITIGATION.column_by_key["corrected"].label)
    other = count(v.REVIEW_LITIGATION.column_by_key["other"].label)
    pending = count(v.REVIEW_LITIGATION.column_by_key["pending"].label)
    total = count(v.REVIEW_LITIGATION.column_by_key["total"].label)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开行政复议、行政诉讼情况"
        constraints = [models.UniqueConstraint(fields=["report", "group"], name="one_review_row_per_group")]

    def __str__(self):
        return self.get_group_display()


def _summary_fields():
    """SummaryFigures' fields: each table-三 row's 总计, each table-四 group's results, and table
    二's 处理决定数量 of 行政许可 and 行政处罚 in either format."""
    total = v.APPLICATIONS.column_by_key["total"].label
    fields = {f"applications_{r.key}": count(f"{r.label}·{total}") for r in v.APPLICATIONS.rows}
    for group in v.REVIEW_LITIGATION.rows:
        for column in v.REVIEW_LITIGATION.columns:
            fields[f"{group.key}_{column.key}"] = count(f"{group.label}·{column.label}")
    for key in SUMMARY_DECISIONS:
        label = _active_label(v.ACTIVE.row_by_key[key], None)
        fields[key], fields[f"{key}_2019"] = count(label), count(f"{label}（2019年试行格式）")
    return fields


SUMMARY_DECISIONS = ("licensing", "penalty")


def summary_values(rows):
    """The SummaryFigures row of a report whose other section rows are `rows` (field values by
    model, as AnnualReport.section_values makes them): copied from them, never computed apart."""
    values = {f"applications_{row['row']}": row["total"] for row in rows[ApplicationRow]}
    for row in rows[ReviewLitigationRow]:
        values.update({f"{row['group']}_{key}": row[key] for key in v.RESULT_KEYS})
    for active in rows[ActiveDisclosure]:
        values.update({key: active[key] for key in SUMMARY_DECISIONS})
    for active in rows[ActiveDisclosure2019]:
        values.update({f"{key}_2019": active[f"{key}_decisions"] for key in SUMMARY_DECISIONS})
    return values


SummaryFigures = type(
    "SummaryFigures",
    (models.Model,),
    {
        "__module__": __name__,
        "__doc__": """The figures 统计汇总 adds up, one row per report, written with its section rows by
        every stored version (section_values): a year's totals read 14,000 rows of this, not the
        340,000 rows of table 三 (summing those takes 150–300 ms at 100,000 reports).""",
        "report": models.OneToOneField("AnnualReport", on_delete=models.CASCADE, related_name="summary_figures"),
        "Meta": type("Meta", (), {"verbose_name": "统计汇总数", "verbose_name_plural": "统计汇总数"}),
        "__str__": lambda self: f"{self.report}·统计汇总数",
        **_summary_fields(),
    },
)


class NarrativeItem(models.Model):
    position = models.PositiveSmallIntegerField("序号")
    text = models.TextField("内容")

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return self.text[:40]


class Problem(NarrativeItem):
    """五、存在的主要问题: one item per problem, in the report's order."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="problems")

    class Meta(NarrativeItem.Meta):
        verbose_name = verbose_name_plural = v.PROBLEMS_LABEL


class Improvement(NarrativeItem):
    """五、改进情况: one item per improvement measure."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="improvements")

    class Meta(NarrativeItem.Meta):
        verbose_name = verbose_name_plural = v.IMPROVEMENTS_LABEL


class Paragraph(models.Model):
    """A paragraph of the narrative, derived from the stored text whenever a version is stored
    (narrative.paragraphs; never edited on its own): a finding about a sentence points at one by
    its position, as a cell finding points at its cell."""

    report = models.ForeignKey("AnnualReport", on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField("序号")  # in the whole narrative, in the document's order
    section = models.CharField("部分", max_length=20, choices=[(s.key, v.heading(s.key)) for s in v.SECTIONS])
    part = models.CharField("所在文本", max_length=40)  # overall, notes.applications, problems.0 …
    subheading = models.CharField("小标题", max_length=100, blank=True)
    text = models.TextField("内容")

    class Meta:
        verbose_name = verbose_name_plural = "正文段落"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["report", "position"], name="one_paragraph_per_position")]

    def __str__(self):
        return self.text[:40]
