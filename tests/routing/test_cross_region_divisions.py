"""同城通办 is decided between county-level divisions (SPEC §6.4), on 佛山市's real districts: a
complaint taken in at another station of the respondent's own district is not cross-region, one
taken in in another district is (notice to the respondent's district center, 2-day clock), and the
city center's departments never make a case cross-region."""
import pytest

from complaints import services
from complaints.models import CaseEvent, CrossRegionNotice, IntakeSettings, Notification
from complaints.services import routing as routing_services
from tests.factories import case_fields, case_received, time_limits_seed
from tests.foshan import foshan_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def fs(db):
    time_limits_seed()
    return foshan_city()


def complaint_about(fs, township_code: str, *, at_unit, register=True):
    return case_received(by=fs.clerk(at_unit), register=register, respondent_area=fs.areas[township_code],
                         respondent_name="佛山市禅城区某某美容养生馆", incident_place="祖庙路18号",
                         facts="办理美容预付卡3000元后门店停业,余额无法使用", demand="退还卡内余额2400元")


def test_same_district_complaint_taken_in_at_another_station_is_not_cross_region(fs):
    # Taken in at 石湾镇所 about a shop in 祖庙街道: both are 禅城区.
    case = complaint_about(fs, "440604010", at_unit=fs.shiwan)
    assert case.routing.proposed_unit == fs.zumiao
    assert case.cross_region is False
    assert not CrossRegionNotice.objects.filter(case=case).exists()
    assert not case.clocks.filter(clock="cross_region_notice").exists()


def test_the_squad_inside_the_ring_road_is_in_its_district_too(fs):
    case = complaint_about(fs, "440604011", at_unit=fs.squad)
    assert case.cross_region is False


def test_different_county_complaint_is_cross_region_with_notice_to_the_district_center(fs):
    # Taken in at 桂城所 (南海区) about a shop in 祖庙街道 (禅城区).
    case = complaint_about(fs, "440604010", at_unit=fs.guicheng)
    assert case.cross_region is True
    assert case.routing.proposed_unit == fs.zumiao  # the case still goes to the respondent's unit
    notice = case.cross_region_notice
    assert notice.receiving_unit == fs.guicheng
    assert notice.target_unit == fs.chancheng  # the county-level bureau, not the station
    clock = case.clocks.get(clock="cross_region_notice", stopped_at__isnull=True)
    assert clock.limit_amount == 2 and notice.due_at == clock.due_at
    event = case.events.filter(action=CaseEvent.Action.CROSS_REGION).get()
    assert "禅城区" in event.note and event.data["unit"] == "FS04"


def test_the_notice_goes_to_the_district_center_and_is_filed_with_the_center(fs):
    case = complaint_about(fs, "440604010", at_unit=fs.guicheng)
    clerk = case.registering_unit.user_set.get()
    routing_services.case_cross_region_notify(case=case, by=clerk, note="已电话告知禅城区12315受理中心并传真工单")
    recipients = set(Notification.objects.filter(case=case, kind="cross_region")
                     .values_list("recipient_unit__code", flat=True))
    assert recipients == {"FS04", "FS"}


@pytest.mark.parametrize("unit", ["center", "department"])
def test_a_city_unit_taking_a_case_in_never_makes_it_cross_region(fs, unit):
    case = complaint_about(fs, "440607010", at_unit=getattr(fs, unit))
    assert case.cross_region is False
    assert not CrossRegionNotice.objects.filter(case=case).exists()


def test_a_district_center_taking_in_a_neighbours_case_is_cross_region(fs):
    case = complaint_about(fs, "440607010", at_unit=fs.chancheng)
    assert case.cross_region is True and case.cross_region_notice.target_unit == fs.sanshui


def test_correcting_the_respondents_area_into_the_receiving_district_withdraws_the_notice(fs):
    case = complaint_about(fs, "440604010", at_unit=fs.guicheng)
    clerk = case.registering_unit.user_set.get()
    services.case_update_details(case=case, by=clerk, fields={"respondent_area": fs.areas["440605011"]})
    case.refresh_from_db()
    assert case.cross_region is False
    assert not CrossRegionNotice.objects.filter(case=case).exists()
    assert not case.clocks.filter(clock="cross_region_notice", stopped_at__isnull=True).exists()
    assert case.events.filter(action=CaseEvent.Action.CROSS_REGION, data__withdrawn=True).exists()


def test_correcting_the_respondents_area_to_another_district_retargets_the_notice(fs):
    case = complaint_about(fs, "440604010", at_unit=fs.guicheng)
    clerk = case.registering_unit.user_set.get()
    services.case_update_details(case=case, by=clerk, fields={"respondent_area": fs.areas["440607010"]})
    notice = CrossRegionNotice.objects.get(case=case)
    assert notice.target_unit == fs.sanshui
    assert case.clocks.filter(clock="cross_region_notice", stopped_at__isnull=True).count() == 1


def test_correcting_a_same_district_case_to_another_district_makes_it_cross_region(fs):
    case = complaint_about(fs, "440605011", at_unit=fs.guicheng)
    assert case.cross_region is False
    clerk = case.registering_unit.user_set.get()
    services.case_update_details(case=case, by=clerk, fields={"respondent_area": fs.areas["440604011"]})
    case.refresh_from_db()
    assert case.cross_region is True and case.cross_region_notice.target_unit == fs.chancheng


def test_the_level_is_the_centers_setting(fs):
    settings_row = IntakeSettings.current()
    settings_row.cross_region_level = "street"
    settings_row.save()
    # At township level, 石湾镇所 taking in a 祖庙街道 shop is across a boundary.
    case = complaint_about(fs, "440604010", at_unit=fs.shiwan)
    assert case.cross_region is True


def test_a_received_case_is_judged_when_registered(fs):
    case = services.case_receive(by=fs.clerk(fs.guicheng), register=False, fields=case_fields(
        respondent_area=fs.areas["440604012"], demand=""))[0]
    assert case.cross_region is False
    services.case_update_details(case=case, by=case.registering_unit.user_set.get(), fields={"demand": "退款"})
    services.case_register(case=case, by=case.registering_unit.user_set.get())
    case.refresh_from_db()
    assert case.cross_region is True and case.cross_region_notice.target_unit == fs.chancheng
