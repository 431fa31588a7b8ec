"""Every message kind goes once through the outbox to the gateway; anonymous reporters, complainants
who opted out and landlines get none; a kind is a row the center edits."""
import datetime
import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints import services
from complaints.models import Case
from deadlines.workdays import local_date
from messaging.delivery import sms_send_due
from messaging.models import SmsMessage, SmsTemplate
from tests.complaints.journeys import to_approved, to_declined, to_handling, to_registered, to_replied
from tests.factories import holiday_schedule_ahead

pytestmark = pytest.mark.django_db

PHONE = "13902881234"  # a Jiangmen mobile number
JIANGMEN = {"complainant_name": "李秀英", "complainant_phone": PHONE, "respondent_name": "江门市蓬江区丽人美容店",
            "incident_place": "江门市蓬江区白沙街道建设二路12号", "facts": "办理美容预付卡后商家停业，余额3000元无法使用。",
            "demand": "要求退还预付卡余额3000元。"}


def _extended(org):
    case = to_handling(org, **JIANGMEN)
    services.case_request_extension(case=case, by=org.handler, days=10, reason="需委托检测机构鉴定产品质量")
    services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    return case


def _declined(org):
    case = to_declined(org)
    Case.objects.filter(pk=case.pk).update(complainant_phone=PHONE)  # to_declined takes no fields
    return case


# kind → how the case gets there, and what the message must say
KINDS = {
    "receipt": (lambda org: to_registered(org, **JIANGMEN), lambda case: {
        "number": case.number, "code": case.query_code, "url": "http://localhost:8000/track/"}),
    "decline": (None, lambda case: {"number": case.number, "reason": "已进入信访渠道"}),
    "extension": (_extended, lambda case: {
        "number": case.number, "due": case.clocks.get(clock="handling").due_date.isoformat()}),
    "reply": (lambda org: to_replied(org, **JIANGMEN), lambda case: {"number": case.number, "code": case.query_code}),
    "rating_invitation": (None, lambda case: {"number": case.number, "code": case.query_code}),
}


def _to_kind(org, kind):
    if kind == "decline":
        # The decline is the first thing the complainant hears of: received, then declined.
        case = services.case_receive(by=org.clerk, register=False, fields={
            "kind": "complaint", "channel": "phone", **JIANGMEN})[0]
        from complaints.models import DeclineReason

        return services.case_decline(case=case, by=org.clerk, reason=DeclineReason.objects.get(code="in_petition"))
    if kind == "rating_invitation":
        case = to_replied(org, **JIANGMEN)
        return services.case_approve_reply(case=case, by=org.supervisor)
    return KINDS[kind][0](org)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_sent_once_through_the_outbox_to_the_gateway(
        org, kind, gateway, eager_tasks, django_capture_on_commit_callbacks):
    holiday_schedule_ahead()  # in December an extended deadline runs into next year
    with django_capture_on_commit_callbacks(execute=True):
        case = _to_kind(org, kind)
    template = SmsTemplate.objects.get(code=kind)
    sent = [r for r in gateway.received if r.params["TemplateCode"] == template.template_code]
    assert len(sent) == 1, [r.params["TemplateCode"] for r in gateway.received]
    request = sent[0]
    assert request.params["PhoneNumbers"] == PHONE
    assert request.params["SignName"] == "江门市场监管"
    expected = KINDS[kind][1](case)
    assert {name: request.template_param[name] for name in expected} == expected
    message = SmsMessage.objects.get(case=case, kind=kind)
    assert message.status == SmsMessage.Status.SENT and message.gateway_id == request.biz_id
    assert message.attempts == 1 and str(message.pk) == request.params["OutId"]
    # The catch-up sweep and a second try find nothing left to send: one event, one message.
    assert sms_send_due() == 0
    assert len([r for r in gateway.received if r.params["TemplateCode"] == template.template_code]) == 1


