"""Hotspot analysis (热点分析): categories, respondents and areas that rose beyond the thresholds the
center sets in the admin, ranked by growth, with their daily trend, each opening its cases; the Excel
export; a district center's own units only; a constant number of queries."""
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from supervision.models import SupervisionSettings
from tests.factories import CategoryFactory
from tests.reports.analysis_cases import PERIOD, areas_fixture, at, drill, numbers, received  # noqa: F401

pytestmark = pytest.mark.django_db

# (previous, current) cases per sub-category and its respondent of the same name.
COUNTS = {"A": (2, 3), "B": (2, 2), "C": (0, 3), "D": (4, 5), "E": (1, 4)}


def thresholds(**values):
    SupervisionSettings.objects.update_or_create(pk=1, defaults=values)


@pytest.fixture
def rising(org):
    """For each letter: cases in the previous period, then in this one, in its own sub-category and
    against a respondent named after it, dispatched to the district's station."""
    top = CategoryFactory(code="01", name="服务")
    made = {}
    for letter, (before, now) in COUNTS.items():
        category = CategoryFactory(code=f"01{letter}", name=f"分类{letter}", parent=top)
        made[letter] = {
            "category": category,
            "previous": [received(org, at(10, 23 + i), unit=org.station, category=category,
                                  respondent_name=f"商户{letter}") for i in range(before)],
            "current": [received(org, at(11, 1 + i), unit=org.station, category=category,
                                 respondent_name=f"商户{letter}") for i in range(now)],
        }
    return made


def hotspots(client, user, **params):
    client.force_login(user)
    response = client.get("/dashboard/hotspots/", {**PERIOD, **params})
    assert response.status_code == 200, response.content[:500]
    return response


def listed(response, name) -> list[dict]:
    return next(item["rows"] for item in response.context["lists"] if item["id"] == name)


def names(rows) -> list[str]:
    return [row["name"] for row in rows]


def test_rising_items_follow_the_thresholds_set_in_the_admin(client, org, rising):
    thresholds(hotspot_min_count=3, hotspot_min_growth_percent=50)
    response = hotspots(client, org.supervisor)
    # New (nothing before) first, then by growth: E +300%, A +50%; B (no growth) and D (+25%) stay out.
    assert names(listed(response, "categories")) == ["服务 / 分类C", "服务 / 分类E", "服务 / 分类A"]
    assert names(listed(response, "respondents")) == ["商户C", "商户E", "商户A"]
    c, e, a = listed(response, "categories")
    assert (c["rank"], c["is_new"], c["current"], c["previous"], c["change_percent"]) == (1, True, 3, 0, None)
    assert (e["current"], e["previous"], e["change"], e["change_percent"]) == (4, 1, 3, 300.0)
    assert a["change_percent"] == 50.0
    page = response.content.decode()
    assert "本期至少 3 件，且较上期增长至少 50%" in page and "新出现" in page and "起草消费警示" in page

    thresholds(hotspot_min_count=3, hotspot_min_growth_percent=100)
    assert names(listed(hotspots(client, org.supervisor), "respondents")) == ["商户C", "商户E"]
    thresholds(hotspot_min_count=4, hotspot_min_growth_percent=100)
    assert names(listed(hotspots(client, org.supervisor), "categories")) == ["服务 / 分类E"]
    thresholds(hotspot_min_count=1, hotspot_min_growth_percent=0, hotspot_limit=2)
    assert len(listed(hotspots(client, org.supervisor), "categories")) == 2


def test_each_hotspot_opens_its_cases_and_shows_its_daily_trend(client, org, rising):
    thresholds(hotspot_min_count=3, hotspot_min_growth_percent=50)
    response = hotspots(client, org.supervisor)
    e = next(row for row in listed(response, "categories") if row["name"].endswith("分类E"))
    assert drill(client, e["drill"]) == numbers(rising["E"]["current"])
    assert drill(client, e["drill_previous"]) == numbers(rising["E"]["previous"])
    respondent = next(row for row in listed(response, "respondents") if row["name"] == "商户E")
    assert drill(client, respondent["drill"]) == numbers(rising["E"]["current"])
    # Twenty days from 10-22, the previous ten then these ten: one case on 10-23, one a day from 11-01.
    assert e["trend"] == [0, 1] + [0] * 8 + [1, 1, 1, 1] + [0] * 6
    sparks = response.context["sparks"]
    assert sparks["days"][0] == "2026-10-22" and sparks["days"][-1] == "2026-11-10" and sparks["split"] == 10
    assert sparks["lines"][e["spark"]]["y"] == e["trend"]
    assert f'id="{e["spark"]}"' in response.content.decode()


