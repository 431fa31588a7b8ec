"""Sending the outbox. A worker claims a queued message with one conditional UPDATE (so two workers,
or a task and the catch-up sweep, never send it at once), talks to the gateway outside any
transaction, then records the outcome under its claim. A failure is tried again with exponential
backoff; the beat sweep sends whatever is due, including messages whose queue entry was lost."""
import logging
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from .backends import Outgoing, SendResult, backend_get
from .models import SmsMessage, mask_phone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX = timedelta(hours=2)
# Longer than a gateway call can take (10 s timeout): a worker that died mid-call frees the
# message after this, and the sweep sends it again.
CLAIM_SECONDS = 120


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)), BACKOFF_MAX)


def _unclaimed(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def sms_claim(*, message_id: int) -> SmsMessage | None:
    """The message, claimed for this worker, or None when it is not due, not queued or claimed."""
    now = timezone.now()
    until = now + timedelta(seconds=CLAIM_SECONDS)
    claimed = (SmsMessage.objects.filter(_unclaimed(now), pk=message_id, status=SmsMessage.Status.QUEUED,
                                         next_attempt_at__lte=now)
               .update(claimed_until=until, attempts=F("attempts") + 1, last_attempt_at=now))
    if not claimed:
        return None
    return SmsMessage.objects.select_related("template").get(pk=message_id)


def _record(message: SmsMessage, result: SendResult) -> SmsMessage:
    now = timezone.now()
    fields = {"claimed_until": None, "last_error": result.error}
    if result.accepted:
        fields.update(status=SmsMessage.Status.SENT, sent_at=now, gateway_id=result.gateway_id, next_attempt_at=None)
        if result.delivered:
            fields.update(status=SmsMessage.Status.DELIVERED, delivered_at=now)
    elif result.permanent or message.attempts >= MAX_ATTEMPTS:
        fields.update(status=SmsMessage.Status.FAILED, next_attempt_at=None)
    else:
        fields.update(next_attempt_at=now + backoff(message.attempts))
    # Under this worker's claim only: if it ran out and another worker took over, that one records.
    SmsMessage.objects.filter(pk=message.pk, claimed_until=message.claimed_until).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    return message


def sms_deliver(*, message_id: int) -> SmsMessage | None:
    """Try one message now; None when another worker has it or it is not due."""
    message = sms_claim(message_id=message_id)
    if message is None:
        return None
    outgoing = Outgoing(phone=message.phone, sign_name=message.sign_name, template_code=message.template_code,
                        params=message.params, out_id=str(message.pk), text=message.text)
    try:
        result = backend_get().send(outgoing)
    except Exception as exc:  # a backend's own bug must not leave the message claimed
        logger.exception("SMS %s to %s: backend error", message.pk, mask_phone(message.phone))
        result = SendResult(accepted=False, error=f"{exc.__class__.__name__}: {exc}"[:300])
    message = _record(message, result)
    logger.info("SMS %s (%s) to %s: %s", message.pk, message.kind, mask_phone(message.phone), message.status)
    return message


def sms_due(*, limit: int = 500) -> list[int]:
    now = timezone.now()
    return list(SmsMessage.objects.filter(_unclaimed(now), status=SmsMessage.Status.QUEUED,
                                          next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def sms_send_due(*, limit: int = 500) -> int:
    """The beat sweep: send every queued message whose time has come (retries, and those the
    broker never got). Returns how many the gateway took."""
    sent = 0
    for message_id in sms_due(limit=limit):
        message = sms_deliver(message_id=message_id)
        if message is not None and message.status in (SmsMessage.Status.SENT, SmsMessage.Status.DELIVERED):
            sent += 1
    return sent


def sms_reports_record(*, reports: list[dict]) -> int:
    """Delivery reports pushed by the gateway (Alibaba Cloud's SmsReport: biz_id, out_id, success,
    err_code, report_time): a sent message becomes delivered or failed. Returns how many changed."""
    changed = 0
    now = timezone.now()
    for report in reports:
        if not isinstance(report, dict):
            continue
        out_id, biz_id = str(report.get("out_id") or ""), str(report.get("biz_id") or "")
        if not out_id.isascii() or not out_id.isdigit() or not biz_id:
            continue
        messages = SmsMessage.objects.filter(pk=int(out_id), gateway_id=biz_id, status=SmsMessage.Status.SENT)
        if report.get("success") is True:
            changed += messages.update(status=SmsMessage.Status.DELIVERED, delivered_at=now)
        else:
            error = f"{report.get('err_code', '')} {report.get('err_msg', '')}".strip()[:300]
            changed += messages.update(status=SmsMessage.Status.FAILED, last_error=error)
    return changed
