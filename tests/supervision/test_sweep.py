"""The deadline sweep: yellow, red, escalation once per level, catch-up after missed runs."""
from datetime import timedelta

import pytest

from complaints import services
from complaints.models import CaseEvent, Notification
from complaints.services.procedure import case_accept_complaint
from deadlines.models import CaseClock
from routing.models import User
from supervision.models import Escalation, RedLineItem
from supervision.sweep import deadlines_sweep
from tests.complaints.journeys import to_handling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def accepted(org, case) -> None:
    """受理 recorded, so the statutory acceptance clock (7 working days from receipt) is not the one
    that runs out first."""
    case_accept_complaint(case=case, by=org.handler)


def handling_clock(case) -> CaseClock:
    return case.clocks.get(clock="handling", stopped_at__isnull=True)


@pytest.fixture
def director(org):
    return UserFactory(username="director", unit=org.center, role=User.Role.DIRECTOR)


def test_a_clock_turns_yellow_within_the_lead_time_and_not_before(org):
    clock = handling_clock(to_handling(org))
    assert clock.warn_at < clock.due_at

    deadlines_sweep(now=clock.warn_at - timedelta(minutes=1))
    clock.refresh_from_db()
    assert clock.warning == CaseClock.Warning.NONE

    deadlines_sweep(now=clock.warn_at + timedelta(minutes=1))
    clock.refresh_from_db()
    assert clock.warning == CaseClock.Warning.YELLOW
    assert not Escalation.objects.filter(clock=clock).exists()


def test_overdue_clock_issues_a_supervision_order_to_unit_and_leader_once(org):
    case = to_handling(org)
    clock = handling_clock(case)
    late = clock.due_at + timedelta(minutes=1)

    deadlines_sweep(now=late)
    deadlines_sweep(now=late + timedelta(minutes=3))

    clock.refresh_from_db()
    assert clock.warning == CaseClock.Warning.RED and clock.escalation_level == 1
    order = Escalation.objects.get(clock=clock)
    assert (order.level, order.unit, order.handler, order.with_extension) == (1, org.station, org.handler, False)
    orders = Notification.objects.filter(case=case, kind=Notification.Kind.SUPERVISION_ORDER, title__contains="办理")
    assert {(n.recipient_unit, n.recipient_user) for n in orders} == {(org.station, None), (None, org.leader)}
    assert "督办单" in orders[0].title
    assert RedLineItem.objects.filter(case=case, reason="overdue", closed_at__isnull=True).count() == 1
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.SUPERVISE).exists()


def test_still_overdue_escalates_to_the_parent_then_to_the_director(org, director):
    case = to_handling(org)
    accepted(org, case)  # the acceptance clock stopped: only the handling clock runs out here
    clock = handling_clock(case)
    deadlines_sweep(now=clock.due_at + timedelta(hours=1))
    assert not Notification.objects.filter(case=case, recipient_unit=org.district).exists()

    deadlines_sweep(now=clock.due_at + timedelta(hours=25))
    assert Notification.objects.filter(case=case, recipient_unit=org.district,
                                       kind=Notification.Kind.ESCALATION).count() == 1
    assert not Notification.objects.filter(case=case, recipient_user=director).exists()

    deadlines_sweep(now=clock.due_at + timedelta(hours=73))
    deadlines_sweep(now=clock.due_at + timedelta(hours=80))
    assert Notification.objects.filter(case=case, recipient_user=director).filter(title__contains="办理").count() == 1
    assert sorted(Escalation.objects.filter(clock=clock).values_list("level", flat=True)) == [1, 2, 3]


def test_a_missed_week_of_sweeps_is_caught_up_in_one_run(org, director):
    clock = handling_clock(to_handling(org))
    deadlines_sweep(now=clock.due_at + timedelta(days=7))
    assert sorted(Escalation.objects.filter(clock=clock).values_list("level", flat=True)) == [1, 2, 3]


