"""The public progress look-up (no login): number + query code, the public timeline, one rating,
the same answer for wrong codes and unknown numbers, and repeated guessing slowed down."""

import re
import time

import pytest
from django.core.cache import cache

from complaints import services
from complaints.models import CaseEvent, PublicRating
from core.errors import ApplicationError
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def look_up(client, number, code, **extra):
    return client.post("/track/", {"number": number, "query_code": code}, **extra)


def test_lookup_shows_the_public_timeline_without_internal_notes_or_names(client, org):
    case = journeys.to_handling(org)  # the contact note is internal
    response = look_up(client, case.number, case.query_code.lower())
    assert response.status_code == 302
    page = client.get("/track/").content.decode()
    assert case.number in page and "办理中" in page
    assert "签收" in page and org.station.name in page
    assert "已电话联系投诉人" not in page  # internal contact note
    for person in (org.handler, org.supervisor, org.clerk):
        assert str(person) not in page
    assert "张三" not in page and "13800138000" not in page
    assert "答复并经中心核查后" in page  # rating not yet open


def test_wrong_code_and_unknown_number_get_the_same_answer(client, org):
    case = journeys.to_dispatched(org)
    wrong = look_up(client, case.number, "WRONG123")
    unknown = look_up(client, "2099010100001", "WRONG123")
    assert wrong.status_code == unknown.status_code == 404

    # Identical pages apart from the number typed and the (per-response masked) CSRF token.
    def normalise(content):
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)

    assert normalise(wrong.content) == normalise(
        unknown.content.replace(b"2099010100001", case.number.encode())
    )
    assert "工单编号或查询码不正确" in wrong.content.decode()


def test_repeated_guessing_is_blocked_per_case_number(client, org, settings):
    settings.TRACK_FAILURES_PER_CASE = 3
    case = journeys.to_dispatched(org)
    for _ in range(3):
        assert look_up(client, case.number, "BADCODE1").status_code == 404
    # Even the right code is refused until the window passes.
    blocked = look_up(client, case.number, case.query_code)
    assert blocked.status_code == 429 and "失败次数过多" in blocked.content.decode()


def test_repeated_guessing_is_blocked_per_client(client, org, settings):
    settings.TRACK_FAILURES_PER_IP = 2
    case = journeys.to_dispatched(org)
    look_up(client, "2099010100001", "X", REMOTE_ADDR="10.0.0.9")
    look_up(client, "2099010100002", "X", REMOTE_ADDR="10.0.0.9")
    assert look_up(client, case.number, case.query_code, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert look_up(client, case.number, case.query_code, REMOTE_ADDR="10.0.0.10").status_code == 302


def test_csrf_is_enforced(org):
    from django.test import Client

    case = journeys.to_dispatched(org)
    strict = Client(enforce_csrf_checks=True)
    assert look_up(strict, case.number, case.query_code).status_code == 403


def test_empty_form_shows_field_errors(client, db):
    response = client.post("/track/", {"number": "", "query_code": ""})
    assert response.status_code == 400
    assert "该字段是必填项" in response.content.decode()


def test_complainant_rates_once_after_the_reply(client, org):
    case = journeys.to_approved(org)  # the center approved the reply: now it is the answer
    look_up(client, case.number, case.query_code)
    page = client.get("/track/").content.decode()
    assert "经调查,商家已同意退还" in page  # the reply is shown to the complainant
    assert 'id="rating-form"' in page
    response = client.post(
        "/track/",
        {"form": "rate", "satisfaction": "basically_satisfied", "resolved": "1", "comment": "处理及时"},
    )
    assert response.status_code == 302
    rating = PublicRating.objects.get(case=case)
    assert rating.satisfaction == "basically_satisfied" and rating.resolved is True
    event = case.events.order_by("-pk").first()
    assert event.action == CaseEvent.Action.PUBLIC_RATING and event.actor is None
    page = client.get("/track/").content.decode()
    assert "您已评价" in page and 'id="rating-form"' not in page
    again = client.post("/track/", {"form": "rate", "satisfaction": "dissatisfied", "resolved": "0"})
    assert again.status_code == 400 and "只能评价一次" in again.content.decode()
    assert PublicRating.objects.filter(case=case).count() == 1


def test_rating_before_the_reply_is_refused(org):
    case = journeys.to_handling(org)
    with pytest.raises(ApplicationError):
        services.case_rate_public(case=case, satisfaction="satisfied", resolved=True)


def test_rating_needs_a_choice(client, org):
    case = journeys.to_approved(org)
    look_up(client, case.number, case.query_code)
    response = client.post("/track/", {"form": "rate"})
    assert response.status_code == 400 and not PublicRating.objects.exists()


def test_rating_without_a_lookup_goes_back_to_the_form(client, org):
    journeys.to_replied(org)
    assert (
        client.post("/track/", {"form": "rate", "satisfaction": "satisfied", "resolved": "1"}).status_code
        == 302
    )
    assert not PublicRating.objects.exists()


@pytest.mark.redis_cache
def test_failed_attempts_are_counted_in_redis_shared_by_all_web_processes(client, org, settings):
    import os

    import redis

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    case = journeys.to_dispatched(org)
    look_up(client, case.number, "BADCODE1")
    server = redis.Redis.from_url(os.environ["CACHE_URL"])
    keys = [key.decode() for key in server.keys(f"*ratelimit:track:case:{case.number}")]
    assert len(keys) == 1 and int(server.get(keys[0])) == 1


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, org, settings):
    settings.TRACK_FAILURES_PER_IP = 2
    case = journeys.to_dispatched(org)
    for n in range(2):
        look_up(client, "2099010100001", "X", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert look_up(client, case.number, case.query_code, HTTP_X_FORWARDED_FOR="10.9.9.77").status_code == 429


def test_behind_the_proxy_the_forwarded_client_is_limited(client, org, settings):
    settings.TRACK_FAILURES_PER_IP = 2
    settings.TRACK_TRUST_X_FORWARDED_FOR = True
    case = journeys.to_dispatched(org)
    for _ in range(2):
        look_up(client, "2099010100001", "X", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.5")
    assert look_up(client, case.number, case.query_code, HTTP_X_FORWARDED_FOR="10.0.0.5").status_code == 429
    assert look_up(client, case.number, case.query_code, HTTP_X_FORWARDED_FOR="10.0.0.6").status_code == 302


def test_with_redis_down_the_lookup_answers_and_still_limits_guessing(client, org, settings, redis_down, caplog):
    settings.TRACK_FAILURES_PER_CASE = 3
    case = journeys.to_dispatched(org)
    started = time.monotonic()
    assert client.get("/track/").status_code == 200
    assert look_up(client, "2099010100001", "WRONG123").status_code == 404
    assert "rate-limit cache unreachable" in caplog.text

    # The right code finds the case, its page shows it ...
    assert look_up(client, case.number, case.query_code).status_code == 302
    assert case.number in client.get("/track/").content.decode()
    # ... and guessing is still slowed down, counted by this process meanwhile.
    for _ in range(3):
        assert look_up(client, case.number, "BADCODE1").status_code == 404
    assert look_up(client, case.number, case.query_code).status_code == 429
    assert time.monotonic() - started < 5  # a dead Redis does not hold every request up
