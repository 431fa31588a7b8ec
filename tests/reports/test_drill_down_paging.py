"""Paging the case lists behind the dashboard's figures, and the general case list that shares their
table: the next page shows the rest of the same list, not a list without its figure or filters."""
import re

import pytest

from complaints import services
from tests.complaints import journeys
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def rows(response) -> list[str]:
    """The case numbers in the table, as a user reads them."""
    assert response.status_code == 200, response.content[:300]
    return re.findall(r'data-label="工单编号"><a href="/cases/([^/"]+)/"', response.content.decode())


def follow(client, response, rel: str):
    link = re.search(rf'href="\?([^"]*)" rel="{rel}"', response.content.decode()).group(1).replace("&amp;", "&")
    return client.get(f"{response.request['PATH_INFO']}?{link}")


def dispatched(org, n: int, *, unit, category, prefix: str) -> list[str]:
    return [
        services.case_dispatch(
            case=journeys.to_registered(org, category=category, complainant_phone=f"137{len(prefix)}{i:07d}",
                                        respondent_name=f"{prefix}{i}"),
            unit=unit, by=org.supervisor,
        ).number
        for i in range(n)
    ]


def test_page_two_of_a_drill_down_keeps_the_figure_and_the_dashboard_filters(client, org):
    food = CategoryFactory(code="01", name="食品")
    cars = CategoryFactory(code="02", name="汽车")
    wanted = dispatched(org, 27, unit=org.station, category=food, prefix="餐馆")
    other_unit = dispatched(org, 2, unit=org.far_station, category=food, prefix="外区餐馆")
    other_category = dispatched(org, 2, unit=org.station, category=cars, prefix="车行")
    queued = journeys.to_registered(org, category=food, complainant_phone="13600000000").number
    client.force_login(org.supervisor)

    first = client.get("/dashboard/cases/", {"metric": "open", "unit": org.district.pk, "category": food.pk})
    assert len(rows(first)) == 25 and "第 1/2 页，共 27 件" in first.content.decode()

    second = follow(client, first, "next")
    page = second.content.decode()
    assert "在办" in page and org.district.name in page and "食品" in page  # the heading still says what it lists
    assert len(rows(second)) == 2 and "第 2/2 页，共 27 件" in page
    assert sorted(rows(first) + rows(second)) == sorted(wanted)
    assert not set(rows(second)) & {*other_unit, *other_category, queued}
    assert rows(follow(client, second, "prev")) == rows(first)


def test_page_two_of_a_chart_drill_down_keeps_the_value(client, org):
    food = CategoryFactory(code="01", name="食品")
    wanted = dispatched(org, 26, unit=org.station, category=food, prefix="餐馆")
    dispatched(org, 3, unit=org.other_station, category=food, prefix="别所餐馆")
    client.force_login(org.supervisor)

    first = client.get("/dashboard/cases/", {"metric": "unit", "value": org.station.pk})
    second = follow(client, first, "next")

    assert len(rows(first)) == 25 and len(rows(second)) == 1
    assert sorted(rows(first) + rows(second)) == sorted(wanted)


def test_the_case_list_keeps_its_state_and_search_across_pages(client, org):
    food = CategoryFactory(code="01", name="食品")
    wanted = dispatched(org, 26, unit=org.station, category=food, prefix="培训机构")
    dispatched(org, 2, unit=org.station, category=food, prefix="健身房")  # same state, other search
    for i in range(2):  # same search, other state
        journeys.to_registered(org, complainant_phone=f"1350000000{i}", respondent_name=f"培训机构乙{i}")
    client.force_login(org.supervisor)

    first = client.get("/cases/", {"state": "dispatched", "q": "培训机构"})
    second = follow(client, first, "next")

    assert len(rows(first)) == 25 and len(rows(second)) == 1
    assert sorted(rows(first) + rows(second)) == sorted(wanted)
