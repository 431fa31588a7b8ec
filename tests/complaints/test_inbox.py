"""The handling unit's task inbox: tabs, deadline order and colours, row actions, search, isolation,
and a constant number of queries whatever the number of rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import services
from complaints.models import Case
from deadlines.models import CaseClock
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def inbox(client, user, **params):
    client.force_login(user)
    return client.get("/inbox/", params)


def numbers(response):
    return [row.case.number for row in response.context["rows"]]


def set_due(case, clock, delta):
    due_at = timezone.now() + delta
    CaseClock.objects.filter(case=case, clock=clock, stopped_at__isnull=True).update(
        due_at=due_at, due_date=timezone.localdate(due_at), warn_at=due_at - timedelta(days=1)
    )


def test_tabs_sort_cases_by_nearest_deadline_with_colours(client, org):
    to_sign = journeys.to_dispatched(org, respondent_name="甲商店")
    uncontacted = journeys.to_handling(org, contacted=False, respondent_name="乙商店")
    overdue = journeys.to_handling(org, respondent_name="丙商店")
    soon = journeys.to_handling(org, respondent_name="丁商店")
    set_due(overdue, "handling", timedelta(hours=-5))
    set_due(soon, "handling", timedelta(minutes=30))

    response = inbox(client, org.handler)
    assert response.status_code == 200
    listed = numbers(response)
    assert set(listed) == {to_sign.number, uncontacted.number, overdue.number, soon.number}
    assert listed[:2] == [overdue.number, soon.number]
    colours = {row.case.number: row.deadline.colour for row in response.context["rows"]}
    assert colours[overdue.number] == "red" and colours[soon.number] == "yellow"
    page = response.content.decode()
    assert "已超期" in page and "剩余" in page or "今日到期" in page

    assert numbers(inbox(client, org.handler, tab="sign")) == [to_sign.number]
    assert numbers(inbox(client, org.handler, tab="contact")) == [uncontacted.number]
    assert numbers(inbox(client, org.handler, tab="overdue")) == [overdue.number]
    assert numbers(inbox(client, org.handler, tab="due_soon")) == [soon.number]
    counts = {name: count for name, _label, count in inbox(client, org.handler).context["tabs"]}
    assert counts == {
        "all": 4,
        "sign": 1,
        "contact": 1,
        "handling": 3,
        "due_soon": 1,
        "overdue": 1,
        "redo": 0,
        "cohandling": 0,
    }


def test_returned_for_redo_tab(client, org):
    from complaints import services

    case = services.case_return_for_redo(
        case=journeys.to_replied(org), by=org.supervisor, reason="未写明依据"
    )
    assert numbers(inbox(client, org.handler, tab="redo")) == [case.number]
    assert "重办" in inbox(client, org.handler, tab="redo").content.decode()


def test_remaining_working_days_are_shown(client, org):
    case = journeys.to_handling(org)
    services.case_accept_complaint(case=case, by=org.handler)  # 受理: the acceptance clock is not the nearest
    row = next(r for r in inbox(client, org.handler).context["rows"] if r.case.number == case.number)
    assert row.deadline.clock.clock == "handling"
    assert 1 <= row.deadline.working_days_left <= 10


def test_search_by_number_phone_and_respondent(client, org):
    a = journeys.to_dispatched(org, respondent_name="某美容店", complainant_phone="13911112222")
    b = journeys.to_dispatched(org, respondent_name="某健身会所", complainant_phone="13733334444")
    assert numbers(inbox(client, org.handler, q=a.number)) == [a.number]
    assert numbers(inbox(client, org.handler, q="13733334444")) == [b.number]
    # Three characters or more match anywhere in the name (trigram index); one or two match its
    # start (prefix index), as a short name is looked up.
    assert numbers(inbox(client, org.handler, q="健身会")) == [b.number]
    assert numbers(inbox(client, org.handler, q="某美")) == [a.number]
    response = inbox(client, org.handler, q="不存在的商家")
    assert numbers(response) == [] and "没有符合查询条件的待办工单" in response.content.decode()


def test_other_units_cases_are_not_in_the_inbox(client, org):
    journeys.to_dispatched(org)
    response = inbox(client, org.other_handler)
    assert numbers(response) == []
    assert "暂无待办工单" in response.content.decode()


def test_sign_from_the_inbox_returns_to_the_inbox(client, org):
    case = journeys.to_dispatched(org)
    client.force_login(org.handler)
    response = client.post(
        f"/cases/{case.number}/act/accept/", {"version": case.version, "next": "/inbox/?tab=sign"}
    )
    assert response.status_code == 302 and response.url == "/inbox/?tab=sign"
    case.refresh_from_db()
    assert case.state == Case.State.HANDLING and case.handler == org.handler


def test_inbox_offers_the_section_4_actions_on_each_row(client, org):
    journeys.to_dispatched(org)
    journeys.to_handling(org)
    page = inbox(client, org.handler).content.decode()
    for label in ("签收", "记录联系", "阶段性回复", "申请延期", "答复"):
        assert label in page
    assert "改派承办人" not in page  # a handler may not reassign
    assert "改派承办人" in inbox(client, org.leader).content.decode()


def test_off_site_next_is_ignored(client, org):
    case = journeys.to_dispatched(org)
    client.force_login(org.handler)
    response = client.post(
        f"/cases/{case.number}/act/accept/", {"version": case.version, "next": "https://evil.example/"}
    )
    assert response.url == f"/cases/{case.number}/"


def test_inbox_is_paginated(client, org, monkeypatch):
    from complaints import views_inbox

    monkeypatch.setattr(views_inbox, "PAGE_SIZE", 2)
    for _ in range(3):
        journeys.to_dispatched(org)
    response = inbox(client, org.handler)
    assert len(response.context["rows"]) == 2 and response.context["page"].has_next
    last = inbox(client, org.handler, after=response.context["page"].next_cursor)
    assert len(last.context["rows"]) == 1 and not last.context["page"].has_next


def test_inbox_query_count_does_not_grow_with_rows(client, org):
    journeys.to_dispatched(org)
    journeys.to_handling(org)
    client.force_login(org.leader)
    client.get("/inbox/")  # warm the calendar cache and the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/inbox/").status_code == 200
    for _ in range(6):
        journeys.to_dispatched(org)
        journeys.to_handling(org, contacted=False)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/inbox/")
    assert len(response.context["rows"]) == 14
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 15  # the page's keys are read before its rows (complaints.keyset, keys_first)


def test_users_without_a_unit_are_refused(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="nounit", unit=None, role="")
    client.force_login(user)
    assert client.get("/inbox/").status_code == 403


def test_an_invalid_reply_from_the_inbox_shows_the_error_on_the_case_page(client, org):
    case = journeys.to_handling(org)
    client.force_login(org.handler)
    response = client.post(
        f"/cases/{case.number}/act/reply/", {"version": case.version, "reply-text": "太短", "next": "/inbox/"}
    )
    assert response.status_code == 400
    assert "答复内容过短" in response.content.decode()
    case.refresh_from_db()
    assert case.state == Case.State.HANDLING


def test_a_clock_waiting_for_the_holiday_schedule_shows_as_pending(client, org):
    case = journeys.to_handling(org)
    CaseClock.objects.filter(case=case, stopped_at__isnull=True).update(
        due_at=None, due_date=None, pending_reason="2027年官方节假日安排尚未录入"
    )
    response = inbox(client, org.handler)
    row = response.context["rows"][0]
    assert row.deadline.clock is not None and row.deadline.colour == "none"
    assert "截止日待定" in response.content.decode()


def test_co_handling_tab_lists_cases_the_unit_helps_with(client, org):
    from complaints.services.routing import case_cohandlers_assign

    led = journeys.to_handling(org, respondent_name="联合检查对象")
    case_cohandlers_assign(case=led, by=org.supervisor, units=[org.other_station])
    journeys.to_handling(org, respondent_name="别的商店")

    response = inbox(client, org.other_handler, tab="cohandling")
    assert numbers(response) == [led.number]
    assert dict((name, count) for name, _label, count in response.context["tabs"])["cohandling"] == 1
    assert numbers(inbox(client, org.other_handler)) == []  # not its own handling work
