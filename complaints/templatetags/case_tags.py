"""Small display helpers for case pages; the facts come from selectors, not from here. Deadlines
and their colours are shown by deadlines' own tags (deadlines/templatetags)."""

from django import template

from ..models import Case
from ..selectors import case_related

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return Case.State(value).label
    except ValueError:
        return value


@register.simple_tag
def related_cases(case, user):
    return case_related(case=case, visible_to=user)


@register.filter
def satisfaction_label(value: str) -> str:
    from ..models.choices import Satisfaction

    try:
        return Satisfaction(value).label
    except ValueError:
        return value
