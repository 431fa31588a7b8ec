"""No typed input breaks a page: event times within range and the case's timeline, ids that look like
digits but are not, NUL characters, texts longer than their column (complaints/inputs.py)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.inputs import typed_id
from complaints.models import Case
from tests.api.conftest import user_client
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def contact(client, case, contacted_at):
    return client.post(f"/cases/{case.number}/act/contact/", {
        "version": case.version, "contact-means": "phone", "contact-content": "已电话联系",
        "contact-contacted_at": contacted_at,
    })


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_contact_time_out_of_range_is_a_field_error_keeping_what_was_typed(client, org, typed):
    case = journeys.to_handling(org, contacted=False)
    client.force_login(org.handler)
    response = contact(client, case, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert typed in html
    assert "时间不能" in html
    case.refresh_from_db()
    assert case.contacted_at is None
    assert client.get(f"/cases/{case.number}/").status_code == 200


def test_a_contact_time_before_the_receipt_is_refused_and_the_clock_keeps_running(client, org):
    case = journeys.to_handling(org, contacted=False)
    before = timezone.localtime(case.received_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(org.handler)
    response = contact(client, case, before)
    assert response.status_code == 400
    assert "不能早于工单接收时间" in response.content.decode()
    assert Case.objects.get(pk=case.pk).contacted_at is None


def test_a_contact_time_in_range_is_stored(client, org):
    case = journeys.to_handling(org, contacted=False)
    client.force_login(org.handler)
    # Typed to the minute, one ahead of the receipt's: within the allowance for a fast clock.
    typed = (timezone.localtime() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    assert contact(client, case, typed).status_code == 302
    assert Case.objects.get(pk=case.pk).contacted_at is not None


@pytest.mark.parametrize("typed", ["0001-01-01T00:00:00Z", "2999-01-01T00:00:00+08:00"])
def test_the_api_refuses_a_contact_time_out_of_range_naming_the_field(org, typed):
    case = journeys.to_handling(org, contacted=False)
    response = user_client(org.handler).post(f"/api/v1/cases/{case.number}/contact/", {
        "means": "phone", "content": "已电话联系", "contacted_at": typed}, format="json")
    assert response.status_code == 400
    assert "contacted_at" in response.json()


def test_a_digit_like_character_is_no_id(client, org):
    assert typed_id("²") is None and typed_id("١٢") is None and typed_id("12") == 12
    client.force_login(org.handler)
    assert client.post("/notifications/", {"ids": ["²", "1"]}).status_code == 302


@pytest.mark.parametrize("url", ["/cases/?q=%00", "/inbox/?q=a%00b", "/cases/%00/", "/open311/v2/requests/%00.json"])
def test_a_nul_character_anywhere_is_a_400_with_a_message(client, org, url):
    client.force_login(org.supervisor)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_character_in_a_form_value_is_a_400(client, org):
    case = journeys.to_dispatched(org)
    client.force_login(org.handler)
    response = client.post(f"/cases/{case.number}/act/return/", {"version": case.version, "return-reason": "a\x00b"})
    assert response.status_code == 400


def test_a_pause_reason_longer_than_its_column_is_refused_with_a_message(client, org):
    case = journeys.to_handling(org)
    client.force_login(org.supervisor)
    response = client.post(f"/supervision/cases/{case.number}/pause/", {"reason": "检" * 201}, follow=True)
    assert response.status_code == 200
    assert "最多200个字符" in response.content.decode()
    assert not case.clocks.filter(paused_at__isnull=False).exists()
