"""Order 121's platform jurisdiction: a merchant on an e-commerce platform without an address there
(or unreachable at it) goes to the bureau of the platform operator's home (住所地)."""
import pytest
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Case, CaseEvent
from complaints.services.platform import case_platform_jurisdiction_switch
from core.errors import ApplicationError
from routing.models import Platform
from tests.api.conftest import system_create
from tests.factories import case_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def platforms(world):
    # 天猫 as its operator publishes it (home outside this city); a local platform as an example,
    # its operator's home in 白沙街道 so that the case stays in this system.
    # The migration seeds 天猫; a transactional test elsewhere may have flushed it.
    tmall, _ = Platform.objects.update_or_create(code="tmall", defaults={
        "name": "天猫", "operator_name": "浙江天猫网络有限公司", "operator_home": "浙江省杭州市余杭区",
        "operator_division_code": "330110", "to_verify": True})
    local = Platform.objects.create(code="jm-local", name="示例本地生活平台(示例数据)",
                                    operator_name="江门市示例网络科技有限公司(示例)",
                                    operator_home="广东省江门市蓬江区白沙街道", operator_division_code="440703001",
                                    operator_area=world.baisha, to_verify=True)
    return tmall, local


def merchant_case(world, platform, **fields):
    fields = {"respondent_name": "某某数码专营店", "respondent_shop": "某某数码专营店",
              "respondent_platform": platform, "incident_place": "网购",
              "facts": "网购的蓝牙耳机收到后无法开机,联系店铺客服七天无人回复", "demand": "退货退款399元",
              **fields}
    return case_received(by=world.org.clerk, **fields)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_platform_merchant_with_no_address_goes_to_the_operators_home_unit_with_the_reason(world, platforms, client):
    _, local = platforms
    case = merchant_case(world, local)
    assert case.platform_jurisdiction == "no_address"
    assert case.routing.proposed_unit == world.org.station
    assert case.routing.reason == (
        "平台内经营者未在平台公示地址 → 按平台经营者江门市示例网络科技有限公司(示例)住所地（广东省江门市蓬江区白沙街道）"
        "管辖 → 白沙市场监管所（市场监管总局令第121号）")
    client.force_login(world.org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "平台内经营者未在平台公示地址 → 按平台经营者" in page and "按建议分流到白沙市场监管所" in page
    assert "示例本地生活平台(示例数据) · 某某数码专营店" in page


def test_an_operator_at_home_outside_the_city_leaves_the_case_to_the_center_saying_where(world, platforms):
    tmall, _ = platforms
    case = merchant_case(world, tmall)
    assert case.routing.proposed_unit is None
    assert "平台经营者浙江天猫网络有限公司住所地（浙江省杭州市余杭区）不在本系统辖区" in case.routing.reason


def test_a_merchant_with_an_address_is_routed_by_it_until_the_clerk_switches(world, platforms, client):
    _, local = platforms
    case = merchant_case(world, local, respondent_address="新会区会城街道某路3号", respondent_area=world.huicheng)
    assert case.platform_jurisdiction == "" and case.routing.proposed_unit == world.org.far_station

    client.force_login(world.org.clerk)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="action-platform-jurisdiction"' in page
    response = client.post(f"/cases/{case.number}/routing/platform-jurisdiction/",
                           {"reason": "unreachable", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.platform_jurisdiction == "unreachable" and case.routing.proposed_unit == world.org.station
    assert case.routing.reason.startswith("按平台公示地址无法联系平台内经营者 → 按平台经营者")
    event = case.events.filter(action=CaseEvent.Action.UPDATE).latest("at")
    assert "改按平台经营者住所地管辖：按平台公示地址无法联系平台内经营者（示例本地生活平台(示例数据)）" in event.note


def test_the_unit_it_was_dispatched_to_switches_and_hands_it_back_in_one_action(world, platforms):
    _, local = platforms
    case = merchant_case(world, local, respondent_address="新会区会城街道某路3号", respondent_area=world.huicheng)
    case = services.case_dispatch(case=case, unit=world.org.far_station, by=world.org.supervisor)
    case = case_platform_jurisdiction_switch(case=case, by=world.org.far_handler, reason="unreachable")
    assert case.state == Case.State.REGISTERED and case.handling_unit is None
    assert case.routing.proposed_unit == world.org.station
    assert case.events.filter(action=CaseEvent.Action.RETURN).exists()


def test_a_unit_that_does_not_handle_the_case_may_not_switch_it(world, platforms):
    _, local = platforms
    case = merchant_case(world, local, respondent_address="会城街道某路3号", respondent_area=world.huicheng)
    case = services.case_dispatch(case=case, unit=world.org.far_station, by=world.org.supervisor)
    with pytest.raises(Exception, match="只有登记员、分流单位或承办单位"):
        case_platform_jurisdiction_switch(case=case, by=world.org.handler, reason="unreachable")


def test_switching_a_case_without_a_platform_names_the_platform_field(world):
    case = case_received(by=world.org.clerk)
    with pytest.raises(ApplicationError) as refused:
        case_platform_jurisdiction_switch(case=case, by=world.org.clerk, reason="unreachable")
    assert "respondent_platform" in refused.value.errors


def test_the_intake_form_refuses_an_unknown_platform_and_keeps_what_was_typed(world, platforms, client):
    client.force_login(world.org.clerk)
    response = client.post("/cases/new/", {
        "kind": "complaint", "channel": "phone", "grade": "general", "complainant_type": "individual", "complainant_name": "王五",
        "complainant_phone": "13700137000", "respondent_name": "某某数码专营店", "respondent_platform": "999999",
        "respondent_shop": "某某数码专营店", "incident_time": "2026年11月25日", "incident_place": "网购",
        "facts": "网购耳机无法开机", "demand": "退货退款"})
    assert response.status_code == 400
    assert "respondent_platform" in response.context["form"].errors
    assert "某某数码专营店" in response.content.decode()
    assert not Case.objects.exists()


def test_the_intake_form_takes_the_platform_fields(world, platforms, client):
    _, local = platforms
    client.force_login(world.org.clerk)
    response = client.post("/cases/new/", {
        "kind": "complaint", "channel": "phone", "grade": "general", "complainant_type": "individual", "complainant_name": "王五",
        "complainant_phone": "13700137000", "respondent_name": "某某数码专营店", "respondent_platform": local.pk,
        "respondent_shop": "某某数码专营店", "incident_time": "2026年11月25日", "incident_place": "网购",
        "facts": "网购耳机无法开机", "demand": "退货退款"})
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get()
    assert (case.respondent_platform, case.respondent_shop, case.platform_jurisdiction) == (
        local, "某某数码专营店", "no_address")


def test_the_api_takes_the_platform_by_code_and_refuses_an_unknown_one(world, platforms):
    client = system_create(code="hotline12345", user=world.org.clerk, channel="hotline_12345").client
    payload = {"reference": "GD-2026-0902", "kind": "complaint", "complainant_name": "李四",
               "complainant_phone": "13900139000", "respondent_name": "某某数码专营店",
               "respondent_platform": "no-such-platform", "respondent_shop": "某某数码专营店",
               "incident_time": "2026年11月26日", "incident_place": "网购", "facts": "网购耳机无法开机",
               "demand": "退货退款"}
    refused = client.post("/api/v1/cases/", payload, format="json")
    assert refused.status_code == 400 and "respondent_platform" in str(refused.json())
    created = client.post("/api/v1/cases/", {**payload, "respondent_platform": "tmall"}, format="json")
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    case = client.get(f"/api/v1/cases/{number}/").json()
    assert (case["respondent_platform"], case["platform_jurisdiction"]) == ("tmall", "no_address")


def test_the_api_switch_action_and_its_bad_input(world, platforms):
    _, local = platforms
    case = merchant_case(world, local, respondent_address="会城街道某路3号", respondent_area=world.huicheng)
    client = api(world.org.supervisor)
    url = f"/api/v1/cases/{case.number}/platform-jurisdiction/"
    bad = client.post(url, {"reason": "moved"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json().get("errors", bad.json())
    stale = client.post(url, {"reason": "unreachable", "version": case.version - 1}, format="json")
    assert stale.status_code == 409
    done = client.post(url, {"reason": "unreachable", "version": case.version}, format="json")
    assert done.status_code == 200 and done.json()["platform_jurisdiction"] == "unreachable"
    case.refresh_from_db()
    assert case.routing.proposed_unit == world.org.station
    assert client.post("/api/v1/cases/19990101000001/platform-jurisdiction/", {"reason": "unreachable"},
                       format="json").status_code == 404
