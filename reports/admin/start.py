"""The reviewer's start page (the admin's home): what awaits them in each 行政区划 of their scope,
each count a link to the report list filtered to exactly those reports.

The counts use the list's own filters (reports.admin.filters, the list's status filter) over
AnnualReport.objects.visible_to(user), so a count and the list it links to always agree; they
take one query whatever the number of reports.
"""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from reports.choices import ReportStatus
from reports.models import AnnualReport, Profile, Region

from .filters import returned_unchanged

# (key, label, the list's filter parameters, the reports it selects)
COLUMNS = (
    ("pending", "待审核", {"status__exact": ReportStatus.SUBMITTED}, lambda r: r.filter(status=ReportStatus.SUBMITTED)),
    ("returned", "退回未改", {"returned": "unchanged"}, returned_unchanged),
    ("overdue", "逾期", {"overdue": "yes"}, lambda r: r.overdue()),
    ("unexplained", "有未说明警告", {"unexplained": "yes"}, lambda r: r.with_unexplained_warnings()),
)


def awaiting(user):
    """{"columns": labels, "rows": one per region just below the user's office (below the top
    when it covers every region), "total": the whole scope}; a row is {"region", "cells"}, a cell
    (count, link to the list or None). Agencies placed in the office's own region, or in none,
    count in the total only."""
    profile = Profile.objects.filter(user=user).select_related("region").first()
    office = profile.region if profile and not user.is_superuser else None
    every = AnnualReport.objects.all()
    counts = AnnualReport.objects.visible_to(user).values("agency__region__path").annotate(
        **{key: Count("pk", filter=Q(pk__in=select(every).values("pk"))) for key, _, _, select in COLUMNS}
    )
    counts = [(row["agency__region__path"] or "", row) for row in counts]
    changelist = reverse("admin:reports_annualreport_changelist")

    def cells(region=None):
        prefix, query = (region.path, {"region": region.code}) if region else ("", {})
        found = []
        for key, _, params, _ in COLUMNS:
            count = sum(row[key] for path, row in counts if path.startswith(prefix))
            found.append((count, f"{changelist}?{urlencode({**params, **query})}" if count else None))
        return found

    return {
        "columns": [label for _, label, _, _ in COLUMNS],
        "rows": [{"region": region, "cells": cells(region)} for region in Region.objects.filter(parent=office)],
        "total": cells(),
    }
