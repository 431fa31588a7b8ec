"""Periodic tasks of the supervision app: thin wrappers around the calendar check and the sweep.
The recounts of running clocks are the deadlines app's (deadlines/tasks.py)."""
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext

from deadlines.workdays import calendar_coverage_warning

logger = logging.getLogger(__name__)


@shared_task
def calendar_coverage_check() -> str | None:
    """Warn the center's supervisors and directors when a year in reach has no holiday schedule."""
    from supervision.selectors import SCHEDULE_MISSING, supervision_recipients

    message = calendar_coverage_warning(ahead_days=settings.CALENDAR_WARNING_DAYS)
    if message is None:
        return None
    logger.warning(message)
    # The same rule that tells the center's directors of a case escalated to them.
    told = supervision_recipients(level=SCHEDULE_MISSING)[None]
    recipients = [user.email for user in told.users if user.email]
    if recipients:
        send_mail(gettext("【12315】节假日安排尚未录入"), message, None, recipients)
    return message


@shared_task
def deadlines_sweep_task(now: str | None = None) -> str:
    """Colour and escalate deadlines (see supervision/sweep.py); safe to run often and concurrently.
    `now` (ISO) lets an operator replay a sweep as of a given moment."""
    import time
    from datetime import datetime

    from supervision.models import SweepRun
    from supervision.sweep import deadlines_sweep

    started = time.monotonic()
    result = deadlines_sweep(now=datetime.fromisoformat(now) if now else None)
    duration = time.monotonic() - started
    # Only a sweep that committed counts as run (/health/ and /metrics read this row).
    SweepRun.record(name=SweepRun.DEADLINES, duration_seconds=duration)
    logger.info("deadline sweep: %s", result, extra={"duration_seconds": round(duration, 3)})
    return str(result)
