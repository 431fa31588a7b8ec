"""In a real browser: the center's to-do list with an extension request, a return and a reply, each
acted on in place; back and submit again on intake making one case; an action's error at the top;
each role's landing page; the public look-up of a declined and of an incomplete case."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints import services
from complaints.models import Case, CrossRegionNotice, DeclineReason, ExtensionRequest
from deadlines.models import CaseClock
from routing.models import User
from tests.browser.test_case_journey import login, world  # noqa: F401 (fixture)
from tests.factories import UserFactory, case_received


@pytest.fixture
def people(world):  # noqa: F811
    station = world
    users = {u.username: u for u in User.objects.all()}
    district = station.parent
    UserFactory(username="district", unit=district, role=User.Role.SUPERVISOR, first_name="周督办")
    users["district"] = User.objects.get(username="district")
    return users


def _handling(people, **fields) -> Case:
    case = case_received(by=people["clerk"], **fields)
    case = services.case_dispatch(case=case, unit=people["baisha"].unit, by=people["center"])
    case = services.case_accept(case=case, by=people["baisha"])
    return services.case_record_contact(case=case, by=people["baisha"], means="phone", content="已电话联系投诉人")


def test_the_centers_to_do_with_an_extension_a_return_and_a_reply(live_server, page: Page, screenshot, people):
    base = live_server.url
    extension = _handling(people, respondent_name="蓬江区某健身会所")
    services.case_request_extension(case=extension, by=people["baisha"], days=5, reason="需等待消协调解结果")
    returned = services.case_dispatch(case=case_received(by=people["clerk"], respondent_name="环市某超市"),
                                      unit=people["baisha"].unit, by=people["center"])
    services.case_return(case=returned, by=people["baisha"], reason="被投诉人位于环市街道，不属本所管辖")
    replied = services.case_reply(case=_handling(people, respondent_name="白沙某美容店"), by=people["baisha"],
                                  text="经调查核实，该美容店已同意退还预付卡余额2800元，投诉人表示接受。")

    login(page, base, "center")
    expect(page).to_have_url(f"{base}/supervision/todo/")  # the center lands on its to-do list
    expect(page.locator("#menu-todo .badge")).to_be_visible()
    expect(page.locator("#todo-extensions")).to_contain_text(extension.number)
    expect(page.locator("#todo-extensions")).to_contain_text("需等待消协调解结果")
    expect(page.locator("#todo-returns")).to_contain_text("白沙市场监管所退回")
    expect(page.locator("#todo-returns")).to_contain_text("不属本所管辖")
    expect(page.locator("#todo-replies")).to_contain_text(replied.number)
    screenshot("todo-center-three-kinds")

    # Each row acts in place: approve the extension and the reply without leaving the page.
    row = page.locator(f"#todo-extensions tr[data-case='{extension.number}']")
    row.locator("input[name='decide_extension-note']").fill("同意延期5个工作日")
    row.locator("button[value='1']").click()
    expect(page.locator(".alert.success")).to_be_visible()
    expect(page).to_have_url(f"{base}/supervision/todo/")
    expect(page.locator("#todo-extensions")).not_to_contain_text(extension.number)
    assert ExtensionRequest.objects.get(case=extension).decision == ExtensionRequest.Decision.APPROVED
    page.locator(f"#todo-replies tr[data-case='{replied.number}'] button.primary").click()
    expect(page.locator("#todo-replies")).not_to_contain_text(replied.number)
    assert Case.objects.get(pk=replied.pk).reply_approved_at is not None
    screenshot("todo-center-after-acting")

    # The dispatch queue says who returned the case and why, with a one-click dispatch and select-all.
    page.goto(f"{base}/cases/queue/")
    expect(page.locator("#batch-dispatch")).to_contain_text("退回")
    expect(page.locator("#batch-dispatch")).to_contain_text("不属本所管辖")
    expect(page.locator("#select-all")).to_be_visible()
    assert "江门市12315指挥中心" not in page.locator("#batch-unit").inner_text()  # not the center itself
    screenshot("dispatch-queue-returned")


def test_a_stage_reply_and_a_cross_region_notice_are_acted_on_in_place(live_server, page: Page, screenshot,
                                                                        people):
    base = live_server.url
    owed = _handling(people, respondent_name="蓬江区某培训中心")
    CaseClock.objects.filter(case=owed, clock="handling").update(
        original_due_at=timezone.now() - timedelta(hours=2), extended_days=5)
    unfiled = _handling(people, respondent_name="白沙某家具城")
    CrossRegionNotice.objects.create(case=unfiled, receiving_unit=people["district"].unit,
                                     target_unit=people["baisha"].unit, due_at=timezone.now() + timedelta(days=1))

    login(page, base, "center")
    stage_row = page.locator(f"#todo-stage_replies tr[data-case='{owed.number}']")
    notice_row = page.locator(f"#todo-cross_region tr[data-case='{unfiled.number}']")
    expect(stage_row.locator("input[name=text]")).to_be_visible()
    expect(notice_row.locator("input[name=text]")).to_be_visible()
    screenshot("todo-stage-reply-and-cross-region")

    # A refused action (someone acted meanwhile) is told at the top, and the row keeps the text.
    Case.objects.filter(pk=owed.pk).update(version=owed.version + 1)
    stage_row.locator("input[name=text]").fill("已电话告知投诉人：检测报告预计下周出具")
    stage_row.locator("button[type=submit]").click()
    banner = page.locator("main > .alert.error").first
    expect(banner).to_contain_text("状态已变化")
    assert banner.bounding_box()["y"] < 300
    expect(stage_row.locator("input[name=text]")).to_have_value("已电话告知投诉人：检测报告预计下周出具")
    screenshot("todo-stage-reply-refused")

    page.reload()  # the page now carries the current version
    stage_row.locator("input[name=text]").fill("已电话告知投诉人：检测报告预计下周出具")
    stage_row.locator("button[type=submit]").click()
    expect(page.locator(".alert.success")).to_contain_text("已记录阶段性回复")
    expect(page).to_have_url(f"{base}/supervision/todo/")
    expect(page.locator("#todo-stage_replies")).not_to_contain_text(owed.number)

    notice_row.locator("input[name=text]").fill("已函告白沙市场监管所并报中心备案")
    notice_row.locator("button[type=submit]").click()
    expect(page.locator(".alert.success")).to_contain_text("已记录告知并报中心备案")
    expect(page).to_have_url(f"{base}/supervision/todo/")
    expect(page.locator("#todo-cross_region")).not_to_contain_text(unfiled.number)
    assert CrossRegionNotice.objects.get(case=unfiled).notified_at is not None
    expect(page.locator("#menu-todo .badge")).to_have_count(0)  # the menu agrees with the page
    screenshot("todo-after-stage-reply-and-notice")


def test_back_and_submit_again_creates_one_case(live_server, page: Page, screenshot, people):
    base = live_server.url
    login(page, base, "clerk")
    expect(page).to_have_url(f"{base}/cases/new/")  # a clerk lands on intake
    page.fill("#id_complainant_name", "陈女士")
    page.fill("#id_complainant_phone", "13926012345")
    page.fill("#id_respondent_name", "江门某电器商行")
    page.fill("#id_incident_time", "2026年11月28日上午")
    page.fill("#id_incident_place", "蓬江区白沙大道西88号")
    page.fill("#id_facts", "购买的空调安装三天即不制冷，商家拒绝上门维修。")
    page.fill("#id_demand", "要求商家维修或更换空调")
    page.click("button[value=register]")
    expect(page.locator(".alert.success")).to_be_visible()
    page.go_back()
    page.click("button[value=register]")
    expect(page.locator(".alert.info")).to_contain_text("已提交过")
    screenshot("intake-resubmitted")
    assert Case.objects.count() == 1


def test_an_action_error_is_shown_at_the_top(live_server, page: Page, screenshot, people):
    base = live_server.url
    case = _handling(people)
    login(page, base, "baisha")
    expect(page).to_have_url(f"{base}/inbox/")  # a unit lands on its inbox
    page.goto(f"{base}/cases/{case.number}/")
    page.locator("#action-reply summary").click()
    page.locator("#action-reply textarea").fill("已处理")
    page.locator("#action-reply button[type=submit]").click()
    banner = page.locator("main > .alert.error").first
    expect(banner).to_contain_text("答复内容过短")
    assert banner.bounding_box()["y"] < 300  # at the top, not below the fold
    expect(page.locator("#action-reply textarea")).to_have_value("已处理")
    screenshot("action-error-at-top")
    page.goto(f"{base}/cases/{case.number}/act/reply/")  # reopening the address shows the case
    expect(page).to_have_url(f"{base}/cases/{case.number}/")


def test_role_landing_pages(live_server, page: Page, people):
    base = live_server.url
    for username, landing in (("clerk", "/cases/new/"), ("baisha", "/inbox/"), ("center", "/supervision/todo/"),
                              ("district", "/supervision/todo/")):
        login(page, base, username)
        expect(page).to_have_url(f"{base}{landing}")


def test_public_look_up_of_a_declined_and_an_incomplete_case(live_server, page: Page, screenshot, people):
    base = live_server.url
    declined = services.case_decline(case=case_received(by=people["clerk"], register=False), by=people["clerk"],
                                     reason=DeclineReason.objects.get(code="in_petition"))
    incomplete = case_received(by=people["clerk"], register=False, incident_place="", demand="")

    def look_up(case):
        page.context.clear_cookies()
        page.goto(f"{base}/track/")
        page.fill("input[name=number]", case.number)
        page.fill("input[name=query_code]", case.query_code)
        page.click("#track-form button[type=submit]")

    look_up(declined)
    expect(page.locator("#decline-notice")).to_contain_text(declined.decline_reason.title)
    expect(page.locator("#decline-notice")).to_contain_text(declined.decline_reason.notice_text[:12])
    expect(page.locator("#rating-form")).to_have_count(0)
    screenshot("track-declined")
    look_up(incomplete)
    expect(page.locator("#missing-notice")).to_contain_text("何地")
    expect(page.locator("#missing-notice")).to_contain_text("12315")
    expect(page.locator("#rating-form")).to_have_count(0)
    screenshot("track-incomplete")
