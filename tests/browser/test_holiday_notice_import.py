"""The center pastes the 2027 notice in the admin, sees the year with every parsed day marked, and
saves it after checking; a mistake in the text is shown with its line and nothing is saved."""
from pathlib import Path

from playwright.sync_api import Page, expect

from deadlines.models import HolidaySchedule
from deadlines.workdays import load_calendar
from routing.models import User

TEXT_2027 = (Path(__file__).parents[1] / "deadlines" / "notices" / "notice_2027_test.txt").read_text(encoding="utf-8")


def test_paste_check_and_save_the_2027_notice(live_server, page: Page, screenshot):
    User.objects.create_superuser("root", "root@example.cn", "pw-2027")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "pw-2027")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/deadlines/holidayschedule/")
    page.click("#notice-import-link")

    page.fill("input[name=notice]", "国办发明电〔2026〕（测试）号")
    page.fill("textarea[name=text]", TEXT_2027.replace("4月3日（周六）", "4月3日（周五）"))
    page.click("#notice-preview")
    expect(page.locator("#notice-errors")).to_contain_text("第6行：4月3日是周六，文中写的是周五。")
    screenshot("holiday-notice-error")
    assert not HolidaySchedule.objects.exists()

    page.fill("textarea[name=text]", TEXT_2027)
    page.click("#notice-preview")
    expect(page.locator("#notice-preview-title")).to_contain_text("2027年：放假28天，调休上班5天")
    expect(page.locator("#notice-calendar td.holiday")).to_have_count(28)
    expect(page.locator("#notice-calendar td.makeup")).to_have_count(5)
    expect(page.locator('#notice-calendar td.makeup[data-date="2027-02-13"]')).to_be_visible()
    screenshot("holiday-notice-preview")

    page.click("#notice-confirm")
    expect(page.locator(".messagelist")).to_contain_text("2027年节假日安排已保存：放假28天，调休上班5天。")
    screenshot("holiday-notice-saved")
    assert load_calendar().year_source(2027) == "center"
