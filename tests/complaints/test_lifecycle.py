"""Every legal transition of SPEC section 4 through its service, and every illegal one refused."""
import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from complaints import services
from complaints.models import Case, CaseEvent, DeclineReason, ExtensionRequest
from core.errors import ApplicationError, TransitionRefused
from tests.complaints import journeys
from tests.factories import case_received

pytestmark = pytest.mark.django_db


def last_event(case):
    return case.events.order_by("-at", "-pk").first()


def test_full_main_line_records_each_step(org):
    case = journeys.to_archived(org)

    assert case.state == Case.State.ARCHIVED
    assert list(case.events.values_list("action", flat=True)) == [
        "receive", "register", "dispatch", "accept", "contact", "reply", "approve_reply", "follow_up", "archive",
    ]
    assert case.satisfaction == "satisfied" and case.resolved is True
    assert not case.clocks.filter(stopped_at__isnull=True).exists()


def test_decline_records_the_reason_and_its_notice(org):
    case = journeys.to_declined(org)
    event = last_event(case)
    assert case.state == Case.State.DECLINED
    assert event.action == CaseEvent.Action.DECLINE
    assert "信访" in event.data["notice"]


def test_consultation_answered_on_the_spot_is_archived(org):
    case = case_received(by=org.clerk, kind=Case.Kind.CONSULTATION, register=False)
    services.case_answer(case=case, by=org.clerk, answer="预付卡退费可依据《消费者权益保护法》第53条。")
    assert case.state == Case.State.ARCHIVED
    assert case.outcome_text.startswith("预付卡退费")


def test_answer_on_the_spot_is_only_for_consultations(org):
    with pytest.raises(TransitionRefused):
        services.case_answer(case=journeys.to_registered(org), by=org.clerk, answer="答复")


def test_transfer_out_records_the_department(org):
    case = journeys.to_transferred(org)
    assert case.state == Case.State.TRANSFERRED
    assert last_event(case).data["department"] == org.external.code


def test_transfer_needs_an_external_department(org):
    with pytest.raises(ApplicationError) as error:
        services.case_transfer_out(case=journeys.to_registered(org), by=org.clerk, department=org.station, note="x")
    assert error.value.field == "department"


def test_dispatch_sets_the_unit_and_starts_contact_and_handling_clocks(org):
    case = journeys.to_dispatched(org)
    assert case.state == Case.State.DISPATCHED and case.handling_unit == org.station
    running = set(case.clocks.filter(stopped_at__isnull=True).values_list("clock", flat=True))
    assert {"contact", "handling"} <= running
    assert "dispatch" not in running


def test_district_center_redispatches_to_its_station_and_clocks_keep_running(org):
    case = services.case_dispatch(case=journeys.to_registered(org), unit=org.district, by=org.supervisor)
    handling_due = case.clocks.get(clock="handling", stopped_at__isnull=True).due_at
    services.case_redispatch(case=case, unit=org.station, by=org.district_supervisor)
    assert case.handling_unit == org.station and case.dispatching_unit == org.district
    assert case.clocks.get(clock="handling", stopped_at__isnull=True).due_at == handling_due


def test_redispatch_only_from_a_district_center(org):
    case = journeys.to_dispatched(org)  # at a station
    with pytest.raises(TransitionRefused):
        services.case_redispatch(case=case, unit=org.other_station, by=org.leader)


def test_district_center_cannot_dispatch_outside_its_district(org):
    case = services.case_dispatch(case=journeys.to_registered(org), unit=org.district, by=org.supervisor)
    with pytest.raises(PermissionDenied):
        services.case_redispatch(case=case, unit=org.far_station, by=org.district_supervisor)


def test_unit_returns_a_case_that_is_not_its_own(org):
    case = journeys.to_dispatched(org)
    services.case_return(case=case, by=org.handler, reason="被投诉人不在本所辖区")
    assert case.state == Case.State.REGISTERED and case.handling_unit is None
    assert case.return_count == 1
    assert last_event(case).data["unit"] == org.station.code
    services.case_dispatch(case=case, unit=org.other_station, by=org.supervisor)
    assert case.handling_unit == org.other_station


def test_accept_contact_stage_reply(org):
    case = journeys.to_handling(org, contacted=False)
    assert case.handler == org.handler
    services.case_record_contact(case=case, by=org.handler, means="phone", content="已联系")
    services.case_stage_reply(case=case, by=org.handler, text="已约谈商家,待其提供账目。")
    assert case.contacted_at is not None
    assert case.clocks.get(clock="contact").stopped_at == case.contacted_at
    assert last_event(case).action == CaseEvent.Action.STAGE_REPLY


def test_reply_needs_a_recorded_contact(org):
    case = journeys.to_handling(org, contacted=False)
    with pytest.raises(TransitionRefused, match="联系"):
        services.case_reply(case=case, by=org.handler, text="经调查商家已退款,投诉人满意。")


def test_extension_approved_moves_the_handling_deadline(org):
    case = journeys.to_handling(org)
    before = case.clocks.get(clock="handling", stopped_at__isnull=True).due_date
    services.case_request_extension(case=case, by=org.handler, days=5, reason="需检测")
    with pytest.raises(TransitionRefused):
        services.case_request_extension(case=case, by=org.handler, days=5, reason="再次申请")
    request = services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    after = case.clocks.get(clock="handling", stopped_at__isnull=True).due_date
    assert request.decision == ExtensionRequest.Decision.APPROVED
    assert after > before and request.new_due_date == after


