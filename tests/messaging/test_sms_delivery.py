"""Delivery through the gateway: signed requests, retries with backoff after a gateway failure, a
permanent refusal, a broker outage caught up by the sweep, one worker per message, delivery reports,
phones masked in the log."""
import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Case
from messaging import outbox
from messaging.backends import aliyun_signature
from messaging.delivery import MAX_ATTEMPTS, sms_claim, sms_deliver, sms_send_due
from messaging.models import SmsMessage
from messaging.tasks import sms_send_due_task
from tests.complaints.journeys import to_registered

pytestmark = pytest.mark.django_db

PHONE = "13802261234"
FIELDS = {"complainant_name": "陈志强", "complainant_phone": PHONE, "respondent_name": "江门市新会区某电器商行",
          "facts": "购买的空调安装一周后不制冷，商家拒绝维修。", "demand": "要求更换空调。"}


def _queued(org) -> SmsMessage:
    to_registered(org, **FIELDS)  # no commit callbacks run: the message waits in the outbox
    return SmsMessage.objects.get()


def _due_now(message):
    SmsMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_the_signature_matches_alibaba_clouds_documented_example():
    # The worked example of Alibaba Cloud's SMS documentation (SendSms, GET, secret "testSecret").
    params = {
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
        "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
    }
    assert aliyun_signature(params=params, secret="testSecret", method="GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_a_request_with_the_wrong_secret_is_refused_by_the_gateway(org, gateway, settings):
    settings.SMS_ACCESS_KEY_SECRET = "not-the-secret"
    message = sms_deliver(message_id=_queued(org).pk)
    assert message.status == SmsMessage.Status.QUEUED and "SignatureDoesNotMatch" in message.last_error
    assert gateway.received == []


def test_a_gateway_failure_is_retried_with_growing_backoff(org, gateway):
    gateway.fail_next("http500", "throttle")
    message = _queued(org)
    before = timezone.now()
    first = sms_deliver(message_id=message.pk)
    assert first.status == SmsMessage.Status.QUEUED and "isp.SYSTEM_ERROR" in first.last_error
    assert (first.next_attempt_at - before).total_seconds() == pytest.approx(30, abs=3)
    # Not due yet: neither the sweep nor a task sends it early.
    assert sms_send_due() == 0 and sms_deliver(message_id=message.pk) is None
    _due_now(message)
    before = timezone.now()
    second = sms_deliver(message_id=message.pk)
    assert "isv.BUSINESS_LIMIT_CONTROL" in second.last_error
    assert (second.next_attempt_at - before).total_seconds() == pytest.approx(60, abs=3)
    _due_now(message)
    assert sms_send_due() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT and message.attempts == 3 and message.last_error == ""
    assert len(gateway.received) == 1


def test_a_gateway_that_stays_down_ends_in_failed(org, gateway):
    message = _queued(org)
    gateway.stop()  # connections refused from now on
    for _attempt in range(MAX_ATTEMPTS):
        _due_now(message)
        result = sms_deliver(message_id=message.pk)
    assert result.status == SmsMessage.Status.FAILED and result.attempts == MAX_ATTEMPTS
    assert "URLError" in result.last_error
    assert sms_send_due() == 0


def test_a_number_the_gateway_refuses_for_good_fails_at_once(org, gateway):
    gateway.fail_next("refuse")
    message = sms_deliver(message_id=_queued(org).pk)
    assert message.status == SmsMessage.Status.FAILED and message.attempts == 1
    assert "isv.MOBILE_NUMBER_ILLEGAL" in message.last_error


def test_a_broker_outage_loses_nothing_and_the_sweep_catches_up(org, gateway, broker_down,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = to_registered(org, **FIELDS)
        second = to_registered(org, **{**FIELDS, "complainant_phone": "13802265678"})
    assert callbacks  # the publish was tried after commit, failed, and intake went on
    assert outbox._broker_down_until > 0  # ... and this process stopped trying for a while
    assert Case.objects.get(pk=case.pk).state == Case.State.REGISTERED
    assert Case.objects.get(pk=second.pk).state == Case.State.REGISTERED
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {"queued"}
    assert gateway.received == []
    # The beat entry, run as the worker runs it once the broker is back, sends both.
    assert sms_send_due_task.apply().get() == 2
    assert sorted(r.params["PhoneNumbers"] for r in gateway.received) == ["13802261234", "13802265678"]
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_claimed_message_is_not_sent_by_a_second_worker(org, gateway):
    message = _queued(org)
    assert sms_claim(message_id=message.pk) is not None  # worker A is talking to the gateway
    assert sms_deliver(message_id=message.pk) is None  # worker B (or the sweep) leaves it alone
    assert sms_send_due() == 0 and gateway.received == []
    # Worker A died: once its claim has run out the message is sent (once).
    SmsMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert sms_send_due() == 1 and len(gateway.received) == 1


def test_delivery_reports_mark_messages_delivered_or_failed(org, gateway, client, settings):
    settings.SMS_REPORT_TOKEN = "rpt-7f3a9c"
    delivered = sms_deliver(message_id=_queued(org).pk)
    to_registered(org, **{**FIELDS, "complainant_phone": "13802265678"})
    failed = sms_deliver(message_id=SmsMessage.objects.get(phone="13802265678").pk)
    reports = [
        {"phone_number": PHONE, "send_time": "2026-12-02 09:00:00", "report_time": "2026-12-02 09:00:03",
         "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1",
         "biz_id": delivered.gateway_id, "out_id": str(delivered.pk)},
        {"phone_number": "13802265678", "send_time": "2026-12-02 09:00:00", "report_time": "2026-12-02 09:00:05",
         "success": False, "err_code": "MK:0001", "err_msg": "用户关机", "sms_size": "1",
         "biz_id": failed.gateway_id, "out_id": str(failed.pk)},
    ]
    assert client.post("/messaging/sms/reports/wrong/", json.dumps(reports), content_type="application/json"
                       ).status_code == 404
    response = client.post("/messaging/sms/reports/rpt-7f3a9c/", json.dumps(reports), content_type="application/json")
    assert response.status_code == 200 and response.json() == {"code": 0, "msg": "成功"}
    delivered.refresh_from_db()
    failed.refresh_from_db()
    assert delivered.status == SmsMessage.Status.DELIVERED and delivered.delivered_at is not None
    assert failed.status == SmsMessage.Status.FAILED and "用户关机" in failed.last_error


def test_phones_are_masked_in_the_log(org, gateway, caplog):
    gateway.fail_next("throttle")
    with caplog.at_level(logging.INFO, logger="messaging"):
        message = _queued(org)
        sms_deliver(message_id=message.pk)
        _due_now(message)
        sms_deliver(message_id=message.pk)
    text = caplog.text
    assert "138****1234" in text and PHONE not in text
