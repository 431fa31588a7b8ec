"""Volume analysis (数量分析): counts by kind, channel, category, area and respondent against the previous
period of equal length, every count opening its cases, the Excel export holding the page's rows,
a district center seeing its own units only, and a constant number of queries."""
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import CategoryFactory
from tests.reports.analysis_cases import PERIOD, PREVIOUS, areas_fixture, at, drill, numbers, received  # noqa: F401

pytestmark = pytest.mark.django_db


def volume(client, user, **params):
    client.force_login(user)
    response = client.get("/dashboard/volume/", {**PERIOD, **params})
    assert response.status_code == 200, response.content[:500]
    return response


def table(response, name) -> dict:
    rows = next(t["rows"] for t in response.context["tables"] if t["id"] == name)
    return {row["name"]: row for row in rows}


def figures(row) -> tuple:
    return row["current"], row["previous"], row["change"], row["change_percent"]


def test_counts_and_changes_at_the_period_boundaries(client, org):
    first = received(org, at(11, 1, 0, 0, 0))  # the first second of the period
    last = received(org, at(11, 10, 23, 59, 59), kind="report", channel="wechat")
    middle = received(org, at(11, 5, 12))
    before = received(org, at(10, 31, 23, 59, 59))  # the previous period's last second
    earliest = received(org, at(10, 22, 0, 0, 0), kind="consultation", channel="web")
    received(org, at(11, 11, 0, 0, 0))  # after the period
    received(org, at(10, 21, 23, 59, 59))  # before the previous period

    response = volume(client, org.supervisor)
    total = response.context["total"]
    assert figures(total) == (3, 2, 1, 50.0)
    assert drill(client, total["drill"]) == numbers([first, last, middle])
    assert drill(client, total["drill_previous"]) == numbers([before, earliest])

    kinds = table(response, "kind")
    assert figures(kinds["投诉"]) == (2, 1, 1, 100.0)
    assert figures(kinds["举报"]) == (1, 0, 1, None)
    assert figures(kinds["咨询"]) == (0, 1, -1, -100.0)
    assert figures(kinds["建议"]) == (0, 0, 0, None)  # every kind is listed, for a line-by-line comparison
    assert drill(client, kinds["投诉"]["drill"]) == numbers([first, middle])
    assert drill(client, kinds["投诉"]["drill_previous"]) == numbers([before])

    channels = table(response, "channel")
    assert figures(channels["12315电话"]) == (2, 1, 1, 100.0)
    assert figures(channels["微信"])[:2] == (1, 0) and figures(channels["网站"])[:2] == (0, 1)
    assert drill(client, channels["微信"]["drill"]) == numbers([last])

    page = response.content.decode()
    assert 'id="fig-current">3<' in page and 'id="fig-previous">2<' in page
    assert "2026-10-22 至 2026-10-31" in page and "vendor/echarts/echarts.min.js" in page


def test_categories_roll_up_to_the_top_level_and_respondents_rank(client, org):
    food = CategoryFactory(code="01", name="食品")
    dining = CategoryFactory(code="0101", name="餐饮服务", parent=food)
    beauty = CategoryFactory(code="02", name="美容美发")
    gym = [received(org, at(11, 2), category=dining, respondent_name="某健身房") for _ in range(2)]
    food_case = received(org, at(11, 3), category=food, respondent_name="某超市")
    received(org, at(11, 4), category=beauty, respondent_name="某超市")
    unclassified = received(org, at(11, 4), respondent_name="某餐厅")
    old = received(org, at(10, 25), category=dining, respondent_name="某餐厅")

    response = volume(client, org.supervisor)
    categories = table(response, "category")
    assert figures(categories["食品"]) == (3, 1, 2, 200.0)
    assert figures(categories["美容美发"])[:2] == (1, 0) and figures(categories["未分类"])[:2] == (1, 0)
    assert drill(client, categories["食品"]["drill"]) == numbers([*gym, food_case])
    assert drill(client, categories["食品"]["drill_previous"]) == numbers([old])
    assert drill(client, categories["未分类"]["drill"]) == numbers([unclassified])

    respondents = [(row["name"], row["current"], row["previous"]) for row in table(response, "respondent").values()]
    assert respondents == [("某健身房", 2, 0), ("某超市", 2, 0), ("某餐厅", 1, 1)]
    assert drill(client, table(response, "respondent")["某健身房"]["drill"]) == numbers(gym)


