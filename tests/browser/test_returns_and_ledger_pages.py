"""In a browser: a district center opens returns per unit (退回统计) from the supervision menu and
follows a count to the returns behind it; the red-line ledger's second page keeps the month."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints import services
from supervision.models import RedLineItem
from supervision.redlines import red_line_open
from supervision.views import PAGE_SIZE
from tests.browser.cities import two_district_city
from tests.browser.test_case_journey import login


@pytest.fixture
def city(transactional_db):
    town = two_district_city()
    return {"station": town.station, "far_station": town.far_station, "handlers": town.handlers,
            "dispatched": town.dispatched}


def test_a_district_center_follows_a_return_count_to_the_cases(live_server, page: Page, screenshot, city):
    station, far_station = city["station"], city["far_station"]
    returned = [services.case_return(case=city["dispatched"](station, f"1350000000{i}"), by=city["handlers"][station],
                                     reason=reason)
                for i, reason in enumerate(["非本所管辖", "非本所管辖", "经营地址在环市辖区"])]
    services.case_return(case=city["dispatched"](far_station, "13500000009"), by=city["handlers"][far_station],
                         reason="不属本区")
    login(page, live_server.url, "pengjiang")
    page.goto(f"{live_server.url}/supervision/")
    page.locator(".subnav").get_by_role("link", name="退回统计").click()

    row = page.locator(f"#returns-unit-{station.pk}")
    expect(row).to_contain_text("白沙市场监管所")
    expect(row.locator("a.count").first).to_have_text("3")
    expect(page.locator("#returns")).not_to_contain_text("会城市场监管所")
    screenshot("reports-returns-per-unit")

    row.get_by_role("link", name="2").click()
    expect(page.locator("#returns-reason")).to_contain_text("非本所管辖")
    expect(page.locator("#returned-cases tbody tr")).to_have_count(2)
    for case in returned[:2]:
        # Back in the center's queue: listed for the district, not openable by it.
        expect(page.locator("#returned-cases")).to_contain_text(case.number)
    screenshot("reports-returns-drill-down")


def test_the_ledgers_second_page_keeps_the_month(live_server, page: Page, screenshot, city):
    month = f"{timezone.localdate():%Y-%m}"
    for i in range(PAGE_SIZE + 2):
        red_line_open(case=city["dispatched"](city["station"], f"1360000{i:04d}"),
                      reason=RedLineItem.Reason.DISSATISFIED, at=timezone.now())
    login(page, live_server.url, "pengjiang")
    page.goto(f"{live_server.url}/supervision/red-lines/?month={month}")
    page.get_by_role("link", name="下一页").click()

    expect(page.locator(".pager")).to_contain_text("第 2/2 页，共 27 件")
    expect(page.locator("input[name=month]")).to_have_value(month)
    expect(page.locator("form.close-item")).to_have_count(2)
    screenshot("supervision-ledger-page-two")
