"""The red-line ledger in a browser: a district center opens it from the supervision menu, sees its
own units' items only, and a refused closing leaves the typed note in place beside the reason."""
import importlib

import pytest
from django.apps import apps as global_apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints import services
from complaints.services.redlines import red_line_open
from routing.models import Unit, User
from supervision.models import RedLineItem
from supervision.services import red_line_close
from tests.browser.test_case_journey import login
from tests.factories import UnitFactory, UserFactory, case_fields


@pytest.fixture
def ledger(transactional_db):
    importlib.import_module("supervision.migrations.0002_seed_time_limits").seed(global_apps, None)
    importlib.import_module("complaints.migrations.0002_seed_roles_and_decline_reasons").seed(global_apps, None)
    center = UnitFactory(code="C", name="江门市12315指挥中心", kind=Unit.Kind.CENTER)
    district = UnitFactory(code="D01", name="蓬江区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    station = UnitFactory(code="S0101", name="白沙市场监管所", kind=Unit.Kind.STATION, parent=district)
    far = UnitFactory(code="D02", name="新会区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    far_station = UnitFactory(code="S0201", name="会城市场监管所", kind=Unit.Kind.STATION, parent=far)
    clerk = UserFactory(username="clerk", unit=center, role=User.Role.CLERK)
    supervisor = UserFactory(username="center", unit=center, role=User.Role.SUPERVISOR, first_name="李督办")
    UserFactory(username="pengjiang", unit=district, role=User.Role.SUPERVISOR, first_name="周分流")
    items = {}
    for name, unit, phone in (("own", station, "13500000001"), ("far", far_station, "13500000002")):
        case = services.case_receive(by=clerk, fields=case_fields(complainant_phone=phone,
                                                                  respondent_name=f"某美容店{phone}"))[0]
        case = services.case_dispatch(case=case, unit=unit, by=supervisor)
        red_line_open(case=case, reason=RedLineItem.Reason.DISSATISFIED, at=timezone.now())
        items[name] = RedLineItem.objects.select_related("case").get(case=case)
    items["center"] = supervisor
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
