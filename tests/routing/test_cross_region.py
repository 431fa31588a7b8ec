"""File anywhere (同城通办): a case taken in in another county-level division than the respondent's
is marked, routed to the respondent's unit, and the receiving unit's notice to the respondent's
district center (within 2 days, filed with the center) is tracked."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Case, CaseEvent, CrossRegionNotice, Notification
from complaints.services import routing as routing_services
from routing.models import User
from tests.factories import UserFactory, case_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def far_clerk(world):
    return UserFactory(username="far_clerk", unit=world.org.far_station, role=User.Role.CLERK)


def file_at_far_station(world, far_clerk) -> Case:
    return case_received(by=far_clerk, respondent_area=world.baisha)


def test_case_filed_away_from_the_respondents_unit_is_cross_region(world, far_clerk):
    case = file_at_far_station(world, far_clerk)
    assert case.cross_region is True
    assert case.routing.proposed_unit == world.org.station  # routed to the respondent's unit
    notice = case.cross_region_notice
    assert notice.receiving_unit == world.org.far_station and notice.target_unit == world.org.district
    clock = case.clocks.get(clock="cross_region_notice", stopped_at__isnull=True)
    assert clock.limit_amount == 2 and clock.limit_unit == "days" and notice.due_at == clock.due_at
    assert notice.status == "pending"
    assert case.events.filter(action=CaseEvent.Action.CROSS_REGION).exists()


@pytest.mark.parametrize("where", ["center", "own_station", "own_district"])
def test_case_filed_where_it_belongs_is_not_cross_region(world, where):
    unit = {"center": world.org.center, "own_station": world.org.station, "own_district": world.org.district}[where]
    clerk = world.org.clerk if where == "center" else UserFactory(unit=unit, role=User.Role.CLERK)
    case = case_received(by=clerk, respondent_area=world.baisha)
    assert case.cross_region is False and not CrossRegionNotice.objects.filter(case=case).exists()


def test_receiving_unit_records_the_notice_which_goes_to_the_unit_and_the_center(client, world, far_clerk):
    case = file_at_far_station(world, far_clerk)
    client.force_login(far_clerk)
    assert "记录同城通办告知" in client.get(f"/cases/{case.number}/").content.decode()
    client.post(f"/cases/{case.number}/routing/cross-region-notice/", {"text": "已电话告知蓬江区12315受理中心并传真工单"})
    notice = CrossRegionNotice.objects.get(case=case)
    assert notice.status == "sent" and notice.notified_by == far_clerk
    assert not case.clocks.filter(clock="cross_region_notice", stopped_at__isnull=True).exists()
    recipients = set(Notification.objects.filter(case=case, kind="cross_region")
                     .values_list("recipient_unit__code", flat=True))
    assert recipients == {"D01", "C"}
    assert case.events.filter(action=CaseEvent.Action.CROSS_REGION, data__notified=True).exists()


def test_only_the_receiving_unit_records_the_notice(world, far_clerk):
    from django.core.exceptions import PermissionDenied

    case = file_at_far_station(world, far_clerk)
    with pytest.raises(PermissionDenied):
        routing_services.case_cross_region_notify(case=case, by=world.org.handler, note="x")


def test_notice_not_sent_in_time_shows_overdue_on_the_center_list(client, world, far_clerk):
    late = file_at_far_station(world, far_clerk)
    CrossRegionNotice.objects.filter(case=late).update(due_at=timezone.now() - timedelta(hours=1))
    sent = file_at_far_station(world, far_clerk)
    routing_services.case_cross_region_notify(case=sent, by=far_clerk, note="已告知")
    ordinary = case_received(by=world.org.clerk, respondent_area=world.baisha)
    client.force_login(world.org.supervisor)
    page = client.get("/cases/cross-region/").content.decode()
    assert late.number in page and sent.number in page and ordinary.number not in page
    assert "已逾期未告知" in page and "已告知" in page
