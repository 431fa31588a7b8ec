"""The acceptance decision (受理 / 不予受理) by the bureau with jurisdiction: after dispatch too, with
the grounds of the order in force on the receipt date, its clock, its notice on the public look-up."""
import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.models import Case, CaseEvent, LegalDecision, StatutoryGround
from complaints.selectors_procedure import statutory_grounds_for
from core.errors import ApplicationError, TransitionRefused
from integration.services import external_cases_register
from routing.models import User
from tests.api.conftest import system_create
from tests.api.payloads import work_order
from tests.complaints import journeys
from tests.complaints.procedure_support import at, ground
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOT_ACCEPT = StatutoryGround.Track.NOT_ACCEPT


@pytest.fixture
def platform(org):
    """The national 12315 platform, whose work orders the worker registers automatically."""
    user = UserFactory(username="svc-12315", unit=org.center, role=User.Role.CLERK)
    return system_create(code="national12315", user=user, channel="national_platform")


def test_a_unit_refuses_an_automatically_registered_work_order_after_dispatch(org, platform, client):
    number = platform.client.post("/api/v1/cases/", work_order(
        facts="在某健身房办理年卡后,发现该店为某公司员工内部福利团购,本人系公司采购负责人代公司购买"),
        format="json").json()["number"]
    external_cases_register()  # the platform's work order is registered by the worker, no clerk involved
    case = Case.objects.get(number=number)
    assert case.state == Case.State.REGISTERED and case.legal_basis == "order_121"
    case = services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    services.case_accept(case=case, by=org.handler)  # signed for (签收) before the unit looked closer

    client.force_login(org.handler)
    page = client.get(f"/cases/{number}/").content.decode()
    assert "不予受理" in page and "滥用投诉权利谋取不正当利益" in page  # an Order 121 ground is offered
    refused = ground(case, NOT_ACCEPT, "not_consumer_dispute")
    response = client.post(f"/cases/{number}/act/not_accept/", {
        "version": Case.objects.get(pk=case.pk).version, "not_accept-ground": refused.pk,
        "not_accept-note": "经核实系单位采购,不属生活消费"})
    assert response.status_code == 302, response.content.decode()[:500]

    case.refresh_from_db()
    assert case.state == Case.State.NOT_ACCEPTED and case.acceptance == "not_accepted"
    decision = LegalDecision.objects.get(case=case)
    assert decision.ground == refused and decision.legal_basis == "order_121"
    assert decision.decided_by_unit == org.station
    assert not case.clocks.filter(stopped_at__isnull=True).exists()  # the acceptance clock stopped at the decision
    assert case.clocks.get(clock="statutory_accept").met_deadline
    event = case.events.get(action=CaseEvent.Action.NOT_ACCEPT)
    assert event.data["ground"] == "not_consumer_dispute" and event.note == refused.notice_text

    client.logout()
    page = client.post("/track/", {"number": number, "query_code": case.query_code}, follow=True).content.decode()
    assert "不予受理" in page and refused.notice_text in page
    assert "经核实系单位采购" not in page  # the unit's own note stays inside


def test_the_grounds_offered_follow_the_receipt_date(org):
    with at(2026, 4, 14, 16, 30):
        before = journeys.to_registered(org)
    with at(2026, 4, 15, 9, 0):
        after = journeys.to_registered(org)
    assert (before.legal_basis, after.legal_basis) == ("order_20", "order_121")
    old = statutory_grounds_for(case=before, track=NOT_ACCEPT)
    new = statutory_grounds_for(case=after, track=NOT_ACCEPT)
    assert {g.legal_basis for g in old} == {"order_20"} and {g.legal_basis for g in new} == {"order_121"}
    # Order 121 added abuse of the right to complain and refusal to verify identity.
    assert "improper_gain" not in {g.code for g in old} and "improper_gain" in {g.code for g in new}
    assert all("第20号" in g.source for g in old) and all(g.unverified for g in new)

    # A ground of the other order is refused, naming the field.
    with pytest.raises(ApplicationError) as refused:
        services.case_refuse_acceptance(case=before, by=org.supervisor, ground=new.get(code="out_of_remit"))
    assert refused.value.field == "ground"
    services.case_refuse_acceptance(case=before, by=org.supervisor, ground=old.get(code="out_of_remit"))
    assert before.state == Case.State.NOT_ACCEPTED


def test_acceptance_stops_its_clock_and_starts_mediation(org):
    with at(2026, 11, 23, 9, 0):
        case = journeys.to_dispatched(org)
        assert case.clocks.get(clock="statutory_accept", stopped_at__isnull=True).due_date.isoformat() == "2026-12-02"
    with at(2026, 11, 25, 10, 0):
        services.case_accept(case=case, by=org.handler)
        services.case_accept_complaint(case=case, by=org.handler)
    assert case.acceptance == "accepted" and case.state == Case.State.HANDLING  # the main line is unchanged
    assert case.clocks.get(clock="statutory_accept").met_deadline
    mediation = case.clocks.get(clock="statutory_mediation", stopped_at__isnull=True)
    assert mediation.started_at.day == 25 and mediation.limit_amount == 45
    assert case.events.filter(action=CaseEvent.Action.LEGAL_ACCEPT, internal=False).exists()
    with pytest.raises(TransitionRefused):  # decided once
        services.case_refuse_acceptance(case=case, by=org.handler,
                                        ground=ground(case, NOT_ACCEPT, "out_of_remit"))


def test_the_center_decides_what_it_keeps_and_only_the_handling_unit_after_dispatch(org):
    kept = journeys.to_registered(org)
    services.case_accept_complaint(case=kept, by=org.supervisor)
    assert kept.acceptance == "accepted"
    dispatched = journeys.to_dispatched(org)
    with pytest.raises(PermissionDenied):
        services.case_accept_complaint(case=dispatched, by=org.other_handler)
    with pytest.raises(PermissionDenied):
        services.case_accept_complaint(case=dispatched, by=org.supervisor)
    services.case_accept_complaint(case=dispatched, by=org.handler)


def test_only_complaints_take_an_acceptance_decision(org):
    consultation = journeys.to_dispatched(org, kind="consultation")
    with pytest.raises(TransitionRefused) as refused:
        services.case_accept_complaint(case=consultation, by=org.handler)
    assert "只有投诉" in str(refused.value)


def test_a_complaint_made_again_after_a_refusal_is_no_repeat(org):
    first = journeys.to_dispatched(org)
    services.case_refuse_acceptance(case=first, by=org.handler, ground=ground(first, NOT_ACCEPT, "out_of_remit"))
    again = journeys.to_registered(org)
    assert not again.is_repeat and again.repeat_of is None
    assert Case.State.NOT_ACCEPTED in Case.ENDED_STATES and Case.State.NOT_ACCEPTED in Case.NOT_TAKEN_UP_STATES


def test_the_inbox_row_offers_the_acceptance_decision(org, client):
    case = journeys.to_handling(org)
    client.force_login(org.handler)
    page = client.get("/inbox/").content.decode()
    assert f'id="act-{case.number}-legal_accept"' in page
    response = client.post(f"/cases/{case.number}/act/legal_accept/",
                           {"version": case.version, "next": "/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    case.refresh_from_db()
    assert case.acceptance == "accepted"
    page = client.get("/inbox/").content.decode()
    assert f'id="act-{case.number}-legal_accept"' not in page
