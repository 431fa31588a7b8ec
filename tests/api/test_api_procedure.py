"""The statutory track over the API: each decision is an action answering the case with its
decisions, bad grounds answer 400 naming the field, a second decision 409; the originating system is
told by webhook (case.accepted, case.not_accepted, case.mediation_ended, case.report_decided)."""
import pytest
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Case
from integration.models import WebhookDelivery
from integration.services import external_cases_register
from integration.webhooks import webhook_deliver
from tests.api.conftest import user_client
from tests.api.payloads import work_order
from tests.complaints import journeys
from tests.complaints.procedure_support import REPORT, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_june():
    with at(2026, 6, 1, 9, 0):
        yield


def _url(case, action):
    return f"/api/v1/cases/{case.number}/{action.replace('_', '-')}/"


@pytest.fixture
def filed(org, hotline, webhook_receiver):
    """A complaint the 12345 platform filed, signed for by the station; deliveries so far cleared."""
    hotline.system.webhook_url = webhook_receiver.url
    hotline.system.save()
    number = hotline.client.post("/api/v1/cases/", work_order(), format="json").json()["number"]
    external_cases_register()
    case = services.case_dispatch(case=Case.objects.get(number=number), unit=org.station, by=org.supervisor)
    case = services.case_accept(case=case, by=org.handler)
    WebhookDelivery.objects.all().delete()
    return case


def _delivered(webhook_receiver, event):
    delivery = WebhookDelivery.objects.get(event=event)
    webhook_deliver(delivery_id=delivery.pk)
    return next(call["json"] for call in webhook_receiver.calls if call["json"]["event"] == event)


def test_acceptance_and_mediation_over_the_api_are_told_to_the_platform(org, station_tool, filed, webhook_receiver):
    response = station_tool.client.post(_url(filed, "legal_accept"), {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["acceptance"] == "accepted" and body["legal_basis"] == "order_121"
    assert body["decisions"][0]["outcome"] == "accepted"
    assert _delivered(webhook_receiver, "case.accepted")["data"]["decision"] == "accepted"

    again = station_tool.client.post(_url(filed, "legal_accept"), {}, format="json")
    assert again.status_code == 409

    bad = station_tool.client.post(_url(filed, "mediation"), {"outcome": "terminated", "ground": "no_such"},
                                   format="json")
    assert bad.status_code == 400 and "ground" in bad.json()
    response = station_tool.client.post(_url(filed, "mediation"), {
        "outcome": "agreement", "amount_recovered": "2000.00", "agreement_text": "健身房退还余额2000元"},
        format="json")
    assert response.status_code == 200, response.content
    assert response.json()["amount_recovered"] == "2000.00" and response.json()["mediation_outcome"] == "agreement"
    payload = _delivered(webhook_receiver, "case.mediation_ended")
    assert payload["data"]["outcome"] == "agreement" and payload["data"]["amount_recovered"] == "2000.00"
    assert payload["reference"] == "GD-2026-0001"


def test_a_refusal_over_the_api_carries_the_ground_and_its_notice(org, station_tool, filed, webhook_receiver):
    response = station_tool.client.post(_url(filed, "not_accept"), {"ground": "improper_gain"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "not_accepted" and body["decisions"][0]["ground"] == "improper_gain"
    payload = _delivered(webhook_receiver, "case.not_accepted")
    assert payload["data"]["ground"] == "improper_gain" and "不正当利益" in payload["note"]


def test_an_unknown_ground_is_refused_naming_the_field(org, station_tool, filed):
    response = station_tool.client.post(_url(filed, "not_accept"), {"ground": "in_petition"}, format="json")
    assert response.status_code == 400 and "ground" in response.json()
    assert Case.objects.get(pk=filed.pk).state == "handling"


def test_a_report_decision_over_the_api(org, webhook_receiver, hotline):
    hotline.system.webhook_url = webhook_receiver.url
    hotline.system.save()
    number = hotline.client.post("/api/v1/cases/", work_order(reference="GD-2026-0002", **REPORT),
                                 format="json").json()["number"]
    external_cases_register()
    report = Case.objects.get(number=number)
    client = user_client(org.supervisor)  # the center decides while it keeps the case
    response = client.post(_url(report, "report_decide"), {"opened": False, "ground": "minor_corrected"},
                           format="json")
    assert response.status_code == 200, response.content
    assert response.json()["report_decision"] == "not_opened"
    assert {c["clock"] for c in response.json()["clocks"] if c["stopped_at"] is None} >= {"statutory_report_notice"}
    payload = _delivered(webhook_receiver, "case.report_decided")
    assert payload["data"]["decision"] == "not_opened"


def test_repeat_and_merge_over_the_api_name_cases_the_caller_sees(org):
    earlier = journeys.to_registered(org, **REPORT)
    again = journeys.to_registered(org, **{**REPORT, "complainant_phone": "13600136000"})
    client = user_client(org.supervisor)
    missing = client.post(_url(again, "report_repeat"), {"earlier": "2026060100999"}, format="json")
    assert missing.status_code == 400 and "earlier" in missing.json()
    response = client.post(_url(again, "report_repeat"), {"earlier": earlier.number}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "not_processed"
    assert response.json()["decisions"][0]["related_case"] == earlier.number

    follower = journeys.to_registered(org, **{**REPORT, "complainant_phone": "13500135000"})
    response = client.post(_url(earlier, "merge"), {"followers": [follower.number]}, format="json")
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=follower.pk).merged_into_id == earlier.pk


def test_the_schema_lists_the_statutory_actions(db):
    paths = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for action in ("legal-accept", "not-accept", "mediation", "report-decide", "report-repeat", "merge",
                   "decision-notice"):
        assert f"/api/v1/cases/{{number}}/{action}/" in paths
