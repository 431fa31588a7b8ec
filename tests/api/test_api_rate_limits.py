"""A system may be held to a number of calls a minute (admin); beyond it the API answers 429 with
Retry-After, other systems and people unaffected."""
from unittest import mock

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api.conftest import system_create, user_client
from tests.api.payloads import work_order

CASES = "/api/v1/cases/"
A_MINUTE_START = 1_800_000_000 - 1_800_000_000 % 60  # a whole minute, so windows are predictable


@pytest.fixture(autouse=True)
def empty_counters():
    cache.clear()
    yield
    cache.clear()


def _limit(system, per_minute):
    system.system.requests_per_minute = per_minute
    system.system.save()


def test_beyond_its_limit_a_system_gets_429_with_retry_after(hotline):
    _limit(hotline, 3)
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START + 15):
        codes = [hotline.client.get(CASES).status_code for _ in range(4)]
        refused = hotline.client.post(CASES, work_order(), format="json")
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 45
    assert "detail" in refused.json()


def test_the_next_minute_it_may_call_again(hotline):
    _limit(hotline, 1)
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START + 59):
        assert [hotline.client.get(CASES).status_code for _ in range(2)] == [200, 429]
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START + 60):
        assert hotline.client.get(CASES).status_code == 200


def test_other_systems_and_people_are_not_held_to_it(hotline, org):
    _limit(hotline, 1)
    other = system_create(code="wechat", user=hotline.system.acting_user, channel="wechat")
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START):
        assert [hotline.client.get(CASES).status_code for _ in range(2)] == [200, 429]
        assert [other.client.get(CASES).status_code for _ in range(3)] == [200, 200, 200]
        assert user_client(org.supervisor).get(CASES).status_code == 200


def test_without_a_limit_calls_are_not_counted(hotline):
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START):
        assert [hotline.client.get(CASES).status_code for _ in range(5)] == [200] * 5
    assert cache.get(f"api-rate:{hotline.system.pk}:{A_MINUTE_START // 60}") is None
    _limit(hotline, 10)  # the same calls with a limit are counted under that key
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START):
        hotline.client.get(CASES)
    assert cache.get(f"api-rate:{hotline.system.pk}:{A_MINUTE_START // 60}") == 1


def test_open311_clients_get_the_limit_as_a_georeport_error(hotline):
    _limit(hotline, 1)
    client = APIClient()
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START):
        client.get("/open311/v2/requests.json", HTTP_X_API_KEY=hotline.key)
        response = client.get("/open311/v2/requests.json", HTTP_X_API_KEY=hotline.key)
    assert response.status_code == 429 and response.json()[0]["code"] == 429


def test_with_redis_down_a_limited_system_still_files_work_orders(hotline, redis_down, caplog):
    _limit(hotline, 2)
    with mock.patch("integration.api.throttling.time.time", return_value=A_MINUTE_START):
        created = hotline.client.post(CASES, work_order(), format="json")
        assert created.status_code == 201, created.content
        assert "rate-limit cache unreachable" in caplog.text
        # The limit still holds, counted by this web process while Redis is away.
        assert hotline.client.post(CASES, work_order("GD-2026-0002"), format="json").status_code == 201
        assert hotline.client.post(CASES, work_order("GD-2026-0003"), format="json").status_code == 429
