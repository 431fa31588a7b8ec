"""Deadlines on pages: the case page's deadline panel and the filters that colour a clock.

A page judges all its clocks at one moment: `{% deadlines_now as now %}` once, then
`{{ clock|clock_colour:now }}` (or the panel tags given `now`), so two panels cannot straddle a
clock's warn_at. The colour is deadlines.selectors.clock_colour's, never the sweep's stored flag.
"""
from django import template
from django.utils import timezone

from ..selectors import clock_colour as colour_of
from ..selectors import colour_label as label_of

register = template.Library()


@register.simple_tag
def deadlines_now():
    return timezone.now()


@register.filter
def clock_colour(clock, now=None) -> str:
    """ "none", "yellow" or "red"."""
    return colour_of(clock, now=now or timezone.now())


@register.filter
def clock_status(clock, now=None) -> str:
    """pending / paused / running / overdue / met / late / ended, judged at the same moment."""
    return clock.status_at(now or timezone.now())


@register.filter
def colour_label(colour: str) -> str:
    return label_of(colour)


@register.inclusion_tag("deadlines/_case_deadlines.html")
def case_deadlines_panel(case, now=None):
    """The case page's deadline section: every clock of the case with its colour and state."""
    return {"clocks": list(case.clocks.all()), "now": now or timezone.now()}
