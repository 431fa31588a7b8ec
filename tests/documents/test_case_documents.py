"""The documents printed from a case: each kind for the state that calls for it, numbered per kind
and year, kept and reprinted as issued, and never carrying an anonymous reporter's identity."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints.models import CaseEvent
from core.errors import ApplicationError
from documents.models import DocumentTemplate, IssuedDocument
from documents.render import docx_text
from documents.services import document_issue
from supervision.models import Escalation
from supervision.sweep import deadlines_sweep
from tests.complaints import journeys
from tests.documents.printed import pdf_picture, pdf_text

pytestmark = pytest.mark.django_db

PREPAID = {
    "complainant_name": "陈美玲", "complainant_phone": "13902871234",
    "respondent_name": "江门市蓬江区悦颜美容养生馆", "respondent_address": "江门市蓬江区白沙大道西12号",
    "facts": "2026年9月在该店办理美容预付卡5000元，已消费2次，店铺于11月突然停业，剩余3000元无法使用。",
    "demand": "要求退还预付卡余额3000元。",
}


def issued(kind, case, by, subject=""):
    return document_issue(kind_code=kind, case=case, subject_key=subject, by=by)


def test_a_dispatch_slip_carries_the_case_the_unit_and_its_deadline(org):
    case = journeys.to_dispatched(org, **PREPAID)
    slip = issued("dispatch_slip", case, org.supervisor)
    year = timezone.localdate().year
    assert slip.number == f"投交〔{year}〕1号"
    text = pdf_text(slip)
    for expected in ("江门市市场监督管理局", "交办单", slip.number, case.number, "白沙市场监管所", "陈美玲",
                     "13902871234", "江门市蓬江区悦颜美容养生馆", "剩余3000元无法使用", "（印章）"):
        assert expected in text, expected
    word = docx_text(slip.docx_file.open("rb").read())
    assert slip.number in word and case.number in word and "要求退还预付卡余额3000元。" in word
    assert pdf_picture(slip, "dispatch_slip").stat().st_size > 5000


def test_a_reprint_is_the_same_document_with_the_same_number_and_one_history_line(org):
    case = journeys.to_dispatched(org, **PREPAID)
    first = issued("dispatch_slip", case, org.supervisor)
    again = issued("dispatch_slip", case, org.district_supervisor)
    assert again.pk == first.pk and again.number == first.number and again.issued_by == org.supervisor
    events = CaseEvent.objects.filter(case=case, action=CaseEvent.Action.DOCUMENT)
    assert events.count() == 1 and first.number in events.get().note


def test_numbers_run_per_kind_and_year(org):
    slips = [issued("dispatch_slip", journeys.to_dispatched(org, **PREPAID), org.supervisor) for _ in range(3)]
    declined = issued("decline_notice", journeys.to_declined(org), org.clerk)
    assert [d.sequence for d in slips] == [1, 2, 3]
    assert declined.sequence == 1 and declined.number.startswith("市监投告〔")


def test_the_decline_notice_tells_the_ground_and_is_not_offered_for_an_anonymous_reporter(org):
    case = journeys.to_declined(org)
    notice = issued("decline_notice", case, org.clerk)
    pdf_picture(notice, "decline_notice")
    text = pdf_text(notice)
    assert "不予登记告知书" in text and "张三" in text and case.decline_reason.notice_text.split("。")[0][:12] in text
    anonymous = journeys.to_declined(org)
    anonymous.anonymous = True
    anonymous.save()
    with pytest.raises(ApplicationError):
        issued("decline_notice", anonymous, org.clerk)


def test_a_transfer_letter_goes_to_the_department(org):
    case = journeys.to_transferred(org)
    letter = issued("transfer_letter", case, org.clerk)
    pdf_picture(letter, "transfer_letter")
    text = pdf_text(letter)
    assert "移送函" in text and "市住建局" in text and case.number in text


def test_the_reply_letter_waits_for_the_centers_approval(org):
    case = journeys.to_replied(org)
    with pytest.raises(ApplicationError):
        issued("reply_letter", case, org.handler)
    case = journeys.to_approved(org)
    letter = issued("reply_letter", case, org.handler)
    pdf_picture(letter, "reply_letter")
    assert "商家已同意退还预付卡余额3000元" in pdf_text(letter)


def test_a_slip_for_an_anonymous_report_does_not_name_the_reporter(org):
    case = journeys.to_dispatched(org, kind="report", anonymous=True, complainant_name="李建国",
                                  complainant_phone="13726543210",
                                  respondent_name="江门市新会区某食品厂", facts="无证生产月饼并在网上销售。",
                                  demand="要求查处。")
    text = pdf_text(issued("dispatch_slip", case, org.supervisor))
    assert "李建国" not in text and "13726543210" not in text and "匿名" in text


def test_only_the_issuing_unit_or_those_above_it_issue(org):
    case = journeys.to_dispatched(org, **PREPAID)
    with pytest.raises(PermissionDenied):
        issued("dispatch_slip", case, org.handler)
    assert not IssuedDocument.objects.exists()


def test_a_supervision_order_per_escalation_step(org):
    case = journeys.to_handling(org, **PREPAID)
    clock = case.clocks.get(clock="handling", stopped_at__isnull=True)
    deadlines_sweep(now=clock.due_at + timedelta(minutes=1))
    escalation = Escalation.objects.get(case=case, clock=clock, level=1)
    order = issued("supervision_order", case, org.supervisor, subject=str(escalation.pk))
    pdf_picture(order, "supervision_order")
    text = pdf_text(order)
    assert "督办单" in text and "白沙市场监管所" in text and "办理" in text and order.number.startswith("投督〔")


def test_a_later_template_applies_to_new_documents_and_leaves_issued_ones_alone(org):
    first = issued("dispatch_slip", journeys.to_dispatched(org, **PREPAID), org.supervisor)
    DocumentTemplate.objects.create(
        kind="dispatch_slip", title="交办单", number_prefix="江投交", effective_from=timezone.localdate(),
        source="2026年12月修订", body="{{ 承办单位 }}：\n请于{{ 办理期限 }}前办结工单{{ 工单编号 }}，并在系统中答复。")
    second = issued("dispatch_slip", journeys.to_dispatched(org, **PREPAID), org.supervisor)
    assert second.number.startswith("江投交〔") and "并在系统中答复" in pdf_text(second)
    assert "并在系统中答复" not in pdf_text(first) and first.number.startswith("投交〔")


def test_the_statutory_notices_follow_the_recorded_decisions(org):
    from complaints import services
    from complaints.models import StatutoryGround
    from complaints.selectors_procedure import statutory_grounds_for

    refused = journeys.to_handling(org, **PREPAID)
    ground = statutory_grounds_for(case=refused, track=StatutoryGround.Track.NOT_ACCEPT).first()
    decision = services.case_refuse_acceptance(case=refused, by=org.handler, ground=ground)
    notice = issued("not_accepted_notice", refused, org.handler, subject=str(decision.pk))
    text = pdf_text(notice)
    assert "不予受理告知书" in text and "陈美玲" in text and "".join(ground.notice_text.split())[:15] in text
    pdf_picture(notice, "not_accepted_notice")

    mediated = journeys.to_handling(org, **{**PREPAID, "respondent_name": "江门市新会区好味道餐厅"})
    accepted = services.case_accept_complaint(case=mediated, by=org.handler)
    assert "受理通知书" in pdf_text(issued("acceptance_notice", mediated, org.handler, subject=str(accepted.pk)))
    ending = statutory_grounds_for(case=mediated, track=StatutoryGround.Track.MEDIATION_END).first()
    ended = services.case_mediation_record(case=mediated, by=org.handler, outcome="terminated", ground=ending)
    termination = issued("mediation_termination_notice", mediated, org.handler, subject=str(ended.pk))
    assert "终止调解告知书" in pdf_text(termination) and "".join(ending.title.split())[:10] in pdf_text(termination)
    # Another unit may not issue the handling unit's notice.
    third = journeys.to_handling(org, **{**PREPAID, "respondent_name": "江门市江海区某家电商行"})
    third_accepted = services.case_accept_complaint(case=third, by=org.handler)
    with pytest.raises(PermissionDenied):
        document_issue(kind_code="acceptance_notice", case=third, subject_key=str(third_accepted.pk),
                       by=org.far_handler)
