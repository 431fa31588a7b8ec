"""In a browser: the center opens the weekly overdue notice (每周通报) and the monthly unit ranking
(月度排名) from the supervision menu, sees the published figures with their charts, follows a count
to its cases, and downloads the Excel export of each page."""
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from deadlines.workdays import SHANGHAI
from reports.services_snapshots import report_snapshots_publish_due
from tests.browser.test_case_journey import login
from tests.factories import time_limits_seed
from tests.reports.test_monthly_ranking import august_case
from tests.reports.test_weekly_notice import handling, set_clock


@pytest.fixture
def published(live_server, org):
    time_limits_seed()
    phones = iter(f"1370000{i:04d}" for i in range(100))
    # Week 45: four overdue cases at the station (one after an extension), two at the other, one far
    # (and the far station's August case below, still open and overdue).
    for unit, due, extended in [(None, 3, 0), (None, 4, 0), (None, 5, 0), (None, 2, 5),
                                (org.other_station, 4, 0), (org.other_station, 5, 0), (org.far_station, 6, 0)]:
        set_clock(handling(org, next(phones), unit=unit), due=date(2026, 11, due), extended=extended)
    # August: the station well, the other station late and dissatisfied, the far one overdue; July
    # had the far station first.
    august_case(org, next(phones), satisfaction="satisfied", resolved=True)
    august_case(org, next(phones), unit=org.other_station, replied=20, satisfaction="dissatisfied", resolved=False)
    august_case(org, next(phones), unit=org.far_station, replied=None)
    july = august_case(org, next(phones), unit=org.far_station)
    type(july).objects.filter(pk=july.pk).update(dispatched_at=datetime(2026, 7, 6, 10, tzinfo=SHANGHAI))
    report_snapshots_publish_due(now=datetime(2026, 9, 1, 7, 30, tzinfo=SHANGHAI), weeks=0, months=2)
    report_snapshots_publish_due(now=datetime(2026, 11, 9, 7, 30, tzinfo=SHANGHAI), weeks=1, months=0)
    return org


def test_the_center_reads_the_weekly_notice_and_the_monthly_ranking(live_server, page: Page, screenshot, published,
                                                                    tmp_path):
    org = published
    login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/supervision/")
    page.locator(".subnav").get_by_role("link", name="每周通报").click()
    expect(page.locator("#notice-status")).to_contain_text("本周至今")
    page.locator("#published").get_by_role("link", name="2026-W45").click()

    expect(page.locator("#notice-status")).to_contain_text("已于 2026-11-09 07:30 发布")
    expect(page.locator("#notice-summary")).to_contain_text("本周（11月2日至11月8日）共有3个单位8件工单超期")
    expect(page.locator("#notice-units tbody tr").first).to_contain_text(org.station.name)
    expect(page.locator("#chart-notice svg")).to_be_visible()
    screenshot("reports-weekly-notice")

    page.locator(f"#notice-unit-{org.other_station.pk}").get_by_role("link", name="2").first.click()
    expect(page.locator("#notice-cases tbody tr")).to_have_count(2)
    expect(page.locator("#notice-cases")).not_to_contain_text(org.station.name)
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    path = tmp_path / "notice.xlsx"
    download.value.save_as(path)
    assert [row[0] for row in list(load_workbook(path)["按单位"].values)[1:]][:3] == [
        org.station.name, *sorted([org.other_station.name, org.far_station.name])]

    page.locator(".subnav").get_by_role("link", name="月度排名").click()
    page.fill("#id_month", "2026-08")
    page.locator("#ranking-filters").get_by_role("button", name="查看").click()
    expect(page.locator("#ranking-status")).to_contain_text("已于 2026-09-01 07:30 发布")
    first = page.locator("#ranking-units tbody tr").first
    expect(first).to_contain_text(org.station.name)
    # July's first is second now (no follow-up to score it on, but one case overdue); the other station is new.
    expect(page.locator(f"#rank-unit-{org.far_station.pk} .change")).to_contain_text("↓1")
    expect(page.locator(f"#rank-unit-{org.other_station.pk} .change")).to_contain_text("新")
    expect(page.locator("#chart-ranking svg")).to_be_visible()
    screenshot("reports-monthly-ranking")

    page.locator(f"#rank-unit-{org.other_station.pk}").get_by_role("link", name="逾期1").click()
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    screenshot("reports-ranking-drill-down")
