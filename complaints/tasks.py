"""Celery tasks: thin wrappers over the webhook and external-intake services."""
from celery import shared_task

from .services.integration import external_cases_register
from .services.webhooks import webhook_deliver, webhooks_retry_due


@shared_task(ignore_result=True)
def webhook_deliver_task(delivery_id: int) -> None:
    webhook_deliver(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def webhooks_retry_task() -> int:
    return webhooks_retry_due()


@shared_task(ignore_result=True)
def external_cases_register_task() -> int:
    return external_cases_register()
