"""Several units: the lead (handling unit) replies; co-handlers see the case and add findings."""
import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.models import CaseEvent, Notification
from complaints.services import routing as routing_services
from core.errors import ApplicationError
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(org):
    case = journeys.to_handling(org)
    routing_services.case_cohandlers_assign(case=case, by=org.supervisor, units=[org.far_station], note="涉及两地")
    return case


def test_co_handlers_see_the_case_in_their_list_and_inbox(client, org, shared):
    client.force_login(org.far_handler)
    assert shared.number in client.get("/cases/").content.decode()
    page = client.get(f"/cases/{shared.number}/")
    assert page.status_code == 200 and "提交协办意见" in page.content.decode()
    assert Notification.objects.filter(recipient_unit=org.far_station, case=shared).exists()


def test_units_not_taking_part_still_cannot_see_it(client, org, shared):
    client.force_login(org.other_handler)
    assert client.get(f"/cases/{shared.number}/").status_code == 404


def test_co_handler_adds_findings_for_the_lead(client, org, shared):
    client.force_login(org.far_handler)
    client.post(f"/cases/{shared.number}/routing/findings/", {"text": "经核查,会城分店确有同类问题。"})
    event = shared.events.get(action=CaseEvent.Action.FINDINGS)
    assert event.actor_unit == org.far_station and "会城分店" in event.note
    assert Notification.objects.filter(recipient_unit=org.station, title__contains="协办意见").exists()


def test_only_co_handlers_add_findings(org, shared):
    with pytest.raises(PermissionDenied):
        routing_services.case_findings_add(case=shared, by=org.other_handler, text="无关单位的意见")


def test_only_the_lead_replies(client, org, shared):
    with pytest.raises(PermissionDenied):
        services.case_reply(case=shared, by=org.far_handler, text="协办单位不能答复投诉人的。")
    client.force_login(org.far_handler)
    page = client.get(f"/cases/{shared.number}/").content.decode()
    assert 'id="action-reply"' not in page
    services.case_reply(case=shared, by=org.handler, text="牵头单位汇总协办意见后答复投诉人。")
    assert shared.state == "replied"


def test_only_the_center_or_the_district_above_names_co_handlers(org):
    case = journeys.to_handling(org)
    with pytest.raises(PermissionDenied):
        routing_services.case_cohandlers_assign(case=case, by=org.handler, units=[org.other_station])
    with pytest.raises(ApplicationError):  # a district center only within its own district
        routing_services.case_cohandlers_assign(case=case, by=org.district_supervisor, units=[org.far_station])
    routing_services.case_cohandlers_assign(case=case, by=org.district_supervisor, units=[org.other_station])
    assert case.assignments.get().unit == org.other_station


def test_findings_end_with_the_reply(org, shared):
    services.case_reply(case=shared, by=org.handler, text="牵头单位已答复投诉人处理结果。")
    with pytest.raises(ApplicationError):
        routing_services.case_findings_add(case=shared, by=org.far_handler, text="答复后才提交的意见")


def test_the_lead_unit_is_not_offered_as_its_own_co_handler(client, org):
    case = journeys.to_handling(org)
    client.force_login(org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    choices = page[page.index('name="units"'):]
    choices = choices[:choices.index("</select>")]
    assert org.other_station.name in choices and org.station.name not in choices