def test_rising_areas_at_the_chosen_level(client, org, areas):
    thresholds(hotspot_min_count=2, hotspot_min_growth_percent=50)
    village = [received(org, at(11, 2), respondent_area=areas.village) for _ in range(2)]
    street = received(org, at(11, 3), respondent_area=areas.baisha)
    received(org, at(10, 25), respondent_area=areas.baisha)
    for when in (at(11, 2), at(11, 3), at(10, 24), at(10, 25)):  # 会城: 2 against 2, no growth
        received(org, when, respondent_area=areas.huicheng)
    for _ in range(3):
        received(org, at(11, 4))  # no area: never a hotspot

    rows = listed(hotspots(client, org.supervisor, area_level="street"), "areas")
    assert [(row["name"], row["current"], row["previous"]) for row in rows] == [("白沙街道", 3, 1)]
    assert drill(client, rows[0]["drill"]) == numbers([*village, street])
    assert rows[0]["trend"][3] == 1 and sum(rows[0]["trend"]) == 4  # 10-25 is the fourth day
    rows = listed(hotspots(client, org.supervisor, area_level="district"), "areas")
    assert [(row["name"], row["current"], row["previous"]) for row in rows] == [("蓬江区", 3, 1)]


def test_a_district_center_sees_only_its_units(client, org, rising):
    thresholds(hotspot_min_count=3, hotspot_min_growth_percent=50)
    for i in range(5):
        received(org, at(11, 1 + i), unit=org.far_station, respondent_name="远方商户")
    assert "远方商户" in names(listed(hotspots(client, org.supervisor), "respondents"))
    response = hotspots(client, org.district_supervisor)
    assert names(listed(response, "respondents")) == ["商户C", "商户E", "商户A"]


def test_handling_units_are_refused(client, org):
    client.force_login(org.handler)
    for url in ("/dashboard/hotspots/", "/dashboard/hotspots/?export=xlsx",
                "/dashboard/hotspots/warning/?metric=respondent&value=x"):
        assert client.get(url).status_code == 403


def test_the_excel_export_holds_the_pages_rows(client, org, rising):
    thresholds(hotspot_min_count=3, hotspot_min_growth_percent=50)
    page = hotspots(client, org.supervisor)
    response = client.get("/dashboard/hotspots/", {**PERIOD, "export": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["统计条件", "上升的业务分类", "上升的被投诉人", "上升的区域（区县）", "每日趋势"]
    conditions = list(book["统计条件"].values)
    assert ("最少件数", 3) in conditions and ("最低增幅（%）", 50) in conditions
    for item in page.context["lists"]:
        sheet = list(book[item["title"]].values)
        assert sheet[0] == ("排名", "名称", "本期", "上期", "增减", "增长率")
        assert sheet[1:] == [(row["rank"], row["name"], row["current"], row["previous"], row["change"],
                              "新出现" if row["is_new"] else f"{row['change_percent']}%") for row in item["rows"]]
    assert list(book["上升的业务分类"].values)[1] == (1, "服务 / 分类C", 3, 0, 3, "新出现")
    trend = list(book["每日趋势"].values)
    assert trend[0][:3] == ("热点", "名称", "2026-10-22") and len(trend) == 1 + 6
    assert ("上升的被投诉人", "商户E", 0, 1, *[0] * 8, 1, 1, 1, 1, *[0] * 6) in trend


def test_the_thresholds_are_edited_in_the_admin(admin_client):
    rules = SupervisionSettings.current()
    page = admin_client.get(f"/admin/supervision/supervisionsettings/{rules.pk}/change/").content.decode()
    assert "热点最少件数" in page and "热点最低增幅（%）" in page and "每类热点最多列出" in page


def test_query_count_does_not_grow_with_the_data(client, org, areas):
    thresholds(hotspot_min_count=1, hotspot_min_growth_percent=0)
    first = CategoryFactory(code="80", name="起始分类")
    received(org, at(11, 2), category=first, respondent_area=areas.baisha, respondent_name="商户0")
    client.force_login(org.supervisor)
    client.get("/dashboard/hotspots/", PERIOD)
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/hotspots/", {**PERIOD, "area_level": "street"})
    for i, area in enumerate([areas.village, areas.huanshi, areas.huicheng, areas.pengjiang]):
        category = CategoryFactory(code=f"9{i}", name=f"分类{i}")
        for day in (3, 4):
            received(org, at(11, day), category=category, respondent_area=area, respondent_name=f"商户{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/dashboard/hotspots/", {**PERIOD, "area_level": "street"})
    assert len(listed(response, "categories")) == 5 and len(listed(response, "areas")) == 4
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 20
