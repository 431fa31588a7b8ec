"""The case page's SMS panel (status per message, the center's resend), the receipt by SMS from the
intake confirmation, and the printable receipt."""
import pytest

from messaging.delivery import sms_send_due
from messaging.models import SmsMessage
from tests.complaints.journeys import to_registered

pytestmark = pytest.mark.django_db

FIELDS = {"complainant_name": "黄丽华", "complainant_phone": "13727031234", "respondent_name": "江门市江海区某健身会所",
          "facts": "健身会所闭店，会员卡余额2600元未退。", "demand": "要求退还会员卡余额。"}


def _page(client, user, case):
    client.force_login(user)
    return client.get(f"/cases/{case.number}/").content.decode()


def test_the_case_page_shows_each_message_and_its_status(org, gateway, client):
    case = to_registered(org, **FIELDS)
    page = _page(client, org.supervisor, case)
    assert 'id="sms"' in page and "登记回执" in page and "待发送" in page and "137****1234" in page
    assert "13727031234</" not in page.split('id="sms"')[1].split("</section>")[0]
    sms_send_due()
    page = _page(client, org.supervisor, case)
    assert "已发送" in page and case.number in page.split('id="sms"')[1]


def test_the_center_resends_a_message(org, gateway, client):
    case = to_registered(org, **FIELDS)
    sms_send_due()
    message = SmsMessage.objects.get()
    assert "重新发送" in _page(client, org.supervisor, case)
    response = client.post(f"/cases/{case.number}/sms/{message.pk}/resend/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.QUEUED and message.resent_by == org.supervisor
    sms_send_due()
    assert len(gateway.received) == 2 and SmsMessage.objects.get().status == SmsMessage.Status.SENT


def test_only_the_center_resends(org, gateway, client):
    case = to_registered(org, **FIELDS)
    sms_send_due()
    message = SmsMessage.objects.get()
    client.force_login(org.district_supervisor)
    assert client.post(f"/cases/{case.number}/sms/{message.pk}/resend/").status_code in (403, 404)
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT


def test_the_clerk_sends_the_receipt_from_the_confirmation(org, gateway, client):
    client.force_login(org.clerk)
    response = client.post("/cases/new/", {
        "kind": "complaint", "channel": "visit", "grade": "general", "complainant_type": "individual",
        "incident_time": "2026年11月28日", "incident_place": "江门市江海区五邑路88号", "submit": "register",
        **FIELDS})
    assert response.status_code == 302
    confirmation = client.get(response["Location"]).content.decode()
    # The confirmation offers the print and the SMS; the registration's receipt is already queued.
    assert 'id="receipt-print"' in confirmation and 'id="sms-receipt"' in confirmation
    assert "再次发送回执短信" in confirmation and "待发送" in confirmation
    number = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    # The registration's receipt is still queued: the button changes nothing (a double click sends one).
    client.post(f"/cases/{number}/sms/receipt/")
    assert SmsMessage.objects.count() == 1
    sms_send_due()
    # Once it has left, the button sends it again (the complainant did not get it).
    response = client.post(f"/cases/{number}/sms/receipt/", follow=True)
    assert "回执短信已排队发送至 137****1234" in response.content.decode()
    sms_send_due()
    assert [r.template_param["number"] for r in gateway.received] == [number, number]


def test_a_received_case_gets_its_receipt_by_hand(org, gateway, client):
    case = to_registered(org, register=False, **{**FIELDS, "demand": ""})
    assert not SmsMessage.objects.exists()  # no registration, no automatic receipt
    client.force_login(org.clerk)
    client.post(f"/cases/{case.number}/sms/receipt/")
    sms_send_due()
    assert gateway.received[0].template_param["code"] == case.query_code


def test_no_receipt_by_sms_for_an_opted_out_complainant(org, gateway, client):
    case = to_registered(org, sms_opt_out=True, **FIELDS)
    page = _page(client, org.clerk, case)
    assert "投诉人选择不接收短信" in page and 'id="sms-receipt"' not in page
    response = client.post(f"/cases/{case.number}/sms/receipt/", follow=True)
    assert "该工单不发送短信" in response.content.decode()
    assert not SmsMessage.objects.exists()


def test_the_printed_receipt_has_the_number_and_query_code(org, client):
    case = to_registered(org, **FIELDS)
    client.force_login(org.clerk)
    page = client.get(f"/cases/{case.number}/receipt/").content.decode()
    assert case.number in page and case.query_code in page and "投诉举报受理回执" in page
    assert "http://localhost:8000/track/" in page
    client.force_login(org.handler)  # a handling unit registers nothing and prints no receipts
    assert client.get(f"/cases/{case.number}/receipt/").status_code in (403, 404)


def test_the_intake_form_records_an_opt_out(org, client):
    client.force_login(org.clerk)
    assert "不接收短信" in client.get("/cases/new/").content.decode()
    client.post("/cases/new/", {
        "kind": "complaint", "channel": "phone", "grade": "general", "complainant_type": "individual",
        "incident_time": "2026年11月28日", "incident_place": "江门市江海区五邑路88号", "submit": "register",
        "sms_opt_out": "on", **FIELDS})
    assert SmsMessage.objects.count() == 0
