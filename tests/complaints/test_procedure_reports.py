"""Reports (举报): the decision on opening a case (立案 / 不予立案) within the report clock, its one
extension with the center's approval, the notice clock for a real-name reporter only, a complaint and
a report filed together on two tracks, repeated reports not processed and related reports merged."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.models import Case, CaseEvent, LegalDecision, StatutoryGround
from core.errors import ApplicationError, TransitionRefused
from deadlines.workdays import load_calendar
from supervision.models import RedLineItem
from tests.complaints import journeys
from tests.complaints.procedure_support import REPORT, at, ground
from tests.factories import case_fields

pytestmark = pytest.mark.django_db


def report_at_station(org, **fields) -> Case:
    case = journeys.to_dispatched(org, **{**REPORT, **fields})
    return services.case_accept(case=case, by=org.handler)


def running(case, clock):
    return case.clocks.get(clock=clock, stopped_at__isnull=True)


def test_a_report_is_decided_within_15_working_days_and_the_real_name_reporter_is_owed_notice(org):
    with at(2026, 9, 21, 10, 0):
        case = report_at_station(org)
    clock = running(case, "statutory_report_decision")
    assert clock.due_date == date(2026, 10, 19)  # 15 working days over the National Day holiday (make-up days count)
    with at(2026, 10, 14, 16, 0):
        services.case_report_decide(case=case, by=org.handler, opened=True, note="现场检查发现过期奶粉12罐")
    clock.refresh_from_db()
    assert clock.met_deadline and case.report_decision == "case_opened"
    notice = running(case, "statutory_report_notice")
    assert notice.due_date == date(2026, 10, 21)  # 5 working days from the decision
    event = case.events.get(action=CaseEvent.Action.REPORT_DECIDE)
    assert event.data["reporter_notice_owed"] and "王五" not in str(event.data) and "13700137000" not in event.note
    with at(2026, 10, 15, 9, 0):
        services.case_decision_notice(case=case, by=org.handler)
    notice.refresh_from_db()
    assert notice.met_deadline
    assert "告知举报人" in case.events.get(action=CaseEvent.Action.DECISION_NOTICE).note


def test_an_anonymous_reporter_gets_no_notice_clock(org):
    case = report_at_station(org, anonymous=True, complainant_name="", complainant_phone="")
    not_opened = ground(case, StatutoryGround.Track.REPORT_NOT_OPEN, "no_violation_evidence")
    with pytest.raises(ApplicationError) as missing:
        services.case_report_decide(case=case, by=org.handler, opened=False)
    assert missing.value.field == "ground"
    services.case_report_decide(case=case, by=org.handler, opened=False, ground=not_opened)
    assert case.report_decision == "not_opened"
    assert not case.clocks.filter(clock="statutory_report_notice").exists()
    assert not case.events.get(action=CaseEvent.Action.REPORT_DECIDE).data["reporter_notice_owed"]
    with pytest.raises(TransitionRefused):
        services.case_decision_notice(case=case, by=org.handler)


def test_the_report_clock_is_extended_once_to_30_working_days_with_the_centers_approval(org):
    with at(2026, 11, 2, 9, 0):
        case = report_at_station(org)
    received_on = date(2026, 11, 2)
    assert running(case, "statutory_report_decision").due_date == load_calendar().add_working_days(received_on, 15)
    with at(2026, 11, 16, 9, 0):
        request = services.case_request_extension(case=case, by=org.handler, days=None, clock="statutory_report_decision",
                                                  reason="需调取供货商进货台账,核查范围涉及三家门店")
    assert request.requested_days == 15
    with at(2026, 11, 17, 9, 0):
        services.case_decide_extension(case=case, by=org.supervisor, approve=True, note="同意延长十五个工作日")
    clock = running(case, "statutory_report_decision")
    assert clock.extended_days == 15
    assert clock.due_date == load_calendar().add_working_days(received_on, 30) == date(2026, 12, 14)
    assert running(case, "handling").extended_days == 0  # the handling deadline is another matter
    with pytest.raises(ApplicationError) as again:
        services.case_request_extension(case=case, by=org.handler, days=None, clock="statutory_report_decision",
                                        reason="再次延长")
    assert again.value.field == "clock"


def test_a_complaint_filed_with_a_report_keeps_two_tracks(org):
    complaint, report = services.case_receive(by=org.clerk, also_report=True, fields=case_fields(
        facts="美容店以“免费体验”为名诱导办卡,并使用无中文标签的注射类产品", demand="退款并查处违法行为"))
    assert report.kind == "report" and report.linked_case == complaint
    assert running(complaint, "statutory_accept") and running(report, "statutory_report_decision")
    services.case_accept_complaint(case=complaint, by=org.supervisor)
    services.case_report_decide(case=report, by=org.supervisor, opened=True)
    assert (complaint.acceptance, complaint.report_decision) == ("accepted", "")
    assert (report.acceptance, report.report_decision) == ("", "case_opened")
    assert [d.track for d in LegalDecision.objects.filter(case=complaint)] == ["acceptance"]
    assert [d.track for d in LegalDecision.objects.filter(case=report)] == ["report"]


def test_a_repeated_report_is_not_processed_and_opens_no_red_line(org):
    earlier = report_at_station(org)
    again = journeys.to_registered(org, **REPORT)  # same reporter, respondent and facts
    assert again.repeat_of == earlier and not again.is_repeat  # linked, but not flagged a repeat complaint
    assert again.events.filter(data__possible_repeat_report=earlier.number).exists()
    assert not RedLineItem.objects.filter(case=again).exists()  # a repeat report is no red line
    with pytest.raises(ApplicationError) as bad:
        services.case_report_repeat(case=again, by=org.supervisor, earlier=again)
    assert bad.value.field == "earlier"
    services.case_report_repeat(case=again, by=org.supervisor, earlier=earlier, note="与原举报事实相同")
    assert again.state == Case.State.NOT_PROCESSED and again.report_decision == "repeat"
    assert not again.clocks.filter(stopped_at__isnull=True).exists()  # no handling obligation left
    assert LegalDecision.objects.get(case=again).related_case == earlier
    assert not RedLineItem.objects.filter(case=again).exists()
    assert earlier.number not in again.events.get(action=CaseEvent.Action.REPORT_REPEAT).note  # not named publicly

    # A repeat complaint still goes on the ledger.
    journeys.to_registered(org)
    second_complaint = journeys.to_registered(org)
    assert RedLineItem.objects.filter(case=second_complaint, reason=RedLineItem.Reason.REPEAT).exists()


def test_three_related_reports_are_merged_and_closed_with_their_lead(org):
    lead = report_at_station(org)
    followers = [
        journeys.to_registered(org, **{**REPORT, "complainant_name": name, "complainant_phone": phone})
        for name, phone in (("赵六", "13600136000"), ("孙七", "13500135000"))
    ]
    with pytest.raises(PermissionDenied):  # the station cannot take in reports the center still keeps
        services.case_reports_merge(case=lead, by=org.handler, followers=followers)
    followers = [services.case_dispatch(case=f, unit=org.station, by=org.supervisor) for f in followers]
    services.case_reports_merge(case=lead, by=org.handler, followers=followers, note="同一超市销售过期奶粉")
    for follower in followers:
        follower.refresh_from_db()
        assert follower.merged_into == lead and not follower.clocks.filter(stopped_at__isnull=True).exists()
    assert lead.events.get(action=CaseEvent.Action.MERGE).internal

    services.case_report_decide(case=lead, by=org.handler, opened=True)
    services.case_record_contact(case=lead, by=org.handler, means="phone", content="已告知举报人受理情况")
    services.case_reply(case=lead, by=org.handler, text="经查,该超市销售过期奶粉属实,已立案查处并没收涉案产品。")
    services.case_approve_reply(case=lead, by=org.supervisor)
    services.case_follow_up(case=lead, by=org.supervisor, satisfaction="satisfied", resolved=True)
    services.case_archive(case=lead, by=org.supervisor)
    for follower in followers:
        follower.refresh_from_db()
        assert follower.state == Case.State.ARCHIVED and follower.report_decision == "case_opened"
        assert follower.events.filter(action=CaseEvent.Action.ARCHIVE, data__lead=lead.number).exists()
