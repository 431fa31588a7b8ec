"""Webhooks to the originating system: written with the change (outbox), signed, retried with
backoff, recorded, listable and replayable; a broker outage or a crash loses none."""
import hashlib
import hmac
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from complaints import services
from complaints.models import Case
from integration.models import WebhookDelivery
from integration.services import external_cases_register
from integration.webhooks import MAX_ATTEMPTS, webhook_deliver, webhooks_retry_due
from tests.api.conftest import system_create
from tests.api.payloads import work_order
from tests.complaints import journeys

REPLY = "经调查,商家已同意退还预付卡余额,投诉人无异议。"


@pytest.fixture
def filed(org, hotline, webhook_receiver):
    """A case the 12345 platform filed, now being handled by the station."""
    hotline.system.webhook_url = webhook_receiver.url
    hotline.system.save()
    number = hotline.client.post("/api/v1/cases/", work_order(), format="json").json()["number"]
    external_cases_register()  # what the worker does moments after the create
    # The registration is reported too (test_api_case_registration); these tests follow what comes after.
    WebhookDelivery.objects.filter(event="case.registered").delete()
    case = Case.objects.get(number=number)
    case = services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    case = services.case_accept(case=case, by=org.handler)
    services.case_record_contact(case=case, by=org.handler, means="phone", content="已联系")
    return case


def _reply(org, case):
    return services.case_reply(case=case, by=org.handler, text=REPLY)


def test_a_reply_writes_one_delivery_for_the_originating_system(org, hotline, filed):
    assert not WebhookDelivery.objects.exists()  # dispatch, accept and contact are not reported
    _reply(org, filed)
    delivery = WebhookDelivery.objects.get()
    assert delivery.system == hotline.system and delivery.event == "case.replied"
    assert delivery.status == "pending"
    assert delivery.payload["reference"] == "GD-2026-0001" and delivery.payload["state"] == "replied"


def test_cases_not_filed_by_a_system_send_nothing(org):
    journeys.to_replied(org)
    assert not WebhookDelivery.objects.exists()


def test_the_delivery_is_part_of_the_transition_transaction(org, filed):
    with pytest.raises(RuntimeError), transaction.atomic():
        _reply(org, filed)
        raise RuntimeError("crash before commit")
    assert not WebhookDelivery.objects.exists()
    assert Case.objects.get(pk=filed.pk).state == "handling"


def test_return_extension_and_archive_are_reported(org, hotline, webhook_receiver):
    hotline.system.webhook_url = webhook_receiver.url
    hotline.system.save()
    number = hotline.client.post("/api/v1/cases/", work_order(), format="json").json()["number"]
    external_cases_register()
    case = services.case_dispatch(case=Case.objects.get(number=number), unit=org.station, by=org.supervisor)
    services.case_return(case=case, by=org.handler, reason="不属本所辖区")
    case = services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    case = services.case_accept(case=case, by=org.handler)
    services.case_request_extension(case=case, by=org.handler, days=5, reason="需检测")
    services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    services.case_record_contact(case=case, by=org.handler, means="phone", content="已联系")
    _reply(org, case)
    services.case_approve_reply(case=case, by=org.supervisor)
    services.case_follow_up(case=case, by=org.supervisor, satisfaction="satisfied", resolved=True)
    services.case_archive(case=case, by=org.supervisor)
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))
    assert events == ["case.registered", "case.returned", "case.extended", "case.replied", "case.archived"]


def test_a_refused_extension_is_not_reported(org, filed):
    services.case_request_extension(case=filed, by=org.handler, days=5, reason="需检测")
    services.case_decide_extension(case=filed, by=org.supervisor, approve=False)
    assert not WebhookDelivery.objects.exists()


def test_delivery_is_signed_and_recorded(org, hotline, filed, webhook_receiver):
    _reply(org, filed)
    delivery = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert delivery.status == "delivered" and delivery.response_code == 200 and delivery.attempts == 1
    call = webhook_receiver.calls[0]
    timestamp = call["headers"]["X-Webhook-Timestamp"]
    expected = hmac.new(hotline.system.webhook_secret.encode(), timestamp.encode() + b"." + call["body"],
                        hashlib.sha256).hexdigest()
    assert call["headers"]["X-Webhook-Signature"] == f"sha256={expected}"
    assert call["json"]["event"] == "case.replied" and call["json"]["case"] == filed.number
    # Delivered once is delivered: another attempt sends nothing.
    assert webhook_deliver(delivery_id=delivery.pk) is None
    assert len(webhook_receiver.calls) == 1


