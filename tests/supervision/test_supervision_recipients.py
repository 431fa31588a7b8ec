"""Who is told of supervision: one rule for the sweep's notifications, its e-mails and the calendar
warning, so a change of staff at the center reaches all three at once."""
from datetime import timedelta

import pytest
from django.test import override_settings

from complaints.models import Notification
from complaints.services.procedure import case_accept_complaint
from routing.models import User
from supervision.sweep import deadlines_sweep
from supervision.tasks import calendar_coverage_check
from tests.complaints.journeys import to_handling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _overdue_for_a_week(org, django_capture_on_commit_callbacks):
    case = to_handling(org)
    case_accept_complaint(case=case, by=org.handler)  # 受理: only the handling clock runs out here
    clock = case.clocks.get(clock="handling", stopped_at__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(now=clock.due_at + timedelta(days=7))  # all three levels at once
    return case


def _mailed(mailoutbox, subject_part: str) -> set[str]:
    return {address for m in mailoutbox if subject_part in m.subject for address in m.to}


@override_settings(CALENDAR_WARNING_DAYS=3650)  # ten years ahead: a schedule is certainly missing
def test_a_new_director_is_told_of_the_escalation_and_of_the_missing_schedule(
        org, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(username="new_director", unit=org.center, role=User.Role.DIRECTOR, email="new@example.cn")

    case = _overdue_for_a_week(org, django_capture_on_commit_callbacks)
    calendar_coverage_check()

    assert Notification.objects.filter(case=case, kind=Notification.Kind.ESCALATION,
                                       recipient_user__username="new_director").count() == 1
    assert "new@example.cn" in _mailed(mailoutbox, "升级督办")
    assert "new@example.cn" in _mailed(mailoutbox, "节假日安排")


@override_settings(CALENDAR_WARNING_DAYS=3650)
def test_an_inactive_leader_is_told_of_neither(org, mailoutbox, django_capture_on_commit_callbacks):
    gone = UserFactory(username="former_director", unit=org.center, role=User.Role.DIRECTOR,
                       email="former@example.cn", is_active=False)
    UserFactory(username="director", unit=org.center, role=User.Role.DIRECTOR, email="director@example.cn")
    org.leader.email, org.leader.is_active = "leader@example.cn", False
    org.leader.save()

    case = _overdue_for_a_week(org, django_capture_on_commit_callbacks)
    calendar_coverage_check()

    assert not Notification.objects.filter(case=case, recipient_user__in=[gone, org.leader]).exists()
    # the unit itself is still told of the supervision order
    assert Notification.objects.filter(case=case, recipient_unit=org.station,
                                       kind=Notification.Kind.SUPERVISION_ORDER).exists()
    for told in (_mailed(mailoutbox, "督办"), _mailed(mailoutbox, "节假日安排")):
        assert "director@example.cn" in told
        assert not told & {"former@example.cn", "leader@example.cn"}
