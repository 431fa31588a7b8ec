from django import template

from complaints.access import may_close_red_line
from supervision.forms import CloseForm

register = template.Library()


@register.inclusion_tag("supervision/_red_line_close.html", takes_context=True)
def red_line_close_cell(context, item):
    """The 销号 cell of a ledger row: who closed it, or the form for those who may close it. A refused
    attempt keeps its form (the typed note and the reason) even if the item was closed meanwhile."""
    failed = context.get("failed")
    if failed is not None and failed.item_pk == item.pk:
        form = failed
    elif item.closed_at is None and may_close_red_line(item.case, context["request"].user):
        form = CloseForm(item_pk=item.pk)
    else:
        form = None
    return {"item": item, "form": form, "csrf_token": context.get("csrf_token")}
