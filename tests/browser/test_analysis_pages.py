"""In a browser: the center goes from the dashboard to hotspot analysis, sees a rising category with its
trend line, drafts a consumer warning from it, edits and downloads it; then volume analysis with its
charts, and a count opening its cases."""
import importlib
from datetime import timedelta

import pytest
from django.apps import apps as global_apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints import services
from routing.models import Unit, User
from tests.browser.test_case_journey import login
from tests.factories import CategoryFactory, UnitFactory, UserFactory, case_fields, time_limits_seed


def drawn(scope: str) -> str:
    """A line or a bar in this period's colour (static/js/analysis.js): the chart drew its data."""
    return f'{scope} svg path[stroke="#1f5fa8"], {scope} svg path[fill="#1f5fa8"]'


@pytest.fixture
def city(transactional_db):
    time_limits_seed()
    importlib.import_module("complaints.migrations.0002_seed_roles_and_decline_reasons").seed(global_apps, None)
    center = UnitFactory(code="C", name="江门市12315指挥中心", kind=Unit.Kind.CENTER)
    district = UnitFactory(code="D01", name="蓬江区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    station = UnitFactory(code="S0101", name="白沙市场监管所", kind=Unit.Kind.STATION, parent=district)
    clerk = UserFactory(username="clerk", unit=center, role=User.Role.CLERK)
    supervisor = UserFactory(username="center", unit=center, role=User.Role.SUPERVISOR, first_name="李督办")
    services_ = CategoryFactory(code="03", name="服务")
    prepaid = CategoryFactory(code="0301", name="预付式消费", parent=services_)
    food = CategoryFactory(code="01", name="食品")
    now = timezone.now()

    def case(days_ago, category, respondent, **fields):
        fields = case_fields(category=category, respondent_name=respondent, complainant_phone=f"1350000{days_ago:04d}",
                             **fields)
        received = services.case_receive(by=clerk, fields=fields, at=now - timedelta(days=days_ago, hours=1))[0]
        return services.case_dispatch(case=received, unit=station, by=supervisor)

    # The default period is the last 30 days: prepaid cards rise (1 before, 6 now), food holds steady.
    case(40, prepaid, "某健身房", demand="退还会员费")
    for day in range(1, 7):
        case(day, prepaid, "某健身房" if day < 6 else "某美容店", demand="退还会员费", channel="wechat")
    for day in (35, 45, 3, 8):
        case(day, food, "某超市")
    return {"prepaid": prepaid}


def test_from_a_hotspot_to_a_consumer_warning_and_the_volume_charts(live_server, page: Page, screenshot,
                                                                    screenshot_dir, city):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server.url, "center")
    page.goto(f"{live_server.url}/dashboard/")
    page.locator("#analysis-links").get_by_role("link", name="热点分析").click()

    row = page.locator("#hot-categories tbody tr").first
    expect(row).to_contain_text("服务 / 预付式消费")
    expect(row.locator("td").nth(2)).to_have_text("6")
    expect(row).to_contain_text("+500.0%")
    expect(page.locator("#hot-categories")).not_to_contain_text("食品")
    expect(page.locator("#hot-respondents")).to_contain_text("某健身房")
    expect(row.locator(drawn(".spark"))).not_to_have_count(0)  # this period's trend line is drawn
    screenshot("reports-hotspots")

    row.get_by_role("link", name="起草消费警示").click()
    title = page.locator("input[name=title]")
    expect(title).to_have_value("消费警示：警惕“预付式消费”类消费风险")
    body = page.locator("textarea[name=body]")
    expect(body).to_contain_text("投诉举报6件")
    expect(body).to_contain_text("某健身房（5件）、某美容店（1件）")
    title.fill("消费警示:办理健身预付卡需谨慎")
    screenshot("reports-consumer-warning-draft")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载文本").click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    assert text.startswith("消费警示:办理健身预付卡需谨慎\r\n") and "增长500%" in text
    with page.expect_popup() as popup:
        page.get_by_role("button", name="打印预览").click()
    printed = popup.value
    expect(printed.locator("h1")).to_have_text("消费警示:办理健身预付卡需谨慎")
    expect(printed.locator("article p").first).to_contain_text("投诉举报6件")
    printed.screenshot(path=str(screenshot_dir / "reports-consumer-warning-print.png"), full_page=True)
    printed.close()

    page.go_back()
    page.locator(".analysis-nav").get_by_role("link", name="数量分析").click()
    expect(page.locator("#fig-current")).to_have_text("8")
    expect(page.locator("#fig-previous")).to_have_text("3")
    for chart in ("chart-trend", "chart-kind", "chart-channel", "chart-category", "chart-area"):
        expect(page.locator(drawn(f"#{chart}"))).not_to_have_count(0)
    category = page.locator("#table-category tbody tr", has_text="服务")
    expect(category).to_contain_text("+500.0%")
    screenshot("reports-volume")

    category.locator("a.count").first.click()
    expect(page.locator("h1")).to_contain_text("按业务分类：服务")
    expect(page.locator("table.list tbody tr")).to_have_count(6)
    expect(page.get_by_role("link", name="← 返回数量分析")).to_be_visible()
    assert errors == []
