"""Writing messages into the outbox. `sms_enqueue` is a history listener (registered in
MessagingConfig.ready()): case_event_record calls it in the transaction of the change, so the
message exists if and only if the change committed. Sending is messaging/delivery.py's."""
import logging
import re
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.outward import outward_actions, outward_data
from core.cache import TimedCopy
from core.errors import ApplicationError
from deadlines.workdays import local_date

from .models import SmsMessage, SmsSettings, SmsTemplate
from .params import params_resolve, template_render

logger = logging.getLogger(__name__)

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
RECEIPT_KIND = "receipt"


def _templates_load() -> list[SmsTemplate]:
    return list(SmsTemplate.objects.order_by("code", "-effective_from"))


_templates = TimedCopy(_templates_load)


def templates_in_force(*, on) -> dict[str, SmsTemplate]:
    """Each kind's version in force on day `on` (disabled ones included: they switch a kind off)."""
    chosen: dict[str, SmsTemplate] = {}
    for template in _templates.get():
        if template.effective_from <= on and template.code not in chosen:
            chosen[template.code] = template
    return chosen


def _condition_holds(condition: dict, data: dict) -> bool:
    return all(data.get(name) == value for name, value in (condition or {}).items())


def sms_recipient(case) -> str | None:
    """The mobile number a case's messages go to, or None: an anonymous reporter, a complainant who
    asked for no SMS, and a landline get none."""
    if case.anonymous or case.sms_opt_out:
        return None
    phone = (case.complainant_phone or "").strip()
    return phone if MOBILE_PATTERN.match(phone) else None


def _message_build(*, case, event, template: SmsTemplate, phone: str, sms_settings, key: str) -> SmsMessage:
    params = params_resolve(parameters=template.parameters, case=case, event=event)
    return SmsMessage(
        case=case, event_id=event.pk if event is not None else None, template=template, kind=template.code,
        key=key, phone=phone, sign_name=sms_settings.sign_name, template_code=template.template_code, params=params,
        text=template_render(text=template.text, params=params),
    )


def sms_enqueue(*, event) -> list[SmsMessage]:
    """The messages a history row owes the complainant, written now, sent after commit."""
    return sms_enqueue_many(events=[event])


def sms_enqueue_many(*, events) -> list[SmsMessage]:
    """sms_enqueue for many rows (a batch's registrations): one INSERT, one callback after commit."""
    messages = []
    for event in events:
        # A sensitive case's reply goes out with the director's approval (complaints/outward.py).
        actions = outward_actions(event)
        matching = [t for t in templates_in_force(on=local_date(event.at)).values()
                    if t.action in actions and t.enabled
                    and _condition_holds(t.condition, outward_data(event, t.action))]
        matching.sort(key=lambda t: actions.index(t.action))  # the reply's message before the invitation
        if not matching:
            continue
        case = event.case
        phone = sms_recipient(case)
        if phone is None:
            continue
        sms_settings = SmsSettings.cached()
        if not sms_settings.enabled:
            continue
        messages += [_message_build(case=case, event=event, template=template, phone=phone,
                                    sms_settings=sms_settings, key=f"{event.pk}:{template.code}:{phone}")
                     for template in matching]
    if not messages:
        return []
    messages = SmsMessage.objects.bulk_create(messages)
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: sms_send_later(ids))
    return messages


@transaction.atomic
def sms_receipt_send(*, case, by) -> SmsMessage:
    """The clerk sends the receipt (case number and query code) from the intake confirmation. The
    receipt of the case's registration is the same message: a second request sends it again once
    it has left, and changes nothing while it is still queued (a double click sends one)."""
    phone = sms_recipient(case)
    if phone is None:
        raise ApplicationError(_("该工单不发送短信（匿名举报、投诉人不接收短信或没有手机号码）。"))
    existing = (SmsMessage.objects.select_for_update().filter(case=case, kind=RECEIPT_KIND, phone=phone)
                .order_by("-id").first())
    if existing is not None:
        return sms_resend(message=existing, by=by) if existing.status != SmsMessage.Status.QUEUED else existing
    template = templates_in_force(on=local_date(timezone.now())).get(RECEIPT_KIND)
    if template is None or not template.enabled:
        raise ApplicationError(_("受理回执短信模板未启用，请在管理后台设置。"))
    message = _message_build(case=case, event=None, template=template, phone=phone,
                             sms_settings=SmsSettings.cached(), key=f"receipt:{case.pk}:{phone}")
    message.resent_by, message.resent_at = by, timezone.now()
    message.save(force_insert=True)
    transaction.on_commit(lambda: sms_send_later([message.pk]))
    return message


@transaction.atomic
def sms_resend(*, message: SmsMessage, by) -> SmsMessage:
    """Send a message again on the center's request (the complainant lost it, or it failed): the
    same row starts a fresh series of attempts, so the case keeps one record per message."""
    now = timezone.now()
    updated = SmsMessage.objects.filter(pk=message.pk).exclude(status=SmsMessage.Status.QUEUED).update(
        status=SmsMessage.Status.QUEUED, attempts=0, next_attempt_at=now, claimed_until=None, last_error="",
        gateway_id="", sent_at=None, delivered_at=None, resent_by=by, resent_at=now,
    )
    message.refresh_from_db()
    if updated:
        transaction.on_commit(lambda: sms_send_later([message.pk]))
    return message


# While the broker is unreachable, intake should not wait on it for every message: after a failed
# publish this process stops trying for a while and leaves the rows to the beat sweep.
BROKER_PAUSE_SECONDS = 30
_broker_down_until = 0.0


def sms_send_later(ids: list[int]) -> None:
    global _broker_down_until
    if not ids or time.monotonic() < _broker_down_until:
        return
    from .tasks import sms_deliver_task  # the tasks module imports this one

    try:
        for message_id in ids:
            sms_deliver_task.delay(message_id)
    except Exception:  # broker down: the rows stay queued and the beat sweep sends them
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("SMS %s not queued; the catch-up sweep will send them", ids, exc_info=True)