def test_the_database_refuses_a_second_step_even_when_a_sweep_read_stale_levels(org):
    """What a second, concurrent sweep sees: clocks still at level 0. The unique constraint wins."""
    case = to_handling(org)
    clock = handling_clock(case)
    late = clock.due_at + timedelta(minutes=1)
    deadlines_sweep(now=late)
    before = Notification.objects.filter(case=case).count()
    CaseClock.objects.filter(pk=clock.pk).update(escalation_level=0, warning="none")

    result = deadlines_sweep(now=late)

    assert result.escalated[1] == 0
    assert Escalation.objects.filter(clock=clock, level=1).count() == 1
    assert Notification.objects.filter(case=case).count() == before


def test_a_stopped_clock_is_left_alone(org):
    case = to_handling(org)
    clock = handling_clock(case)
    services.case_reply(case=case, by=org.handler, text="经调查,商家已同意退还预付卡余额,投诉人无异议。")
    deadlines_sweep(now=clock.due_at + timedelta(days=1))
    clock.refresh_from_db()
    assert clock.warning == CaseClock.Warning.NONE
    assert not Escalation.objects.filter(clock=clock).exists()


def test_overdue_after_an_approved_extension_is_counted_apart(org):
    case = to_handling(org)
    services.case_request_extension(case=case, by=org.handler, days=5, reason="需现场核查")
    services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    clock = handling_clock(case)
    deadlines_sweep(now=clock.due_at + timedelta(minutes=1))
    assert Escalation.objects.get(clock=clock, level=1).with_extension is True


def test_statutory_clocks_are_swept_too(org):
    """A complaint left unregistered past the 7 working days of the complaint rules is overdue,
    and the order goes to the unit that received it."""
    from tests.complaints.journeys import to_received

    case = to_received(org)
    clock = case.clocks.get(clock="statutory_accept")
    assert clock.limit_amount == 7
    deadlines_sweep(now=clock.due_at + timedelta(minutes=1))
    order = Escalation.objects.get(clock=clock, level=1)
    assert order.unit == org.center
    assert Notification.objects.filter(case=case, recipient_unit=org.center, title__contains="受理决定").exists()


def test_supervision_orders_are_mailed_after_commit_where_an_address_is_set(org, mailoutbox,
                                                                            django_capture_on_commit_callbacks):
    org.leader.email = "leader@example.cn"
    org.leader.save()
    clock = handling_clock(to_handling(org))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deadlines_sweep(now=clock.due_at + timedelta(minutes=1))
    assert not mailoutbox  # nothing leaves before the sweep's transaction commits
    for callback in callbacks:
        callback()
    mailed = [m for m in mailoutbox if "办理" in m.subject]
    # the leader is reached by name and as a member of the unit, but mailed once
    assert [m.to for m in mailed] == [["leader@example.cn"]]
    assert "督办单" in mailed[0].subject


def _case_page(client, case, language: str) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(f"/cases/{case.number}/").content.decode()


def test_the_sweeps_history_reads_in_the_readers_language(client, org):
    case = to_handling(org)
    accepted(org, case)  # the acceptance clock stopped: only the handling clock runs out here
    deadlines_sweep(now=handling_clock(case).due_at + timedelta(minutes=1))
    client.force_login(org.supervisor)

    assert "督办单（承办单位及负责人）：办理" in _case_page(client, case, "zh-hans")
    english = _case_page(client, case, "en")
    assert "Supervision order (handling unit and its leader): Handling" in english
    assert "督办单（承办单位及负责人）" not in english
    # what the API, webhooks and exports read stays in the site's language
    assert CaseEvent.objects.get(case=case, action=CaseEvent.Action.SUPERVISE).note == "督办单（承办单位及负责人）：办理"


def test_the_sweep_writes_in_the_sites_language_whatever_the_workers(org):
    from django.utils import translation

    case = to_handling(org)
    accepted(org, case)  # the acceptance clock stopped: only the handling clock runs out here
    with translation.override("en"):
        deadlines_sweep(now=handling_clock(case).due_at + timedelta(minutes=1))
    order = Notification.objects.filter(case=case, kind=Notification.Kind.SUPERVISION_ORDER).first()
    assert order.title == f"督办单：工单 {case.number} 办理时限已超期"
    assert order.body == f"被投诉人：{case.respondent_name}；请立即办理并报告情况。"
