"""Small display helpers for case pages; the facts come from selectors, not from here."""

from django import template
from django.utils import timezone

from supervision.workdays import load_calendar

from ..models import Case
from ..selectors import case_related
from ..selectors_inbox import clock_colour, deadline_window

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return Case.State(value).label
    except ValueError:
        return value


@register.simple_tag
def case_deadline_window():
    return deadline_window(now=timezone.now(), calendar=load_calendar())


@register.simple_tag
def deadline_colour(clock, window) -> str:
    return clock_colour(clock=clock, window=window)


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
