from django import template

from supervision.selectors import case_supervision

register = template.Library()


@register.inclusion_tag("supervision/_case_supervision.html", takes_context=True)
def case_supervision_panel(context, case):
    """The case page's supervision section: colours, pauses, escalations, ledger items."""
    user = context["request"].user
    has_running = any(clock.is_running for clock in case.clocks.all())
    # Pausing is for clocks that still run: nothing to pause on a closed case.
    can_pause = has_running and user.has_perm("complaints.decide_extension_case") \
        and getattr(user, "unit", None) is not None and user.unit.kind in ("center", "district_center")
    return {"case": case, "can_pause": can_pause, "has_running": has_running, "csrf_token": context.get("csrf_token"),
            **case_supervision(case=case)}
