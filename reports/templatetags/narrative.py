"""The narrative's paragraphs on a report page (reports.layout.narrative_layout)."""
from django import template

register = template.Library()


@register.filter
def paragraphs_of(narrative, where):
    """The paragraphs laid out for one place of the report body: {{ narrative|paragraphs_of:table.section }}."""
    return (narrative or {}).get(where, [])


@register.filter
def pointer_of(pointers, finding):
    """Where an edit page shows the sentence `finding` is about (layout.text_pointers), if it is
    about one: {{ pointers|pointer_of:f }}."""
    return (pointers or {}).get(finding.anchor) if finding.paragraph is not None else None
