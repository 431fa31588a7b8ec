"""Celery tasks of the deadline layer: thin wrappers that recount running clocks in the worker
after the center changed the calendar or the warning lead (deadlines/admin.py), and hourly."""
from datetime import date

from celery import shared_task


@shared_task
def clocks_reschedule_task(affected_from: str | None = None) -> int:
    """Recount running deadlines after a calendar change; hourly, it also picks up clocks that were
    waiting for a year's schedule (so a change made while the broker was down is not lost)."""
    from .services import clocks_reschedule

    return clocks_reschedule(affected_from=date.fromisoformat(affected_from) if affected_from else None)


@shared_task
def clocks_rewarn_task() -> int:
    """Recompute warning times after the center changed the lead time (see DeadlineSettingsAdmin)."""
    from .services import clocks_rewarn

    return clocks_rewarn()
