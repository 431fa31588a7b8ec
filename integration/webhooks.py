"""Webhooks to the system a case came from (an outbox). `webhook_enqueue` is a history listener
(registered in IntegrationConfig.ready()): case_event_record calls it inside the transaction of the
change, so the delivery row exists if and only if the change committed; sending happens afterwards
and is retried until it succeeds or gives up."""
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.identity import identity_history_data
from complaints.models import CaseEvent
from complaints.outward import outward_actions, outward_data, outward_note

from .models import ExternalCaseRef, WebhookDelivery

logger = logging.getLogger(__name__)

# History actions the originating system is told about, and the event name it receives.
WEBHOOK_EVENTS = {
    # A received work order is only accepted once registered: the platform waits for this one.
    CaseEvent.Action.REGISTER: "case.registered",
    CaseEvent.Action.REPLY: "case.replied",
    CaseEvent.Action.RETURN: "case.returned",
    CaseEvent.Action.REDO: "case.returned_for_redo",
    CaseEvent.Action.DECIDE_EXTENSION: "case.extended",
    CaseEvent.Action.ARCHIVE: "case.archived",
    # The other ways a case ends: without them the system would wait for an answer forever.
    CaseEvent.Action.ANSWER: "case.answered",
    CaseEvent.Action.DECLINE: "case.declined",
    CaseEvent.Action.TRANSFER: "case.transferred",
    # The statutory decisions (data: decision/outcome, ground, notice, amount recovered).
    CaseEvent.Action.LEGAL_ACCEPT: "case.accepted",
    CaseEvent.Action.NOT_ACCEPT: "case.not_accepted",
    CaseEvent.Action.MEDIATION_END: "case.mediation_ended",
    CaseEvent.Action.REPORT_DECIDE: "case.report_decided",
    # A repeated report is the report's decision too (重复举报不予处理), of its own kind.
    CaseEvent.Action.REPORT_REPEAT: "case.report_decided",
}
MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX = timedelta(hours=6)
TIMEOUT_SECONDS = 10
# How long a worker's claim on a delivery keeps other workers off it: well past one send's timeout.
CLAIM_LEASE = timedelta(seconds=TIMEOUT_SECONDS * 6)


def webhook_enqueue(*, event: CaseEvent) -> list[WebhookDelivery]:
    """The deliveries this history row owes the originating system (a sensitive case's reply is
    released with the director's approval: complaints/outward.py)."""
    return webhooks_enqueue(events=[event])


def webhooks_enqueue(*, events: list[CaseEvent]) -> list[WebhookDelivery]:
    """webhook_enqueue for many rows (a batch's registrations): the references in one query, the
    deliveries in one INSERT, one callback after commit."""
    owed = []
    for event in events:
        if event.action == CaseEvent.Action.DECIDE_EXTENSION and not event.data.get("approved"):
            continue
        names = [(action, WEBHOOK_EVENTS[action]) for action in outward_actions(event) if action in WEBHOOK_EVENTS]
        if names:
            owed.append((event, names))
    if not owed:
        return []
    origins = {}
    for ref in ExternalCaseRef.objects.select_related("system__acting_user__unit") \
            .filter(case_id__in={event.case_id for event, _names in owed}).order_by("pk"):
        origins.setdefault(ref.case_id, ref)  # a case's first reference, as .first() would give
    deliveries = []
    for event, names in owed:
        origin = origins.get(event.case_id)
        if origin is None or not origin.system.webhook_url or not origin.system.is_active:
            continue
        case = event.case
        for action, name in names:
            payload = {
                "event": name,
                "case": case.number,
                "reference": origin.reference,
                "state": case.state,
                "version": case.version,
                "at": event.at.isoformat(),
                "note": outward_note(event, action),
                # The system reads what its acting user may read: an identity hidden from it stays hidden.
                "data": identity_history_data(case=case, user=origin.system.acting_user,
                                              data=outward_data(event, action)),
            }
            deliveries.append(WebhookDelivery(system=origin.system, case=case, event=name, payload=payload,
                                              next_attempt_at=event.at))
    if deliveries:
        WebhookDelivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: [_send_later(pk) for pk in ids])
    return deliveries