def test_a_whole_complaint_sends_each_of_its_messages_once(org, gateway, eager_tasks,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_approved(org)
    kinds = list(SmsMessage.objects.filter(case=case).order_by("id").values_list("kind", flat=True))
    assert kinds == ["receipt", "reply", "rating_invitation"]
    assert len(gateway.received) == 3
    # Signing for the case (签收, the action named "accept") texts nobody: the statutory row is off.
    assert not SmsMessage.objects.filter(case=case, kind="accept_decision").exists()


def test_a_refused_extension_sends_nothing(org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_handling(org, **JIANGMEN)
        services.case_request_extension(case=case, by=org.handler, days=10, reason="需委托检测")
        services.case_decide_extension(case=case, by=org.supervisor, approve=False)
    assert not SmsMessage.objects.filter(case=case, kind="extension").exists()


def test_an_anonymous_reporter_gets_no_sms(org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_registered(org, kind="report", anonymous=True, complainant_name="", complainant_phone=PHONE,
                             facts="某超市销售过期食品，生产日期为2025年3月。", demand="请依法查处。")
        case = services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
        case = services.case_accept(case=case, by=org.handler)
    assert case.anonymous and case.complainant_phone == PHONE
    assert not SmsMessage.objects.filter(case=case).exists()
    assert gateway.received == []


def test_a_real_name_reporter_is_told(org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_registered(org, kind="report", **JIANGMEN)
    assert SmsMessage.objects.get(case=case).kind == "receipt"
    assert [r.params["PhoneNumbers"] for r in gateway.received] == [PHONE]


def test_a_complainant_who_opted_out_gets_no_sms(org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_replied(org, sms_opt_out=True, **JIANGMEN)
    assert Case.objects.get(pk=case.pk).sms_opt_out
    assert not SmsMessage.objects.filter(case=case).exists()
    assert gateway.received == []


def test_a_landline_gets_no_sms(org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_registered(org, **{**JIANGMEN, "complainant_phone": "0750-3501234"})
    assert not SmsMessage.objects.filter(case=case).exists()


def test_a_new_kind_is_a_row_and_a_disabled_one_sends_nothing(org, gateway, eager_tasks,
                                                              django_capture_on_commit_callbacks):
    # The center switches the receipt off from today (a new version) and adds a message on dispatch.
    today = local_date(timezone.now())
    SmsTemplate.objects.create(code="receipt", name="登记回执", action="register", template_code="SMS_482760001",
                               text="停用", parameters={}, enabled=False, effective_from=today)
    SmsTemplate.objects.create(
        code="dispatched", name="分流告知", action="dispatch", template_code="SMS_482769999",
        text="您的工单${number}已交${unit}办理。", parameters={"number": "case.number", "unit": "event.data.unit_name"},
        effective_from=today)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_dispatch(case=to_registered(org, **JIANGMEN), unit=org.station, by=org.supervisor)
    assert list(SmsMessage.objects.filter(case=case).values_list("kind", flat=True)) == ["dispatched"]
    assert gateway.received[0].template_param == {"number": case.number, "unit": "白沙市场监管所"}


def test_one_event_and_recipient_make_one_message(org, gateway):
    case = to_registered(org, **JIANGMEN)
    message = SmsMessage.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        SmsMessage.objects.create(case=case, event_id=message.event_id, template=message.template, kind=message.kind,
                                  key=message.key, phone=message.phone, sign_name="x", template_code="x")


def test_the_message_is_written_with_the_change_and_gone_with_it(org, gateway):
    with pytest.raises(RuntimeError), transaction.atomic():
        to_registered(org, **JIANGMEN)
        assert SmsMessage.objects.count() == 1
        raise RuntimeError("the registration fails after its history row")
    assert SmsMessage.objects.count() == 0 and Case.objects.count() == 0


def test_parameters_too_long_for_the_gateway_are_cut(org, gateway):
    SmsTemplate.objects.create(
        code="dispatched", name="分流告知", action="dispatch", template_code="SMS_482769999",
        text="${note}", parameters={"note": "event.note"}, effective_from=datetime.date(2026, 4, 15))
    case = services.case_dispatch(case=to_registered(org, **JIANGMEN), unit=org.station, by=org.supervisor,
                                  note="请重点核查该美容店预付卡经营资质及是否存在卷款跑路的情况，并于三日内反馈")
    params = SmsMessage.objects.get(case=case, kind="dispatched").params
    assert len(params["note"]) == 35 and params["note"].endswith("…")
    assert json.dumps(params, ensure_ascii=False)


def test_a_sensitive_reply_texts_the_complainant_only_once_the_director_approves_it(
        org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    from complaints.services.signoff import case_refer_reply
    from routing.models import User
    from tests.factories import UserFactory

    director = UserFactory(username="director", unit=org.center, role=User.Role.DIRECTOR)
    with django_capture_on_commit_callbacks(execute=True):
        case = to_replied(org, sensitive=True, **JIANGMEN)
        case_refer_reply(case=case, by=org.supervisor, note="涉及网络舆情，请主任审批")
    assert list(SmsMessage.objects.filter(case=case).values_list("kind", flat=True)) == ["receipt"]
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve_reply(case=Case.objects.get(pk=case.pk), by=director)
    kinds = list(SmsMessage.objects.filter(case=case).order_by("id").values_list("kind", flat=True))
    assert kinds == ["receipt", "reply", "rating_invitation"]
    assert len(gateway.received) == 3


def test_a_sensitive_reply_sent_back_texts_nobody(org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_replied(org, sensitive=True, **JIANGMEN)
        services.case_return_for_redo(case=case, by=org.supervisor, reason="答复口径须经主任审定后重写")
    assert list(SmsMessage.objects.filter(case=case).values_list("kind", flat=True)) == ["receipt"]
