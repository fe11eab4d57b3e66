"""List filters of the reviewer's report list."""
from django.contrib import admin
from django.db.models import Exists, OuterRef, Subquery

from reports.choices import ReportStatus
from reports.models import Region, ReportRevision, Transition
from reports.models.agency import regions_around


class RegionFilter(admin.SimpleListFilter):
    """A region and everything below it (an office covers its whole subtree)."""

    title = "行政区划"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        # Chosen a region, its children are offered next: the tree is walked down a level a time.
        return [(r.code, r.indented_name) for r in regions_around(self.chosen())]

    def chosen(self):
        if not hasattr(self, "_chosen"):
            self._chosen = Region.objects.filter(code=self.value()).first() if self.value() else None
        return self._chosen

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        region = self.chosen()
        return queryset.in_region(region) if region else queryset.none()


class UnexplainedWarningsFilter(admin.SimpleListFilter):
    title = "警告是否已说明"
    parameter_name = "unexplained"

    def lookups(self, request, model_admin):
        return [("yes", "有未说明的警告")]

    def queryset(self, request, queryset):
        return queryset.with_unexplained_warnings() if self.value() == "yes" else queryset


def returned_unchanged(reports):
    """Returned reports with no version stored since they were returned: the agency has not
    acted on the reviewer's comment yet."""
    returned_at = Transition.objects.filter(report=OuterRef("report"), to_status=ReportStatus.RETURNED)
    since = ReportRevision.objects.filter(
        report=OuterRef("pk"), created_at__gt=Subquery(returned_at.order_by("-created_at").values("created_at")[:1])
    )
    return reports.filter(status=ReportStatus.RETURNED).exclude(Exists(since))


class ReturnedUnchangedFilter(admin.SimpleListFilter):
    title = "退回后是否修改"
    parameter_name = "returned"

    def lookups(self, request, model_admin):
        return [("unchanged", "退回后尚未修改")]

    def queryset(self, request, queryset):
        return returned_unchanged(queryset) if self.value() == "unchanged" else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "逾期未报送或逾期报送")]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


class HasErrorsFilter(admin.SimpleListFilter):
    title = "是否有错误"
    parameter_name = "has_errors"

    def lookups(self, request, model_admin):
        return [("yes", "有错误"), ("no", "无错误")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(error_count__gt=0)
        if self.value() == "no":
            return queryset.filter(error_count=0)
        return queryset
