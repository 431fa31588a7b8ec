"""The whole journey in a real browser: a clerk registers a complaint, the center dispatches it, the
unit signs for it, contacts the complainant and replies from its inbox, the center approves, follows
up and archives (its dashboard on the way), and the complainant looks it up and rates it."""

import importlib
import re

import pytest
from django.apps import apps as global_apps
from playwright.sync_api import Page, expect

from routing.models import Category, Unit, User
from tests.factories import CategoryFactory, UnitFactory, UserFactory, time_limits_seed

PASSWORD = "pw-12315"


@pytest.fixture
def world(transactional_db):
    # Transactional tests start from an empty database: put back the seeded policy and reasons.
    time_limits_seed()
    importlib.import_module("complaints.migrations.0002_seed_roles_and_decline_reasons").seed(
        global_apps, None
    )
    center = UnitFactory(code="C", name="江门市12315指挥中心", kind=Unit.Kind.CENTER)
    district = UnitFactory(
        code="D01", name="蓬江区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center
    )
    station = UnitFactory(code="S0101", name="白沙市场监管所", kind=Unit.Kind.STATION, parent=district)
    prepaid = CategoryFactory(code="02", name="预付卡")
    CategoryFactory(code="0201", name="美容美发", parent=prepaid)
    for username, unit, role, name in [
        ("clerk", center, User.Role.CLERK, "王登记"),
        ("center", center, User.Role.SUPERVISOR, "李督办"),
        ("baisha", station, User.Role.HANDLER, "赵承办"),
        ("baisha_lead", station, User.Role.UNIT_LEADER, "孙所长"),
    ]:
        UserFactory(username=username, unit=unit, role=role, first_name=name)
    return station


def login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(username if username == "admin" else "·")


def act(page: Page, action: str, fill=None) -> None:
    """Open an action on the case page, fill its form and submit it."""
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    if fill:
        fill(box)
    box.locator("button[type=submit]").click()
    expect(page.locator(".alert.success")).to_be_visible()


def no_english_labels(page: Page) -> None:
    # Chinese pages must not leak untranslated English labels or raw state codes.
    text = page.locator("main").inner_text()
    for word in ("handling", "dispatched", "registered", "Submit", "None"):
        assert word not in text, f"{word!r} on a Chinese page"


