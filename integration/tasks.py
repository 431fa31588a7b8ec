"""Celery tasks: thin wrappers over the webhook and external-intake services.

They keep the names they were registered under in `complaints.tasks`: the beat schedule names two,
and messages already queued (a delivery, a delayed registration) name them too."""
from celery import shared_task

from .services import external_cases_register
from .webhooks import webhook_deliver, webhooks_fan_out


# Routed to the outbound queue (config/settings.py CELERY_TASK_ROUTES).
@shared_task(name="complaints.tasks.webhook_deliver_task", ignore_result=True)
def webhook_deliver_task(delivery_id: int, due_only: bool = False) -> None:
    webhook_deliver(delivery_id=delivery_id, due_only=due_only)


@shared_task(name="complaints.tasks.webhooks_retry_task", ignore_result=True)
def webhooks_retry_task() -> int:
    """Fans out one delivery task per due delivery; returns how many it queued."""
    return webhooks_fan_out()


@shared_task(name="complaints.tasks.external_cases_register_task", ignore_result=True)
def external_cases_register_task() -> int:
    return external_cases_register()