def test_extension_refused_leaves_the_deadline(org):
    case = journeys.to_handling(org)
    before = case.clocks.get(clock="handling", stopped_at__isnull=True).due_date
    services.case_request_extension(case=case, by=org.handler, days=5, reason="需检测")
    services.case_decide_extension(case=case, by=org.supervisor, approve=False, note="理由不充分")
    assert case.clocks.get(clock="handling", stopped_at__isnull=True).due_date == before
    assert not case.extension_pending


def test_return_for_redo_starts_the_redo_clock_then_reply_again(org):
    case = journeys.to_replied(org)
    services.case_return_for_redo(case=case, by=org.supervisor, reason="未写明处理依据")
    assert case.state == Case.State.HANDLING and case.redo_count == 1
    redo = case.clocks.get(clock="redo", stopped_at__isnull=True)
    assert redo.limit_amount == 3 and redo.limit_unit == "working_days"
    services.case_reply(case=case, by=org.handler, text="补充:依据《消费者权益保护法》第五十三条,商家已退款。")
    redo.refresh_from_db()
    assert redo.stopped_at is not None


def test_archive_needs_approval_and_follow_up(org):
    case = journeys.to_replied(org)
    with pytest.raises(TransitionRefused):
        services.case_archive(case=case, by=org.supervisor)
    services.case_approve_reply(case=case, by=org.supervisor)
    with pytest.raises(TransitionRefused):
        services.case_archive(case=case, by=org.supervisor)
    services.case_follow_up(case=case, by=org.supervisor, satisfaction="unreachable", resolved=None,
                            note="三次电话无人接听")
    services.case_archive(case=case, by=org.supervisor)
    assert case.state == Case.State.ARCHIVED


def test_reopen_is_a_second_assignment_with_a_fresh_handling_clock(org):
    case = journeys.to_archived(org)
    services.case_reopen(case=case, by=org.supervisor, reason="投诉人提供新证据,商家未退款")
    assert case.state == Case.State.HANDLING and case.handling_unit == org.station
    assert case.reply_approved_at is None and case.satisfaction == ""
    assert case.clocks.filter(clock="handling", stopped_at__isnull=True).count() == 1


# --- illegal transitions ---------------------------------------------------------------------------

def _actions(org):
    reason = DeclineReason.objects.get(code="no_facts")
    return {
        "register": lambda c: services.case_register(case=c, by=org.clerk),
        "decline": lambda c: services.case_decline(case=c, by=org.clerk, reason=reason),
        "transfer": lambda c: services.case_transfer_out(case=c, by=org.clerk, department=org.external, note="移送"),
        "dispatch": lambda c: services.case_dispatch(case=c, unit=org.station, by=org.supervisor),
        "return": lambda c: services.case_return(case=c, by=org.handler, reason="非本所辖区"),
        "accept": lambda c: services.case_accept(case=c, by=org.handler),
        "contact": lambda c: services.case_record_contact(case=c, by=org.handler, means="phone", content="联系"),
        "stage_reply": lambda c: services.case_stage_reply(case=c, by=org.handler, text="进展"),
        "request_extension": lambda c: services.case_request_extension(case=c, by=org.handler, days=3,
                                                                        reason="检测"),
        "reply": lambda c: services.case_reply(case=c, by=org.handler, text="经调查商家已退款,投诉人满意。"),
        "approve_reply": lambda c: services.case_approve_reply(case=c, by=org.supervisor),
        "redo": lambda c: services.case_return_for_redo(case=c, by=org.supervisor, reason="重办"),
        "archive": lambda c: services.case_archive(case=c, by=org.supervisor),
        "reopen": lambda c: services.case_reopen(case=c, by=org.supervisor, reason="新证据"),
    }


LEGAL = {
    "received": {"register", "decline", "transfer"},
    "registered": {"transfer", "dispatch"},
    "dispatched": {"return", "accept"},
    "handling": {"contact", "stage_reply", "request_extension", "reply"},
    "replied": {"approve_reply", "redo"},
    "archived": {"reopen"},
    "declined": set(),
    "transferred": set(),
}
ILLEGAL = [(state, action) for state, legal in LEGAL.items() for action in
           ["register", "decline", "transfer", "dispatch", "return", "accept", "contact", "stage_reply",
            "request_extension", "reply", "approve_reply", "redo", "archive", "reopen"] if action not in legal]


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_illegal_transition_is_refused_and_changes_nothing(org, state, action):
    case = journeys.SETUPS[state](org)
    events_before = case.events.count()

    # A caller that carries on after a refusal holds its own savepoint: some services (registration)
    # take none inside a caller's transaction, as the test's own is.
    with pytest.raises((TransitionRefused, ApplicationError)) as error, transaction.atomic():
        _actions(org)[action](case)

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == state
    assert fresh.events.count() == events_before
    assert str(error.value)


@pytest.mark.parametrize("state", ["received", "registered", "dispatched", "handling", "replied", "archived"])
def test_legal_transitions_from_each_state_succeed(org, state):
    for action in sorted(LEGAL[state]):
        case = journeys.SETUPS[state](org)
        _actions(org)[action](case)
        assert Case.objects.get(pk=case.pk).events.count() > 0


def test_a_unit_cannot_act_on_another_units_case(org):
    case = journeys.to_dispatched(org)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, by=org.other_handler)


def test_a_clerk_cannot_dispatch(org):
    with pytest.raises(PermissionDenied):
        services.case_dispatch(case=journeys.to_registered(org), unit=org.station, by=org.clerk)