def test_complaint_from_registration_to_the_complainants_rating(live_server, page: Page, screenshot, world):
    base = live_server.url

    # 1. The clerk registers the complaint on the intake form.
    login(page, base, "clerk")
    page.goto(f"{base}/cases/new/")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=channel]", "phone")
    page.select_option("select[name=category]", label="预付卡 / 美容美发")
    page.fill("input[name=complainant_name]", "张三")
    page.fill("input[name=complainant_phone]", "13800138000")
    page.fill("input[name=respondent_name]", "江门市某美容店")
    page.fill("input[name=incident_time]", "2026年11月20日")
    page.fill("input[name=incident_place]", "白沙街道某路12号")
    page.fill("textarea[name=facts]", "办理预付卡后商家停业,余额3000元无法使用。")
    page.fill("textarea[name=demand]", "要求退还预付卡余额。")
    screenshot("01-clerk-intake-form")
    page.click("button[value=register]")
    expect(page.locator("#case-state")).to_have_text("已登记")
    number = page.locator("#case-number").inner_text()
    query_code = page.locator("#query-code").inner_text()
    screenshot("02-clerk-case-registered")
    no_english_labels(page)

    # 2. The center sees it on the dashboard and in the dispatch queue, and dispatches it.
    login(page, base, "center")
    page.goto(f"{base}/dashboard/")
    expect(page.locator("#fig-queue")).to_have_text("1")
    expect(page.locator("#chart-trend svg")).to_be_visible()
    screenshot("03-center-dashboard")
    page.click("a.tile:has(#fig-queue)")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    screenshot("04-center-dispatch-queue")
    page.get_by_role("link", name=number).click()
    act(
        page,
        "dispatch",
        lambda box: box.locator("select[name=dispatch-unit]").select_option(label="白沙市场监管所"),
    )
    expect(page.locator("#case-state")).to_have_text("已分流")
    screenshot("05-center-dispatched")

    # 3. The unit signs, contacts and replies from its inbox.
    login(page, base, "baisha")
    page.goto(f"{base}/inbox/")
    expect(page.locator("#tab-sign .count")).to_have_text("1")
    screenshot("06-unit-inbox-to-sign")
    page.click(f"#sign-{number}")
    expect(page.locator(".alert.success")).to_contain_text("签收")
    row = page.locator(f"#row-{number}")
    expect(row).to_contain_text("办理中")
    expect(row).to_contain_text("剩余")
    contact = row.locator(f"#act-{number}-contact")
    contact.locator("summary").click()
    contact.locator("select[name=contact-means]").select_option("phone")
    contact.locator("textarea[name=contact-content]").fill("已电话联系投诉人,告知正在核查。")
    screenshot("07-unit-inbox-contact-form")
    contact.locator("button[type=submit]").click()
    expect(page.locator(".alert.success")).to_contain_text("记录联系")
    reply = page.locator(f"#act-{number}-reply")
    reply.locator("summary").click()
    reply.locator("textarea[name=reply-text]").fill("经调查,商家已同意退还预付卡余额3000元,投诉人无异议。")
    reply.locator("button[type=submit]").click()
    expect(page.locator(".alert.success")).to_contain_text("答复")
    expect(page.locator("#inbox-empty")).to_be_visible()
    screenshot("08-unit-inbox-empty-after-reply")

    # 4. The center approves the reply, follows up and archives.
    login(page, base, "center")
    page.goto(f"{base}/cases/{number}/")
    act(page, "approve_reply")
    act(
        page,
        "follow_up",
        lambda box: (
            box.locator("input[value=satisfied]").check(),
            box.locator("select[name=follow_up-resolved]").select_option("1"),
        ),
    )
    page.once("dialog", lambda dialog: dialog.accept())  # "确定办结归档？" asks before archiving
    act(page, "archive")
    expect(page.locator("#case-state")).to_have_text("已办结")
    expect(page.locator("#history")).to_contain_text("已答复 → 已办结")
    screenshot("09-center-case-archived")
    no_english_labels(page)

    # 5. The complainant looks it up without logging in and rates the handling.
    page.context.clear_cookies()
    page.goto(f"{base}/track/")
    page.fill("input[name=number]", number)
    page.fill("input[name=query_code]", "WRONG000")
    page.click("#track-form button[type=submit]")
    expect(page.locator(".alert.error")).to_contain_text("工单编号或查询码不正确")
    screenshot("10-public-lookup-wrong-code")
    page.fill("input[name=query_code]", query_code)
    page.click("#track-form button[type=submit]")
    expect(page.locator("#case-state")).to_have_text("已办结")
    timeline = page.locator("#public-timeline")
    expect(timeline).to_contain_text("经调查,商家已同意退还")
    expect(timeline).not_to_contain_text("已电话联系投诉人")  # internal contact note
    expect(timeline).not_to_contain_text("赵承办")
    expect(timeline).not_to_contain_text("李督办")
    screenshot("11-public-timeline")
    page.locator("#rating-form input[value=satisfied]").check()
    page.locator("#rating-form input[name=resolved][value='1']").check()
    page.fill("#rating-form textarea[name=comment]", "处理及时,感谢。")
    page.click("#rating-form button[type=submit]")
    expect(page.locator("#rating-done")).to_contain_text("满意")
    screenshot("12-public-rated")


def test_pages_fit_a_phone_screen(live_server, browser, screenshot_dir, world):
    from complaints import services
    from tests.complaints import journeys  # noqa: F401  (the world fixture made the users)
    from tests.factories import case_fields

    clerk = User.objects.get(username="clerk")
    center = User.objects.get(username="center")
    case = services.case_receive(by=clerk, fields=case_fields(category=Category.objects.get(code="0201")))[0]
    services.case_dispatch(case=case, unit=world, by=center)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        login(page, live_server.url, "baisha")
        page.goto(f"{live_server.url}/inbox/")
        expect(page.locator(f"#row-{case.number}")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"inbox is {width}px wide on a 390px phone"
        page.screenshot(path=str(screenshot_dir / "13-phone-inbox.png"), full_page=True)
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/track/")
        page.fill("input[name=number]", case.number)
        page.fill("input[name=query_code]", case.query_code)
        page.click("#track-form button[type=submit]")
        expect(page.locator("#public-timeline")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        page.screenshot(path=str(screenshot_dir / "14-phone-public-timeline.png"), full_page=True)
        login(page, live_server.url, "center")
        page.goto(f"{live_server.url}/dashboard/")
        expect(page.locator("#chart-trend svg")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        page.screenshot(path=str(screenshot_dir / "15-phone-dashboard.png"), full_page=True)
    finally:
        context.close()


def test_switching_to_english_from_the_language_menu(live_server, page: Page, screenshot, world):
    login(page, live_server.url, "baisha")
    page.goto(f"{live_server.url}/inbox/")
    page.select_option("select[name=language]", "en")
    expect(page.get_by_role("heading", name=re.compile("Inbox"))).to_be_visible()
    expect(page.locator("#tab-sign")).to_contain_text("To sign for")
    expect(page.locator("#inbox-empty")).to_have_text("Your inbox is empty.")
    screenshot("16-english-inbox-empty")
