from django import template
from django.utils import timezone

from complaints.access import may_close_red_line, may_pause_clocks
from supervision.forms import CloseForm
from supervision.selectors import case_supervision

register = template.Library()


@register.inclusion_tag("supervision/_case_supervision.html", takes_context=True)
def case_supervision_panel(context, case, now=None):
    """The case page's supervision section: colours, pauses, escalations, ledger items. The running
    clocks are coloured by the deadline layer's filter at `now`, the moment the deadline panel uses."""
    user = context["request"].user
    has_running = any(clock.is_running for clock in case.clocks.all())
    # Pausing is for clocks that still run: nothing to pause on a closed case.
    can_pause = has_running and may_pause_clocks(case, user)
    return {"case": case, "can_pause": can_pause, "has_running": has_running, "csrf_token": context.get("csrf_token"),
            "now": now or timezone.now(), **case_supervision(case=case)}


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
