"""Periodic tasks of the supervision app: thin wrappers around the calendar check and the sweep.
The recounts of running clocks are the deadlines app's (deadlines/tasks.py)."""
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext

from deadlines.workdays import calendar_coverage_warning

logger = logging.getLogger(__name__)


@shared_task
def calendar_coverage_check() -> str | None:
    """Warn the center's supervisors and director when a year in reach has no holiday schedule."""
    message = calendar_coverage_warning(ahead_days=settings.CALENDAR_WARNING_DAYS)
    if message is None:
        return None
    logger.warning(message)
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True, unit__kind="center", role__in=["supervisor", "director"])
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        send_mail(gettext("【12315】节假日安排尚未录入"), message, None, recipients)
    return message


@shared_task
def deadlines_sweep_task(now: str | None = None) -> str:
    """Colour and escalate deadlines (see supervision/sweep.py); safe to run often and concurrently.
    `now` (ISO) lets an operator replay a sweep as of a given moment."""
    from datetime import datetime

    from supervision.sweep import deadlines_sweep

    result = deadlines_sweep(now=datetime.fromisoformat(now) if now else None)
    logger.info("deadline sweep: %s", result)
    return str(result)
