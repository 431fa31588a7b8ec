"""Celery tasks: thin wrappers over the outbox's delivery."""
from celery import shared_task

from .delivery import MAX_ATTEMPTS, sms_deliver, sms_send_due
from .models import SmsMessage


@shared_task(bind=True, name="messaging.tasks.sms_deliver_task", ignore_result=True, max_retries=MAX_ATTEMPTS)
def sms_deliver_task(self, message_id: int) -> None:
    message = sms_deliver(message_id=message_id)
    if message is not None and message.status == SmsMessage.Status.QUEUED and message.next_attempt_at:
        # Come back when the backoff is over; if this message is lost too, the sweep sends it.
        try:
            self.retry(eta=message.next_attempt_at, throw=False)
        except Exception:  # noqa: BLE001 (broker down: the sweep has it)
            pass


@shared_task(name="messaging.tasks.sms_send_due_task", ignore_result=True)
def sms_send_due_task() -> int:
    return sms_send_due()
