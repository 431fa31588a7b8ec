"""A clock's colour: the one rule every page, the inbox, the API and the template filter use.

Yellow once the clock's `warn_at` has passed (the lead the center sets in 预警规则), red once its
`due_at` has; a paused or stopped clock, or one waiting for its due date to be counted, has none.
The colour is judged from these stored times and `now`, not from the sweep's `warning` field: that
field records what the sweep last acted on (notified, escalated) and lags by up to one sweep.

`clocks_coloured` is the same rule for the database, for the counts and tabs that filter clocks.
"""
from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from .models import CaseClock

NONE, YELLOW, RED = CaseClock.Warning.NONE.value, CaseClock.Warning.YELLOW.value, CaseClock.Warning.RED.value

# The clocks that can have a colour: running, not paused (检验检测鉴定 time does not count) and
# with a known due date.
COUNTING = Q(stopped_at__isnull=True, paused_at__isnull=True, due_at__isnull=False)


def clock_colour(clock: CaseClock, *, now: datetime) -> str:
    """ "none", "yellow" or "red" for the clock at `now`."""
    if clock.stopped_at is not None or clock.paused_at is not None or clock.due_at is None:
        return NONE
    if clock.due_at <= now:
        return RED
    return YELLOW if clock.warn_at is not None and clock.warn_at <= now else NONE


def clocks_coloured(colour: str, *, now: datetime) -> Q:
    """A filter on CaseClock for the clocks that `clock_colour` gives `colour` (yellow or red) at `now`."""
    if colour == RED:
        return COUNTING & Q(due_at__lte=now)
    if colour == YELLOW:
        return COUNTING & Q(due_at__gt=now, warn_at__lte=now)
    raise ValueError(f"only yellow and red are filtered on, not {colour!r}")


def colour_label(colour: str) -> str:
    return CaseClock.Warning(colour).label
