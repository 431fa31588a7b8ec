"""Two-level dispatch: center → district center (same working day) → its unit; returns go back to
whoever dispatched; transfer out records the department and its notice."""
import pytest

from complaints import services
from complaints.models import Case, CaseEvent, Notification
from complaints.routing_selectors import unit_return_counts
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def running(case, clock):
    return case.clocks.filter(clock=clock, stopped_at__isnull=True).first()


def to_district(world_or_org):
    org = getattr(world_or_org, "org", world_or_org)
    return services.case_dispatch(case=journeys.to_registered(org), unit=org.district, by=org.supervisor)


def test_dispatch_to_a_district_center_starts_a_same_working_day_clock(org):
    case = to_district(org)
    clock = running(case, "redispatch")
    assert clock is not None and clock.limit_unit == "same_working_day"
    handling_due = running(case, "handling").due_at
    services.case_redispatch(case=case, unit=org.station, by=org.district_supervisor)
    assert running(case, "redispatch") is None
    assert case.clocks.get(clock="redispatch").stopped_at is not None
    assert running(case, "handling").due_at == handling_due  # deadlines run from the first dispatch
    actions = list(case.events.values_list("action", flat=True))
    assert actions[-2:] == ["dispatch", "redispatch"]


def test_district_center_can_only_redispatch_below_itself(org):
    from django.core.exceptions import PermissionDenied

    case = to_district(org)
    with pytest.raises(PermissionDenied):
        services.case_redispatch(case=case, unit=org.far_station, by=org.district_supervisor)


def test_return_after_redispatch_goes_back_to_the_district_center(org):
    case = to_district(org)
    services.case_redispatch(case=case, unit=org.station, by=org.district_supervisor)
    services.case_return(case=case, by=org.handler, reason="被投诉人不在本所辖区")
    assert case.state == Case.State.DISPATCHED
    assert case.handling_unit == org.district and case.dispatching_unit == org.center
    assert running(case, "redispatch") is not None
    assert Notification.objects.filter(recipient_unit=org.district, title__contains="退回").exists()
    event = case.events.filter(action=CaseEvent.Action.RETURN).get()
    assert event.note == "被投诉人不在本所辖区" and event.data["back_to"] == org.district.code
    # The district center dispatches it on again.
    services.case_redispatch(case=case, unit=org.other_station, by=org.district_supervisor)
    assert case.handling_unit == org.other_station


def test_return_by_the_district_center_goes_to_the_center_queue(org):
    case = to_district(org)
    services.case_return(case=case, by=org.district_supervisor, reason="不属本区管辖")
    assert case.state == Case.State.REGISTERED and case.handling_unit is None
    assert running(case, "dispatch") is not None and running(case, "redispatch") is None


def test_return_straight_from_a_center_dispatch_goes_to_the_queue(client, org):
    case = journeys.to_dispatched(org)
    services.case_return(case=case, by=org.handler, reason="非本所管辖")
    assert case.state == Case.State.REGISTERED
    client.force_login(org.supervisor)
    assert case.number in client.get("/cases/queue/").content.decode()


def test_returns_count_per_unit(org):
    for _ in range(2):
        services.case_return(case=journeys.to_dispatched(org), by=org.handler, reason="非本所管辖")
    case = to_district(org)
    services.case_return(case=case, by=org.district_supervisor, reason="不属本区")
    counts = unit_return_counts()
    assert counts == {org.station.pk: 2, org.district.pk: 1}


def test_transfer_out_records_the_department_and_sends_the_notice(client, org):
    case = journeys.to_transferred(org)
    notice = Notification.objects.get(recipient_unit=org.external, case=case)
    assert "移送函" in notice.title and notice.body == "属住建部门职责"
    client.force_login(org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="transfer-notice"' in page and "市住建局" in page and "属住建部门职责" in page


def test_district_center_sees_its_cases_waiting_for_redispatch(client, org):
    case = to_district(org)
    client.force_login(org.district_supervisor)
    page = client.get("/cases/queue/").content.decode()
    assert 'id="redispatch-queue"' in page and case.number in page
    services.case_redispatch(case=case, unit=org.station, by=org.district_supervisor)
    assert case.number not in client.get("/cases/queue/").content.decode()