def _send_later(delivery_id: int) -> None:
    from .tasks import webhook_deliver_task  # the tasks module imports this one

    try:
        webhook_deliver_task.delay(delivery_id)
    except Exception:  # broker down: the row stays pending and the beat sweep sends it
        logger.warning("webhook %s not queued; the retry sweep will send it", delivery_id, exc_info=True)


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed "sha256=". Clients recompute it with
    their secret and reject old timestamps to stop replays."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)), BACKOFF_MAX)


def webhook_deliver(*, delivery_id: int, due_only: bool = False) -> WebhookDelivery | None:
    """Try one delivery now: claim the row, commit, send, record. No transaction or row lock is held
    while the receiver takes its time (up to TIMEOUT_SECONDS): the claim is a lease on the row
    (`claimed_until`), so a second worker leaves it alone meanwhile, and a worker that dies while
    sending leaves a lease that expires, after which the retry sweep sends it again. A delivered or
    given-up row is left alone; `due_only` (the sweep's tasks) also leaves one whose backoff runs."""
    delivery = _claim(delivery_id=delivery_id, due_only=due_only)
    if delivery is None:
        return None
    code, error = _send(delivery)
    return _record(delivery_id=delivery.pk, claim=delivery.claimed_until, code=code, error=error)


def _claim(*, delivery_id: int, due_only: bool) -> WebhookDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        rows = WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",)).select_related("system") \
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING) \
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        if due_only:
            rows = rows.filter(next_attempt_at__lte=now)
        delivery = rows.first()
        if delivery is None:
            return None
        delivery.claimed_until = now + CLAIM_LEASE
        delivery.save(update_fields=["claimed_until"])
    return delivery


def _send(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        delivery.system.webhook_url, data=body, method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Webhook-Id": str(delivery.pk),
            "X-Webhook-Event": delivery.event,
            "X-Webhook-Timestamp": timestamp,
            "X-Webhook-Signature": webhook_signature(
                secret=delivery.system.webhook_secret, timestamp=timestamp, body=body
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except Exception as exc:  # connection refused, timeout, DNS ...: retry later
        return None, f"{exc.__class__.__name__}: {exc}"[:300]


def _record(*, delivery_id: int, claim, code: int | None, error: str) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update(of=("self",)).select_related("system") \
            .filter(pk=delivery_id).first()
        if delivery is None:  # the case was deleted meanwhile
            return None
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.response_code = code
        delivery.last_error = error
        if delivery.claimed_until == claim:  # a replay meanwhile keeps its own lease
            delivery.claimed_until = None
        if code is not None and 200 <= code < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + _backoff(delivery.attempts)
        delivery.save()
    return delivery


def webhooks_due(*, limit: int = 200) -> list[int]:
    now = timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )


def webhooks_retry_due(*, limit: int = 200) -> int:
    """Send every pending delivery whose time has come, one after the other in this process (an
    operator's shell, tests); the beat sweep fans out instead (`webhooks_fan_out`). Returns how many
    were delivered."""
    delivered = 0
    for delivery_id in webhooks_due(limit=limit):
        delivery = webhook_deliver(delivery_id=delivery_id, due_only=True)
        if delivery is not None and delivery.status == WebhookDelivery.Status.DELIVERED:
            delivered += 1
    return delivered


def webhooks_fan_out(*, limit: int = 1000) -> int:
    """The beat sweep: one task per due delivery (also those whose queue message was lost), on the
    outbound queue, so a slow receiver delays only its own deliveries. Returns how many were queued."""
    from .tasks import webhook_deliver_task  # the tasks module imports this one

    queued = 0
    for delivery_id in webhooks_due(limit=limit):
        webhook_deliver_task.delay(delivery_id, due_only=True)
        queued += 1
    return queued


@transaction.atomic
def webhook_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again on the system's request (delivered or given up), as a fresh series."""
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.claimed_until = None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_until"])
    transaction.on_commit(lambda: _send_later(delivery.pk))
    return delivery
