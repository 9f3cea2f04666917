"""Filters for the generated documents' Markdown templates (``governance/texts/*.md``)."""

from django import template

from incidentdesk.documents.markdown import escape

register = template.Library()


@register.filter
def md(value: object) -> str:
    """What a person typed (a tool's name, a contact's details), kept as text inside the generated Markdown."""
    return escape(str(value or "")).replace("  \n", " ")


@register.filter
def names(values: list[object]) -> str:
    """"A, B and C" for a list of names."""
    items = [md(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


@register.filter
def here(citation: str) -> str:
    """Inside the procedure itself, "Our incident procedure, section 6 …" reads "section 6 …"."""
    return md(citation).replace("Our incident procedure, section", "section").replace(
        "our incident procedure, section", "section")
