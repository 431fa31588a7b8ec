"""A document in a browser: the center issues the 交办单 from the case page's 文书 panel, the
number appears, and the PDF it prints opens in the browser; the handling unit sees the same
document to reprint, with no issue button of its own."""
import importlib

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from documents.models import IssuedDocument
from tests.browser.cities import two_district_city
from tests.browser.test_case_journey import login


@pytest.fixture
def city(transactional_db):
    importlib.import_module("documents.migrations.0002_seed_templates").seed(apps, None)
    return two_district_city()


def test_the_center_issues_a_slip_and_the_unit_reprints_it(live_server, page: Page, screenshot, city):
    case = city.dispatched(city.station, "13902871234")
    login(page, live_server.url, "center")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    panel = page.locator("#documents")
    expect(panel).to_contain_text("分流单（交办单）")
    panel.get_by_role("button", name="签发并编号").click()
    document = IssuedDocument.objects.get(case=case)
    expect(page.locator("#documents")).to_contain_text(document.number)
    screenshot("documents-case-panel-issued")
    with page.expect_popup() as popup:
        page.locator("#documents").get_by_role("link", name="打印（PDF）").click()
    pdf = popup.value
    pdf.wait_for_load_state()
    assert pdf.url.endswith(f"/documents/{document.pk}.pdf")

    login(page, live_server.url, "baisha")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    expect(page.locator("#documents")).to_contain_text(document.number)
    expect(page.locator("#documents").get_by_role("button", name="签发并编号")).to_have_count(0)
    response = page.request.get(f"{live_server.url}/documents/{document.pk}.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