def test_areas_roll_up_to_the_chosen_level(client, org, areas):
    village = received(org, at(11, 2), respondent_area=areas.village)
    street = received(org, at(11, 2), respondent_area=areas.baisha)
    huanshi = received(org, at(11, 3), respondent_area=areas.huanshi)
    district_only = received(org, at(11, 3), respondent_area=areas.pengjiang)
    received(org, at(11, 4), respondent_area=areas.huicheng)
    for _ in range(2):
        received(org, at(10, 28), respondent_area=areas.huicheng)
    nowhere = received(org, at(11, 5))

    by_district = table(volume(client, org.supervisor, area_level="district"), "area")
    assert {name: figures(row)[:2] for name, row in by_district.items()} == {
        "蓬江区": (4, 0), "新会区": (1, 2), "未填写区域": (1, 0)}
    assert figures(by_district["新会区"]) == (1, 2, -1, -50.0)
    assert drill(client, by_district["蓬江区"]["drill"]) == numbers([village, street, huanshi, district_only])
    assert drill(client, by_district["未填写区域"]["drill"]) == numbers([nowhere])

    by_street = table(volume(client, org.supervisor, area_level="street"), "area")
    assert {name: figures(row)[:2] for name, row in by_street.items()} == {
        "白沙街道": (2, 0), "环市街道": (1, 0), "蓬江区（本级）": (1, 0), "会城街道": (1, 2), "未填写区域": (1, 0)}
    assert drill(client, by_street["白沙街道"]["drill"]) == numbers([village, street])
    # The district's own row holds the cases registered at district level only, not its streets'.
    assert drill(client, by_street["蓬江区（本级）"]["drill"]) == numbers([district_only])


def test_channel_and_area_filters_narrow_every_figure_and_drill_down(client, org, areas):
    mine = received(org, at(11, 2), channel="wechat", respondent_area=areas.village)
    received(org, at(11, 2), channel="phone", respondent_area=areas.village)
    received(org, at(11, 2), channel="wechat", respondent_area=areas.huicheng)
    response = volume(client, org.supervisor, channel="wechat", area=areas.pengjiang.pk)
    assert response.context["total"]["current"] == 1
    assert figures(table(response, "channel")["微信"])[:2] == (1, 0)
    assert figures(table(response, "channel")["12315电话"])[:2] == (0, 0)
    row = table(response, "area")["蓬江区"]
    assert "channel=wechat" in row["drill"] and f"area={areas.pengjiang.pk}" in row["drill"]
    assert drill(client, row["drill"]) == numbers([mine])


def test_a_district_center_counts_only_its_units(client, org):
    mine = received(org, at(11, 2), unit=org.station, respondent_name="某美容店")
    received(org, at(11, 2), unit=org.far_station, respondent_name="某美容店")
    received(org, at(11, 2), unit=org.far_station, respondent_name="远方商户")
    response = volume(client, org.district_supervisor)
    assert response.context["total"]["current"] == 1
    respondents = table(response, "respondent")
    assert list(respondents) == ["某美容店"] and respondents["某美容店"]["current"] == 1
    assert drill(client, respondents["某美容店"]["drill"]) == numbers([mine])
    # The far district's units are not offered, and asking for one is refused.
    client.force_login(org.district_supervisor)
    assert client.get("/dashboard/volume/", {**PERIOD, "unit": org.far_station.pk}).status_code == 400


def test_handling_units_are_refused(client, org):
    client.force_login(org.handler)
    for url in ("/dashboard/volume/", "/dashboard/volume/?export=xlsx"):
        assert client.get(url).status_code == 403


def test_the_excel_export_holds_the_pages_rows(client, org, areas):
    food = CategoryFactory(code="01", name="食品")
    received(org, at(11, 2), category=food, respondent_area=areas.baisha, respondent_name="某健身房")
    received(org, at(10, 30), channel="wechat", respondent_area=areas.huicheng)
    page = volume(client, org.supervisor)
    response = client.get("/dashboard/volume/", {**PERIOD, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["统计条件", "合计", "按类型", "按渠道", "按业务分类", "按被投诉人所在区域（区县）", "被投诉人（前20名）"]
    assert list(book["合计"].values)[1] == ("登记量", 1, 1, 0, "0.0%")
    for table_ in page.context["tables"]:
        sheet = list(book[table_["title"]].values)
        assert sheet[0] == ("项目", "本期", "上期", "增减", "增减率")
        expected = [(row["name"], row["current"], row["previous"], row["change"],
                     f"{row['change_percent']}%" if row["change_percent"] is not None else None)
                    for row in table_["rows"]]
        assert sheet[1:] == expected
    assert ("统计期间", "2026-11-01 — 2026-11-10") in list(book["统计条件"].values)


def test_query_count_does_not_grow_with_the_data(client, org, areas):
    received(org, at(11, 2), category=CategoryFactory(code="80", name="起始分类"), respondent_area=areas.baisha)
    client.force_login(org.supervisor)
    client.get("/dashboard/volume/", PERIOD)
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/volume/", PERIOD)
    for i, area in enumerate([areas.village, areas.huanshi, areas.huicheng, areas.pengjiang]):
        category = CategoryFactory(code=f"9{i}", name=f"分类{i}")
        received(org, at(11, 3), unit=org.station, category=category, respondent_area=area, respondent_name=f"商户{i}")
        received(org, at(10, 25), channel="web", kind="report", category=category, respondent_area=area)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dashboard/volume/", PERIOD).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 20
