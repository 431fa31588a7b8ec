"""Keyset pages of the case list and the inbox: while new cases keep arriving between page fetches,
every case that was there at the start is listed exactly once and no case twice."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import views, views_inbox
from deadlines.models import CaseClock
from tests.complaints import journeys


def walk(client, path, params, between):
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get(path, {**params, **({"after": cursor} if cursor else {})})
        page = response.context["page"]
        seen += [case.number for case in page.object_list]
        pages += 1
        between()
        if not page.has_next:
            return seen, pages
        cursor = page.next_cursor


def test_case_list_pages_neither_skip_nor_repeat_while_cases_arrive(client, org, monkeypatch):
    monkeypatch.setattr(views, "CASE_LIST_PAGE_SIZE", 3)
    start = [journeys.to_registered(org).number for _ in range(8)]
    client.force_login(org.supervisor)
    seen, pages = walk(client, "/cases/", {}, between=lambda: journeys.to_registered(org))
    assert len(seen) == len(set(seen)) and set(start) <= set(seen) and pages >= 3
    first = client.get("/cases/").content.decode()
    assert "下一页" in first and "共 " in first


def test_inbox_pages_neither_skip_nor_repeat_while_cases_arrive(client, org, monkeypatch):
    monkeypatch.setattr(views_inbox, "PAGE_SIZE", 2)
    start = [journeys.to_dispatched(org) for _ in range(5)]
    CaseClock.objects.filter(case=start[-1]).update(stopped_at=timezone.now())  # no deadline: listed last
    arrivals = iter(range(1, 50))

    def arrive():
        case = journeys.to_dispatched(org)
        due_at = timezone.now() + timedelta(hours=next(arrivals))  # lands among the listed ones
        CaseClock.objects.filter(case=case, stopped_at__isnull=True).update(due_at=due_at, warn_at=due_at)

    client.force_login(org.handler)
    seen, pages = walk(client, "/inbox/", {"tab": "all"}, between=arrive)
    assert len(seen) == len(set(seen)) and {case.number for case in start} <= set(seen) and pages >= 3


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJ4IiwgMV0"])
def test_a_cursor_that_is_not_ours_gives_the_first_page(client, org, cursor):
    case = journeys.to_registered(org)
    client.force_login(org.supervisor)
    assert [c.number for c in client.get("/cases/", {"after": cursor}).context["page"].object_list] == [case.number]


@pytest.mark.parametrize("cap", [1000, 4])  # few matches, narrowed by key; more than the cap, as listed
def test_search_pages_neither_skip_nor_repeat_and_count_the_matches(client, org, monkeypatch, cap):
    from complaints import keyset

    monkeypatch.setattr(views, "CASE_LIST_PAGE_SIZE", 2)
    monkeypatch.setattr(keyset, "COUNT_CAP", cap)
    matching = [journeys.to_registered(org, respondent_name="佛山市顺德区某家电维修部").number for _ in range(5)]
    others = [journeys.to_registered(org, respondent_name="佛山市南海区某超市").number for _ in range(3)]
    client.force_login(org.supervisor)
    seen, pages = walk(client, "/cases/", {"q": "某家电维修"}, between=lambda: None)
    assert sorted(seen) == sorted(matching) and pages == 3 and not set(others) & set(seen)
    page = client.get("/cases/", {"q": "某家电维修"}).content.decode()
    assert ("共 5" in page) if cap > 5 else ("4+" in page)
