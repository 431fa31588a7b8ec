"""Reading cases: status, deadlines and history; lists with filters and cursor pagination; isolation."""
from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.models import CaseClock
from tests.api.conftest import system_create, user_client
from tests.api.payloads import work_order
from tests.complaints import journeys

CASES = "/api/v1/cases/"


def test_detail_shows_state_clocks_and_history(org):
    case = journeys.to_handling(org)
    body = user_client(org.handler).get(f"{CASES}{case.number}/").json()
    assert body["state"] == "handling"
    assert body["handling_unit"] == "S0101"
    clocks = {c["clock"]: c for c in body["clocks"]}
    assert clocks["handling"]["status"] == "running" and clocks["handling"]["due_date"]
    assert clocks["contact"]["stopped_at"] is not None
    assert [e["action"] for e in body["history"]] == ["receive", "register", "dispatch", "accept", "contact"]


def test_detail_carries_the_version_as_etag(org):
    case = journeys.to_dispatched(org)
    response = user_client(org.handler).get(f"{CASES}{case.number}/")
    assert response["ETag"] == f'"{case.version}"'


def test_another_units_case_is_not_found(org):
    case = journeys.to_dispatched(org)
    assert user_client(org.far_handler).get(f"{CASES}{case.number}/").status_code == 404
    assert user_client(org.other_handler).get(f"{CASES}{case.number}/").status_code == 404
    assert user_client(org.district_supervisor).get(f"{CASES}{case.number}/").status_code == 200


def test_list_shows_only_the_callers_units_cases(org):
    mine = journeys.to_dispatched(org)
    journeys.to_registered(org)  # stays at the center
    numbers = [c["number"] for c in user_client(org.handler).get(CASES).json()["results"]]
    assert numbers == [mine.number]


def test_list_filters_by_state_kind_unit_and_dates(org):
    dispatched = journeys.to_dispatched(org)
    registered = journeys.to_registered(org, kind="consultation")
    client = user_client(org.supervisor)

    def numbers(**params):
        return {c["number"] for c in client.get(CASES, params).json()["results"]}

    assert numbers(state="dispatched") == {dispatched.number}
    assert numbers(kind="consultation") == {registered.number}
    assert numbers(unit="S0101") == {dispatched.number}
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert numbers(received_after=future) == set()
    assert numbers(received_before=future) == {dispatched.number, registered.number}


def test_list_filters_overdue_cases(org):
    late = journeys.to_dispatched(org)
    on_time = journeys.to_dispatched(org)
    CaseClock.objects.filter(case=late, clock="contact").update(due_at=timezone.now() - timedelta(hours=1))
    client = user_client(org.supervisor)
    overdue = {c["number"] for c in client.get(CASES, {"overdue": "true"}).json()["results"]}
    not_overdue = {c["number"] for c in client.get(CASES, {"overdue": "false"}).json()["results"]}
    assert late.number in overdue and on_time.number not in overdue
    assert on_time.number in not_overdue and late.number not in not_overdue


def test_bad_filter_value_is_400_naming_it(org):
    response = user_client(org.supervisor).get(CASES, {"received_after": "yesterday", "state": "lost"})
    assert response.status_code == 400
    assert {"received_after", "state"} <= set(response.json())


def test_cursor_pages_are_stable_while_cases_arrive(org, hotline):
    for i in range(5):
        hotline.client.post(CASES, work_order(f"P-{i}"), format="json")
    client = user_client(org.supervisor)
    first = client.get(CASES, {"page_size": 2}).json()
    # A new case arrives between pages: it must not shift what the next page holds.
    hotline.client.post(CASES, work_order("P-new"), format="json")
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    seen = [c["external_ref"] for page in (first, second, third) for c in page["results"]]
    assert seen == ["P-4", "P-3", "P-2", "P-1", "P-0"]
    assert third["next"] is None


def test_anonymous_reporters_identity_is_blanked_for_the_handling_unit(org):
    case = journeys.to_dispatched(org, kind="report", anonymous=True)
    body = user_client(org.handler).get(f"{CASES}{case.number}/").json()
    assert body["complainant_name"] == "" and body["complainant_phone"] == ""
    body = user_client(org.supervisor).get(f"{CASES}{case.number}/").json()
    assert body["complainant_name"] == "张三"


def test_a_case_whose_clocks_are_paused_is_not_listed_as_overdue(org):
    """Testing or appraisal time does not count: the API agrees with the inbox and the dashboard."""
    paused = journeys.to_dispatched(org)
    CaseClock.objects.filter(case=paused, clock="contact").update(
        due_at=timezone.now() - timedelta(hours=1), paused_at=timezone.now() - timedelta(days=1))
    client = user_client(org.supervisor)
    overdue = {c["number"] for c in client.get(CASES, {"overdue": "true"}).json()["results"]}
    assert paused.number not in overdue


def test_a_system_finds_its_work_order_by_its_own_number(hotline, org):
    mine = hotline.client.post("/api/v1/cases/", work_order(reference="GD-77"), format="json").json()["number"]
    other = system_create(code="wechat", user=hotline.system.acting_user, channel="wechat")
    theirs = other.client.post("/api/v1/cases/", work_order(reference="GD-77"), format="json").json()["number"]
    hotline.client.post("/api/v1/cases/", work_order(reference="GD-78"), format="json")

    def found(client, reference):
        return [c["number"] for c in client.get("/api/v1/cases/", {"reference": reference}).json()["results"]]

    assert found(hotline.client, "GD-77") == [mine]
    assert found(other.client, "GD-77") == [theirs]
    assert found(hotline.client, "GD-404") == []
    assert sorted(found(user_client(org.supervisor), "GD-77")) == sorted([mine, theirs])  # a person: every system


@pytest.mark.parametrize("param,value", [("received_after", "0001-01-01T00:00:00+14:00"),
                                         ("received_before", "9999-12-31T23:59:59-12:00"),
                                         ("received_after", "2026-02-30T00:00:00")])
def test_a_received_filter_out_of_range_is_a_400_naming_it(org, param, value):
    response = user_client(org.supervisor).get(CASES, {param: value})
    assert response.status_code == 400
    assert param in response.json()