def test_failures_are_retried_with_growing_backoff_then_given_up(org, filed, webhook_receiver):
    webhook_receiver.status = 503
    _reply(org, filed)
    delivery_id = WebhookDelivery.objects.get().pk
    delays = []
    for _attempt in range(MAX_ATTEMPTS):
        before = timezone.now()
        delivery = webhook_deliver(delivery_id=delivery_id)
        if delivery.next_attempt_at:
            delays.append((delivery.next_attempt_at - before).total_seconds())
    assert delivery.status == "failed" and delivery.attempts == MAX_ATTEMPTS and delivery.response_code == 503
    assert delays[0] == pytest.approx(30, abs=2) and delays[1] == pytest.approx(60, abs=2)
    assert delays == sorted(delays) and max(delays) <= 6 * 3600 + 2


def test_the_sweep_sends_only_due_deliveries(org, filed, webhook_receiver):
    _reply(org, filed)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert webhooks_retry_due() == 0 and webhook_receiver.calls == []
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert webhooks_retry_due() == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_broker_outage_loses_nothing(org, filed, webhook_receiver, django_capture_on_commit_callbacks):
    with mock.patch("integration.tasks.webhook_deliver_task.delay", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case = _reply(org, filed)
    assert callbacks  # the send was attempted after commit and failed quietly
    assert Case.objects.get(pk=case.pk).state == "replied"
    assert WebhookDelivery.objects.get().status == "pending"
    # A worker that never got the message: the beat sweep finds the row and sends it.
    assert webhooks_retry_due() == 1
    assert webhook_receiver.calls[0]["json"]["event"] == "case.replied"


def test_after_commit_the_delivery_is_queued(org, filed, django_capture_on_commit_callbacks):
    with mock.patch("integration.tasks.webhook_deliver_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            _reply(org, filed)
    delay.assert_called_once_with(WebhookDelivery.objects.get().pk)


def test_the_beat_schedule_retries_webhooks():
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "complaints.tasks.webhooks_retry_task" in entries


def test_every_beat_entry_and_queued_message_names_a_registered_task():
    """The integration tasks moved out of complaints.tasks under the names they had there: the beat
    schedule and messages already queued before an upgrade still find them."""
    from config.celery import app
    from integration.tasks import external_cases_register_task, webhook_deliver_task, webhooks_retry_task

    app.loader.import_default_modules()
    assert {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} <= set(app.tasks)
    assert [app.tasks[name] for name in ("complaints.tasks.webhook_deliver_task",
                                        "complaints.tasks.webhooks_retry_task",
                                        "complaints.tasks.external_cases_register_task")] == \
        [webhook_deliver_task, webhooks_retry_task, external_cases_register_task]


def test_a_system_lists_and_replays_its_deliveries(org, hotline, filed, webhook_receiver):
    _reply(org, filed)
    delivery = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    listed = hotline.client.get("/api/v1/webhooks/deliveries/").json()["results"]
    assert [(d["id"], d["status"], d["case"]) for d in listed] == [(delivery.pk, "delivered", filed.number)]

    other = system_create(code="other", user=org.clerk)
    assert other.client.get("/api/v1/webhooks/deliveries/").json()["results"] == []
    assert other.client.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/replay/").status_code == 404

    response = hotline.client.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/replay/")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    webhooks_retry_due()
    assert len(webhook_receiver.calls) == 2
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_declined_work_order_is_reported(org, hotline, webhook_receiver):
    from complaints.models import DeclineReason

    hotline.system.webhook_url = webhook_receiver.url
    hotline.system.save()
    number = hotline.client.post("/api/v1/cases/", work_order(demand=""), format="json").json()["number"]
    services.case_decline(case=Case.objects.get(number=number), by=org.clerk,
                          reason=DeclineReason.objects.get(code="in_petition"))
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "case.declined" and delivery.payload["data"]["reason"] == "in_petition"


def test_every_send_of_one_delivery_carries_the_same_webhook_id(org, hotline, filed, webhook_receiver):
    # Delivery is at least once: a call the receiver handled may come again (its answer was lost, a
    # worker died before recording it, the system asked for a replay). The id lets it deduplicate.
    webhook_receiver.status = 500  # handled, but the answer says otherwise
    _reply(org, filed)
    delivery_id = WebhookDelivery.objects.get().pk
    webhook_deliver(delivery_id=delivery_id)
    webhook_receiver.status = 200
    webhook_deliver(delivery_id=delivery_id)  # the retry
    hotline.client.post(f"/api/v1/webhooks/deliveries/{delivery_id}/replay/")
    webhooks_retry_due()

    assert len(webhook_receiver.calls) == 3
    assert {call["headers"]["X-Webhook-Id"] for call in webhook_receiver.calls} == {str(delivery_id)}
    assert len({call["body"] for call in webhook_receiver.calls}) == 1  # the same event, byte for byte

    # Another event of the case is another delivery, with an id of its own.
    case = Case.objects.get(pk=filed.pk)
    services.case_return_for_redo(case=case, by=org.supervisor, reason="答复不完整")
    webhooks_retry_due()
    assert webhook_receiver.calls[-1]["headers"]["X-Webhook-Id"] != str(delivery_id)
