from django import template

from hotline.directory.choices import appliance_label

register = template.Library()


@register.filter
def appliance(kind: str | None) -> str:
    """A kind of appliance (a code, an English word kept in an order's copy, or free text) in
    the reader's language."""
    return appliance_label(kind) if kind else ""
