"""The admin home's 待办 (reports.admin.start), for whoever may view reports."""
from django import template

from reports.admin import import_views
from reports.admin.start import awaiting

register = template.Library()


@register.inclusion_tag("admin/reports/awaiting.html", takes_context=True)
def awaiting_reports(context):
    request = context["request"]
    if not request.user.has_perm("reports.view_annualreport"):
        return {"shown": False}
    return {"shown": True, "may_import": import_views.may_import(request), **awaiting(request.user)}
