"""The red-line ledger in a browser: a district center opens it from the supervision menu, sees its
own units' items only, and a refused closing leaves the typed note in place beside the reason."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from supervision.models import RedLineItem
from supervision.redlines import red_line_open
from supervision.services import red_line_close
from tests.browser.cities import two_district_city
from tests.browser.test_case_journey import login


@pytest.fixture
def ledger(transactional_db):
    town = two_district_city()
    items = {}
    for name, unit, phone in (("own", town.station, "13500000001"), ("far", town.far_station, "13500000002")):
        case = town.dispatched(unit, phone)
        red_line_open(case=case, reason=RedLineItem.Reason.DISSATISFIED, at=timezone.now())
        items[name] = RedLineItem.objects.select_related("case").get(case=case)
    items["center"] = town.supervisor
    return items


def test_a_refused_closing_keeps_the_typed_note(live_server, page: Page, screenshot, ledger):
    own, far = ledger["own"], ledger["far"]
    login(page, live_server.url, "pengjiang")
    page.goto(f"{live_server.url}/supervision/")
    page.locator(".subnav").get_by_role("link", name="红线台账").click()
    expect(page.get_by_role("link", name=own.case.number)).to_be_visible()
    expect(page.get_by_role("link", name=far.case.number)).to_have_count(0)
    screenshot("supervision-district-ledger")

    note = page.locator(f"#close-{own.pk} input[name=note]")
    note.fill("已约谈商户,退款到位")
    red_line_close(item=own, by=ledger["center"], note="市中心已销号")  # the center was quicker
    page.locator(f"#close-{own.pk} button[type=submit]").click()

    expect(page.locator(f"#close-{own.pk} .error-text")).to_have_text("该事项已销号。")
    expect(page.locator(f"#close-{own.pk} input[name=note]")).to_have_value("已约谈商户,退款到位")
    screenshot("supervision-ledger-refused-keeps-note")
