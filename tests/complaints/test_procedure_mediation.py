"""Mediation (调解) of an accepted complaint and its outcome: agreement with the amount recovered,
termination with a ground and the notice clock, entrusted mediation, the testing pause, and archive
requiring the outcome that the reply carries."""
from datetime import date

import pytest

from complaints import services
from complaints.models import Case, CaseEvent, LegalDecision, StatutoryGround
from complaints.services.pauses import case_clocks_pause, case_clocks_resume
from core.errors import ApplicationError, TransitionRefused
from tests.complaints import journeys
from tests.complaints.procedure_support import accepted_complaint, at, ground

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_june():
    """Mid-2026, so 45 working days of mediation stay within the year whose holidays are known."""
    with at(2026, 6, 1, 9, 0):
        yield
END = StatutoryGround.Track.MEDIATION_END
REPLY = "经调解,商家同意退还预付卡余额2680元,双方签订调解协议,投诉人无异议。"


def _close_round(org, case):
    services.case_reply(case=case, by=org.handler, text=REPLY)
    services.case_approve_reply(case=case, by=org.supervisor)
    services.case_follow_up(case=case, by=org.supervisor, satisfaction="satisfied", resolved=True)


def test_an_agreement_records_the_amount_and_the_reply_carries_it(org):
    case = accepted_complaint(org)
    services.case_mediation_record(case=case, by=org.handler, outcome="agreement", amount_recovered="2680",
                                   agreement_text="被投诉人于2026年12月5日前退还余额2680元。")
    assert (case.mediation_outcome, case.amount_recovered) == ("agreement", 2680)
    mediation = case.clocks.get(clock="statutory_mediation")
    assert mediation.stopped_at is not None and mediation.met_deadline
    assert not case.clocks.filter(clock="statutory_termination_notice").exists()  # nothing to notify
    _close_round(org, case)
    assert case.events.get(action=CaseEvent.Action.REPLY).data["mediation_outcome"] == "agreement"
    services.case_archive(case=case, by=org.supervisor)
    assert case.state == Case.State.ARCHIVED
    public = case.events.get(action=CaseEvent.Action.MEDIATION_END)
    assert not public.internal and "2680.00" in public.note


def test_an_agreement_needs_the_amount_and_the_agreement(org):
    case = accepted_complaint(org)
    with pytest.raises(ApplicationError) as missing:
        services.case_mediation_record(case=case, by=org.handler, outcome="agreement", agreement_text="已和解")
    assert missing.value.field == "amount_recovered"
    with pytest.raises(ApplicationError) as missing:
        services.case_mediation_record(case=case, by=org.handler, outcome="agreement", amount_recovered="0")
    assert missing.value.field == "agreement_text"


def test_archive_requires_the_mediation_outcome_of_an_accepted_complaint(org):
    case = accepted_complaint(org)
    _close_round(org, case)
    with pytest.raises(TransitionRefused) as refused:
        services.case_archive(case=case, by=org.supervisor)
    assert "调解结果" in str(refused.value)


def test_a_termination_takes_a_ground_and_starts_the_notice_clock(org):
    with at(2026, 11, 23, 9, 0):
        case = accepted_complaint(org)
    with pytest.raises(ApplicationError) as missing:
        services.case_mediation_record(case=case, by=org.handler, outcome="terminated")
    assert missing.value.field == "ground"
    refused = ground(case, END, "party_absent")
    with at(2026, 11, 27, 15, 0):
        services.case_mediation_record(case=case, by=org.handler, outcome="terminated", ground=refused,
                                       note="被投诉人两次无正当理由未到场")
    assert case.mediation_outcome == "terminated"
    notice = case.clocks.get(clock="statutory_termination_notice", stopped_at__isnull=True)
    assert notice.due_date == date(2026, 12, 8)  # 7 working days from Friday 11-27
    assert case.events.get(action=CaseEvent.Action.MEDIATION_END).note == refused.notice_text

    with at(2026, 11, 30, 10, 0):
        services.case_decision_notice(case=case, by=org.handler, note="已邮寄终止调解告知书")
    notice.refresh_from_db()
    assert notice.met_deadline
    assert "投诉人和被投诉人" in case.events.get(action=CaseEvent.Action.DECISION_NOTICE).note
    with pytest.raises(TransitionRefused):  # nothing left to notify
        services.case_decision_notice(case=case, by=org.handler)


def test_a_testing_pause_moves_the_mediation_deadline(org):
    case = accepted_complaint(org)  # Monday 2026-06-01
    mediation = case.clocks.get(clock="statutory_mediation", stopped_at__isnull=True)
    before = mediation.due_date
    assert before == date(2026, 8, 4)  # 45 working days, the Dragon Boat holiday (06-19) not counted
    with at(2026, 6, 2, 9, 0):
        case_clocks_pause(case=case, by=org.supervisor, reason="美容仪送市质检院检测")
    with at(2026, 6, 9, 9, 0):  # five working days of testing (06-03 … 06-09)
        case_clocks_resume(case=case, by=org.supervisor, note="检测报告已出具")
    mediation.refresh_from_db()
    assert mediation.paused_working_days == 5
    assert mediation.due_date == date(2026, 8, 11)  # moved by the five working days


def test_entrusted_mediation_keeps_the_clock_and_records_the_entrusted_result(org):
    case = accepted_complaint(org)
    with pytest.raises(ApplicationError) as missing:
        services.case_mediation_record(case=case, by=org.handler, outcome="entrusted")
    assert missing.value.field == "entrusted_to"
    services.case_mediation_record(case=case, by=org.handler, outcome="entrusted",
                                   entrusted_to="江门市蓬江区消费者委员会")
    assert case.clocks.filter(clock="statutory_mediation", stopped_at__isnull=True).exists()  # keeps running
    assert case.mediation_open() and not case.mediation_concluded()
    with pytest.raises(ApplicationError):
        services.case_mediation_record(case=case, by=org.handler, outcome="entrusted", entrusted_to="另一组织")

    services.case_mediation_record(case=case, by=org.handler, outcome="agreement", amount_recovered="1200.50",
                                   agreement_text="经消委会调解,商家退还1200.50元")
    result = LegalDecision.objects.filter(case=case).order_by("pk").last()
    assert (result.outcome, result.entrusted_to, str(result.amount_recovered)) == (
        "agreement", "江门市蓬江区消费者委员会", "1200.50")
    assert case.clocks.get(clock="statutory_mediation").stopped_at is not None
    assert [e.action for e in case.events.filter(action__startswith="mediation")] == [
        "mediation_entrust", "mediation_end"]


def test_mediation_needs_acceptance_first(org):
    case = journeys.to_handling(org)
    with pytest.raises(TransitionRefused) as refused:
        services.case_mediation_record(case=case, by=org.handler, outcome="entrusted", entrusted_to="消委会")
    assert "受理后" in str(refused.value)


def test_the_case_page_records_a_termination_and_keeps_what_was_typed_on_error(org, client):
    case = accepted_complaint(org)
    client.force_login(org.handler)
    response = client.post(f"/cases/{case.number}/act/mediation/", {
        "version": Case.objects.get(pk=case.pk).version, "mediation-outcome": "terminated",
        "mediation-note": "双方分歧较大"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择该工单接收时适用的法定情形" in page and "双方分歧较大" in page
    response = client.post(f"/cases/{case.number}/act/mediation/", {
        "version": Case.objects.get(pk=case.pk).version, "mediation-outcome": "terminated",
        "mediation-ground": ground(case, END, "no_agreement_possible").pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).mediation_outcome == "terminated"
