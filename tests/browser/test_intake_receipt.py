"""After registering a caller at the counter, the clerk prints the receipt and sends it by SMS from
the intake confirmation (the case page the form leads to), in a real browser; the SMS reaches a
real gateway on 127.0.0.1."""
import importlib

import pytest
from django.apps import apps as global_apps
from playwright.sync_api import Page, expect

from config.celery import app
from messaging.gateway_stub import GatewayStub
from messaging.models import SmsMessage
from tests.browser.test_case_journey import login, world  # noqa: F401 (fixture)


@pytest.fixture
def gateway(settings, world):  # noqa: F811 (the fixture imported above)
    importlib.import_module("messaging.migrations.0002_seed_sms_templates").seed(global_apps, None)
    stub = GatewayStub(key_id="LTAI5tJiangmen12315", secret="jm-12315-test-secret").start()
    settings.SMS_BACKEND = "messaging.backends.AliyunBackend"
    settings.SMS_GATEWAY_URL = stub.url
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = stub.state.key_id, stub.state.secret
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the web process runs the send as the worker would
    yield stub
    app.conf.task_always_eager = saved
    stub.stop()


def test_the_clerk_prints_and_sends_the_receipt_from_the_intake_confirmation(
        live_server, page: Page, screenshot, screenshot_dir, gateway):
    base = live_server.url
    login(page, base, "clerk")
    page.goto(f"{base}/cases/new/")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=channel]", "visit")
    page.fill("input[name=complainant_name]", "周美玲")
    page.fill("input[name=complainant_phone]", "13828031234")
    page.fill("input[name=respondent_name]", "江门市蓬江区某美容店")
    page.fill("input[name=incident_time]", "2026年11月20日")
    page.fill("input[name=incident_place]", "江门市蓬江区白沙街道建设二路12号")
    page.fill("textarea[name=facts]", "办理预付卡后商家停业，余额3000元无法使用。")
    page.fill("textarea[name=demand]", "要求退还预付卡余额。")
    page.click("button[value=register]")
    expect(page.locator("#case-state")).to_have_text("已登记")
    number = page.locator("#case-number").inner_text()
    query_code = page.locator("#query-code").inner_text()
    # The registration's receipt went out by itself; the panel says so.
    expect(page.locator("#sms tr[data-kind=receipt]")).to_contain_text("已发送")
    expect(page.locator("#sms")).to_contain_text("138****1234")
    screenshot("receipt-01-intake-confirmation")

    # Print: the receipt opens in its own tab with the number and the query code.
    with page.context.expect_page() as opened:
        page.click("#receipt-print")
    receipt = opened.value
    receipt.wait_for_load_state()
    expect(receipt.locator("#receipt-number")).to_have_text(number)
    expect(receipt.locator("#receipt-code")).to_have_text(query_code)
    expect(receipt.locator("h1")).to_have_text("投诉举报受理回执")
    expect(receipt.locator("#print")).to_be_visible()
    receipt.screenshot(path=str(screenshot_dir / "receipt-02-printable.png"), full_page=True)
    receipt.emulate_media(media="print")
    expect(receipt.locator("#print")).to_be_hidden()  # the print button is not printed
    receipt.close()

    # Send by SMS (the caller asks for it again): one more request reaches the gateway.
    page.click("#sms-receipt")
    expect(page.locator(".alert.success")).to_contain_text("回执短信已排队发送至 138****1234")
    expect(page.locator("#sms tr[data-kind=receipt]")).to_contain_text("已发送")
    screenshot("receipt-03-sent-by-sms")
    assert [(r.params["PhoneNumbers"], r.template_param["number"], r.template_param["code"])
            for r in gateway.received] == [("13828031234", number, query_code)] * 2
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.SENT and message.resent_by.username == "clerk"
