"""Direct command (直接指令): an urgent or major case the center sends straight to a station; the
bypassed district center is told, and the reply is filed with it."""
import pytest

from complaints import services
from complaints.models import CaseAssignment, CaseEvent, Notification
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def direct(org, grade="urgent"):
    case = journeys.to_registered(org, grade=grade)
    return services.case_dispatch(case=case, unit=org.station, by=org.supervisor, handling_limit=(24, "hours"))


@pytest.mark.parametrize("grade", ["urgent", "major"])
def test_direct_command_informs_the_bypassed_district_center(org, grade):
    case = direct(org, grade)
    assert case.handling_unit == org.station
    assert CaseAssignment.objects.filter(case=case, unit=org.district, role="informed").exists()
    notice = Notification.objects.get(recipient_unit=org.district, case=case)
    assert notice.kind == "notice" and "直接指令" in notice.title
    assert case.events.filter(action=CaseEvent.Action.NOTICE, data__direct_command=True).exists()
    # No redispatch is expected from the bypassed center.
    assert not case.clocks.filter(clock="redispatch").exists()


def test_reply_of_a_direct_command_is_filed_with_the_bypassed_center(org):
    case = direct(org)
    services.case_accept(case=case, by=org.handler)
    services.case_record_contact(case=case, by=org.handler, means="phone", content="已联系")
    services.case_reply(case=case, by=org.handler, text="经核查,商家已退款,投诉人表示满意。")
    filed = Notification.objects.filter(recipient_unit=org.district, case=case, title__contains="答复备案")
    assert filed.count() == 1 and "已退款" in filed.get().body
    assert case.events.filter(action=CaseEvent.Action.NOTICE, data__filed_with=[org.district.code]).exists()


def test_general_case_dispatched_through_the_district_center_informs_no_one(org):
    case = services.case_dispatch(case=journeys.to_registered(org), unit=org.district, by=org.supervisor)
    services.case_redispatch(case=case, unit=org.station, by=org.district_supervisor)
    assert not CaseAssignment.objects.filter(case=case).exists()
    assert not Notification.objects.filter(case=case, kind="notice").exists()


def test_bypassed_center_sees_the_informed_case_on_its_page(client, org):
    case = direct(org)
    client.force_login(org.district_supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="informed"' in page and "蓬江区12315受理中心" in page
