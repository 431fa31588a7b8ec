"""Mail leaves from the worker, on the outbound queue (config/settings.py CELERY_TASK_ROUTES), with
the connection timeout EMAIL_TIMEOUT: a slow mail server holds neither a web request nor the sweep."""
import logging

from celery import shared_task
from django.core.mail import get_connection, send_mass_mail

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.mail_send_task", ignore_result=True)
def mail_send_task(messages: list[list]) -> int:
    """`messages` as send_mass_mail takes them: (subject, body, from, [recipients]) each."""
    # get_connection() reads EMAIL_TIMEOUT for the SMTP backend.
    sent = send_mass_mail([tuple(message) for message in messages], fail_silently=False,
                          connection=get_connection())
    logger.info("notification mail sent", extra={"mails": sent})
    return sent


def mail_send_later(messages: list[tuple]) -> None:
    """Queue the mail; a broker that cannot be reached loses the mail, not the caller's work (the
    in-app notification is the record)."""
    try:
        mail_send_task.delay([list(message) for message in messages])
    except Exception:
        logger.exception("notification e-mail not queued")


@shared_task(name="core.tasks.partitions_ensure_task", ignore_result=True)
def partitions_ensure_task() -> list[str]:
    """Keep PARTITIONS_AHEAD_MONTHS of month partitions ready (core/partitions.py)."""
    from django.conf import settings

    from core.partitions import PARTITIONED, partitions_ensure

    done = []
    for table in PARTITIONED:
        for line in partitions_ensure(table, months_ahead=settings.PARTITIONS_AHEAD_MONTHS):
            # A blocked month means the task did not run in time: its rows sit in the default partition.
            (logger.error if line.startswith("blocked") else logger.info)("partition " + line)
            done.append(line)
    return done
