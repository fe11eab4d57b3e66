"""The narrative's paragraphs on a report page (reports.layout.narrative_layout)."""
from django import template

register = template.Library()


@register.filter
def paragraphs_of(narrative, where):
    """The paragraphs laid out for one place of the report body: {{ narrative|paragraphs_of:table.section }}."""
    return (narrative or {}).get(where, [])
