"""A unit leader reassigns a case inside the unit; nobody else may, and not outside the unit."""

import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.models import CaseEvent
from core.errors import ApplicationError, TransitionRefused
from tests.complaints import journeys
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_leader_reassigns_inside_the_unit_and_history_records_it(org):
    colleague = UserFactory(username="colleague", unit=org.station, role="handler")
    case = journeys.to_handling(org)
    services.case_reassign(case=case, by=org.leader, handler=colleague, note="原承办人休假")
    case.refresh_from_db()
    assert case.handler == colleague
    event = case.events.order_by("-pk").first()
    assert event.action == CaseEvent.Action.REASSIGN and event.internal
    assert event.data["to"] == str(colleague) and event.note == "原承办人休假"


def test_reassign_outside_the_unit_is_refused_with_the_field(org):
    case = journeys.to_handling(org)
    with pytest.raises(ApplicationError) as error:
        services.case_reassign(case=case, by=org.leader, handler=org.other_handler)
    assert error.value.field == "handler"


def test_a_handler_may_not_reassign(org):
    case = journeys.to_handling(org)
    with pytest.raises(PermissionDenied):
        services.case_reassign(case=case, by=org.handler, handler=org.leader)


def test_reassign_needs_a_case_in_handling(org):
    case = journeys.to_dispatched(org)
    with pytest.raises(TransitionRefused):
        services.case_reassign(case=case, by=org.leader, handler=org.handler)


def test_reassign_from_the_inbox_page(client, org):
    colleague = UserFactory(username="colleague", unit=org.station, role="handler")
    case = journeys.to_handling(org)
    client.force_login(org.leader)
    response = client.post(
        f"/cases/{case.number}/act/reassign/",
        {"version": case.version, "reassign-handler": colleague.pk, "next": "/inbox/"},
    )
    assert response.status_code == 302 and response.url == "/inbox/"
    case.refresh_from_db()
    assert case.handler == colleague


def test_reassign_form_offers_only_the_units_staff(client, org):
    case = journeys.to_handling(org)
    client.force_login(org.leader)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "改派承办人" in page
    assert str(org.other_handler) not in page
    response = client.post(
        f"/cases/{case.number}/act/reassign/",
        {"version": case.version, "reassign-handler": org.other_handler.pk},
    )
    assert response.status_code == 400
