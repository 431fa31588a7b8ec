from django import template

from supervision.selectors import case_supervision

register = template.Library()


@register.inclusion_tag("supervision/_case_supervision.html", takes_context=True)
def case_supervision_panel(context, case):
    """The case page's supervision section: colours, pauses, escalations, ledger items."""
    user = context["request"].user
    can_pause = user.has_perm("complaints.decide_extension_case") and getattr(user, "unit", None) is not None \
        and user.unit.kind in ("center", "district_center")
    return {"case": case, "can_pause": can_pause, "csrf_token": context.get("csrf_token"),
            **case_supervision(case=case)}
