"""The leadership selection of reports, and its totals.

One FilterSet decides which reports the 领导看板 page, its Excel download and `export_excel` cover,
so the three can never disagree. Its parameters are named like the admin list's filters (year,
status, region, has_errors), so a selection reads the same in either address.
"""
import django_filters
from django import forms
from django.db.models import Count, Q, Sum

from reports import vocabulary as v
from reports.choices import GATED_STATUSES, AgencyKind, ReportStatus
from reports.models import Agency, AnnualReport, Region, SummaryFigures
from reports.models.agency import office_region, regions_around
from reports.models.annual_report import FIRST_YEAR, LAST_YEAR

HAS_ERRORS = (("yes", "有错误"), ("no", "无错误"))
APPROVED_STATUSES = (ReportStatus.APPROVED, ReportStatus.PUBLISHED)  # 审核通过及以后


def visible_regions(user):
    """The regions `user` may choose: its office's subtree, every region when it has none."""
    office = office_region(user)
    return Region.objects.filter(path__startswith=office.path) if office else Region.objects.all()


class RegionFilter(django_filters.ModelChoiceFilter):
    # Django's own field, whose choices may be set to a list (`ReportSelection.form` does):
    # django-filter's wraps a list set so in its queryset iterator, which fails.
    field_class = forms.ModelChoiceField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # a year, not a decimal


class ReportSelection(django_filters.FilterSet):
    year = IntegerFilter(label="报告年度", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    # By code, and the whole subtree: an office covers every region below it. Its choices are
    # the tree around the chosen region (set in `form`).
    region = RegionFilter(
        label="行政区划",
        queryset=lambda request: visible_regions(request.user if request else None),
        to_field_name="code",
        empty_label="全部",
        method="filter_region",
        error_messages={"invalid_choice": "没有这个行政区划代码，或它不在您负责的区划内。"},
    )
    kind = django_filters.ChoiceFilter(
        label="机关类型", field_name="agency__kind", choices=AgencyKind.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=ReportStatus.choices, empty_label="全部")
    has_errors = django_filters.ChoiceFilter(
        label="是否有错误", choices=HAS_ERRORS, empty_label="全部", method="filter_has_errors"
    )

    def __init__(self, data=None, request=None):
        """The reports of `request.user` (visible_to, always); without a request (a command), all."""
        self.user = request.user if request else None
        reports = AnnualReport.objects.visible_to(self.user) if request else AnnualReport.objects.all()
        super().__init__(data, queryset=reports, request=request)

    @property
    def form(self):
        """The form, its region chooser listing the tree around the chosen region (any region in
        the user's scope is accepted: the choice is validated against all of them)."""
        if not hasattr(self, "_form"):
            field = super().form.fields["region"]
            code = self.data.get("region") if self.data else None
            chosen = field.queryset.filter(code=code).first() if code else None
            around = regions_around(chosen, within=office_region(self.user))
            field.choices = [("", "全部"), *((r.code, r.indented_name) for r in around)]
        return self._form

    def filter_region(self, reports, name, region):
        return reports.in_region(region)

    def filter_has_errors(self, reports, name, value):
        return reports.filter(error_count__gt=0) if value == "yes" else reports.filter(error_count=0)

    def reports(self):
        """The selected reports; none while the form has errors (never a wider selection than asked)."""
        return self.qs if self.is_valid() else self.queryset.none()

    def agencies(self):
        """The agencies the selection covers (the workbook's 报送进度): same visibility, region, kind."""
        agencies = Agency.objects.visible_to(self.user) if self.user else Agency.objects.all()
        if not self.is_valid():
            return agencies.none()
        region, kind = self.form.cleaned_data.get("region"), self.form.cleaned_data.get("kind")
        if region:
            agencies = agencies.filter(region__path__startswith=region.path)
        return agencies.filter(kind=kind) if kind else agencies


def _application_lines():
    """Table 三's rows as the page shows them: each outcome sub-block (（三）不予公开…) as one line,
    under the 三、本年度办理结果 heading. [(label, row keys, indented)]; the heading has no keys.
    Summing a whole block also covers 2019, whose （六） is one row stored as other_other."""
    lines = {}
    for row in v.APPLICATIONS.rows:
        if row.block:
            lines.setdefault(v.OUTCOMES_BLOCK, ([], False))  # the heading, once
        label = row.label if row.block in ("", v.OUTCOMES_BLOCK) else row.block
        lines.setdefault(label, ([], bool(row.block)))[0].append(row.key)
    return [(label, keys, indented) for label, (keys, indented) in lines.items()]


APPLICATION_LINES = _application_lines()
# The outcome chart's bars: every outcome line but （七）总计, their sum.
OUTCOME_LABELS = [label for label, keys, _ in APPLICATION_LINES if keys and set(keys) <= set(v.OUTCOME_KEYS)]


def totals(reports):
    """The figures of a selection, in two queries whatever its size: the reports' counts, and the
    sums of their SummaryFigures (one row each, written with the section rows it copies).

    行政许可/行政处罚 are table 二's 本年处理决定数量 of 2021-format reports, as in the workbook's
    汇总 sheet; 2019 trial-format reports keep their 处理决定数量 in their own fields (spec §2:
    never forced into 2021 columns), so those are totalled apart.
    """
    counts = reports.aggregate(
        reports=Count("pk"),
        with_errors=Count("pk", filter=Q(error_count__gt=0)),
        format_2019=Count("pk", filter=Q(format_version="2019")),
        **{status: Count("pk", filter=Q(status=status)) for status in ReportStatus.values},
    )
    fields = [f.name for f in SummaryFigures._meta.concrete_fields if f.name not in ("id", "report")]
    sums = SummaryFigures.objects.filter(report__in=reports).aggregate(**{f: Sum(f) for f in fields})
    sums = {f: value or 0 for f, value in sums.items()}
    by_row = {key: sums[f"applications_{key}"] for key in v.APPLICATION_KEYS}
    applications = [
        (label, sum(by_row[k] for k in keys) if keys else None, indented)
        for label, keys, indented in APPLICATION_LINES
    ]
    review = [
        (f"{row.block}·{row.label}" if row.block else row.label, [sums[f"{row.key}_{k}"] for k in v.RESULT_KEYS])
        for row in v.REVIEW_LITIGATION.rows
    ]
    return {
        "reports": counts["reports"],
        "with_errors": counts["with_errors"],
        "format_2019": counts["format_2019"],
        "by_status": [(label, counts[status]) for status, label in ReportStatus.choices],
        "submitted": sum(counts[s] for s in GATED_STATUSES),  # 已报送及以后
        "approved": sum(counts[s] for s in APPROVED_STATUSES),
        "new_received": by_row["new_received"],
        "applications": applications,
        "outcomes": [(label, value) for label, value, _ in applications if label in OUTCOME_LABELS],
        "licensing": sums["licensing"],
        "penalty": sums["penalty"],
        "licensing_2019": sums["licensing_2019"],
        "penalty_2019": sums["penalty_2019"],
        "review": review,
        "reconsideration": review[0][1][-1],
        "litigation": sum(figures[-1] for _, figures in review[1:]),
    }
