"""Sending a webhook holds no transaction or row lock while the receiver takes its time; the beat
sweep fans out one task per delivery on the outbound queue, apart from the deadline sweep's."""
import http.server
import threading
from datetime import timedelta

import pytest
from amqp.exceptions import ChannelError
from django.db import connections
from django.utils import timezone

from complaints import services
from complaints.models import Case
from complaints.services.signoff import case_refer_reply
from integration.models import WebhookDelivery
from integration.services import external_cases_register
from integration.tasks import webhooks_retry_task
from integration.webhooks import webhook_deliver
from routing.models import User
from tests.api.payloads import work_order
from tests.factories import UserFactory

REPLY = "经调查，商家已同意退还预付卡余额，投诉人无异议。"


class _LockProbe(http.server.BaseHTTPRequestHandler):
    """While answering, tries to lock the delivery row from another database connection."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers["Content-Length"]))
        delivery_id = int(self.headers["X-Webhook-Id"])
        try:
            with connections["default"].cursor() as cursor:  # this thread's own connection
                cursor.execute("SELECT id FROM complaints_webhookdelivery WHERE id = %s FOR UPDATE NOWAIT",
                               [delivery_id])
                cursor.fetchone()
            self.server.lock_free.append(True)
        except Exception as exc:  # a lock held by the sender: "could not obtain lock"
            self.server.lock_free.append(f"{exc.__class__.__name__}: {exc}")
        finally:
            connections["default"].close()
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def probe():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LockProbe)
    server.lock_free = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield server
    server.shutdown()
    server.server_close()


def _replied_case(org, hotline, url, *, sensitive=False):
    hotline.system.webhook_url = url
    hotline.system.save()
    number = hotline.client.post("/api/v1/cases/", work_order(), format="json").json()["number"]
    external_cases_register()
    WebhookDelivery.objects.filter(event="case.registered").delete()
    Case.objects.filter(number=number).update(sensitive=sensitive)  # 舆情敏感: the reply needs 报批
    case = Case.objects.get(number=number)
    case = services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    case = services.case_accept(case=case, by=org.handler)
    services.case_record_contact(case=case, by=org.handler, means="phone", content="已电话联系投诉人")
    return services.case_reply(case=Case.objects.get(pk=case.pk), by=org.handler, text=REPLY)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_row_is_not_locked_while_the_receiver_answers(org, hotline, probe):
    _replied_case(org, hotline, probe.url)
    delivery = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert probe.lock_free == [True]
    assert delivery.status == "delivered" and delivery.claimed_until is None


@pytest.mark.django_db
def test_a_claimed_delivery_is_left_to_its_worker(org, hotline, webhook_receiver):
    _replied_case(org, hotline, webhook_receiver.url)
    delivery = WebhookDelivery.objects.get()
    # Another worker claimed it a moment ago and is sending it now.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() + timedelta(seconds=30))
    assert webhook_deliver(delivery_id=delivery.pk) is None
    assert webhook_receiver.calls == []
    # That worker died: once its lease ends the delivery is sent again.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert webhook_deliver(delivery_id=delivery.pk).status == "delivered"
    assert len(webhook_receiver.calls) == 1


@pytest.mark.django_db
def test_the_retry_sweep_queues_one_task_per_due_delivery_on_the_outbound_queue(org, hotline, webhook_receiver):
    from config.celery import app

    _replied_case(org, hotline, webhook_receiver.url)
    due = WebhookDelivery.objects.get()
    later = WebhookDelivery.objects.create(system=due.system, case=due.case, event="case.archived",
                                           payload={"event": "case.archived"},
                                           next_attempt_at=timezone.now() + timedelta(minutes=10))
    WebhookDelivery.objects.filter(pk=due.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with app.connection_for_read() as conn:
        outbound = conn.SimpleQueue("outbound")
        _drain(outbound)  # whatever earlier tests queued (notification mail goes there too)
        assert webhooks_retry_task() == 1
        sent = [message for message in _drain(outbound)
                if message.headers["task"] == "complaints.tasks.webhook_deliver_task"]
        outbound.close()
    # One message for the due delivery, none for the one whose backoff runs.
    assert [(message.payload[0], message.payload[1]) for message in sent] == [([due.pk], {"due_only": True})]
    assert webhook_receiver.calls == []  # the sweep itself sends nothing
    assert WebhookDelivery.objects.get(pk=later.pk).attempts == 0


def _deliver_all() -> list[str]:
    for delivery in WebhookDelivery.objects.filter(status="pending").order_by("pk"):
        webhook_deliver(delivery_id=delivery.pk)
    return list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))


@pytest.mark.django_db
def test_a_sensitive_reply_reaches_the_platform_only_once_the_director_approves_it(
        org, hotline, webhook_receiver):
    director = UserFactory(username="director", unit=org.center, role=User.Role.DIRECTOR)
    case = _replied_case(org, hotline, webhook_receiver.url, sensitive=True)
    case = case_refer_reply(case=case, by=org.supervisor, note="涉及网络舆情，请主任审批")
    assert _deliver_all() == [] and webhook_receiver.calls == []  # submitted and referred: nothing yet
    services.case_approve_reply(case=Case.objects.get(pk=case.pk), by=director)
    assert _deliver_all() == ["case.replied"]
    [call] = webhook_receiver.calls
    assert call["json"]["event"] == "case.replied" and call["json"]["note"] == REPLY
    assert call["json"]["case"] == case.number


@pytest.mark.django_db
def test_a_sensitive_reply_sent_back_never_reaches_the_platform(org, hotline, webhook_receiver):
    case = _replied_case(org, hotline, webhook_receiver.url, sensitive=True)
    services.case_return_for_redo(case=case, by=org.supervisor, reason="答复口径须经主任审定后重写")
    # Neither the reply nor its redo: the platform never had a reply to take back.
    assert _deliver_all() == [] and webhook_receiver.calls == []


@pytest.mark.django_db
def test_an_ordinary_reply_still_reaches_the_platform_when_the_unit_replies(org, hotline, webhook_receiver):
    _replied_case(org, hotline, webhook_receiver.url)
    assert _deliver_all() == ["case.replied"]
    assert webhook_receiver.calls[0]["json"]["note"] == REPLY


def _drain(queue) -> list:
    messages = []
    while True:
        try:
            message = queue.get(timeout=0.5)
        except (queue.Empty, ChannelError):  # ChannelError: no such queue yet, so nothing in it
            return messages
        message.ack()
        messages.append(message)
