"""The statutory decisions reach the complainant by SMS: 受理, 不予受理 with its ground, the end of a
mediation (agreement with the amount, or termination with its ground); signing for a case (签收)
sends nothing."""
import pytest

from complaints import services
from complaints.models import StatutoryGround
from complaints.selectors_procedure import statutory_grounds_for
from messaging.models import SmsMessage, SmsTemplate
from tests.complaints.journeys import to_handling

pytestmark = pytest.mark.django_db

PHONE = "13902881234"
JIANGMEN = {"complainant_name": "李秀英", "complainant_phone": PHONE, "respondent_name": "江门市蓬江区丽人美容店",
            "incident_place": "江门市蓬江区白沙街道建设二路12号", "facts": "办理美容预付卡后商家停业，余额3000元无法使用。",
            "demand": "要求退还预付卡余额3000元。"}


def _sent(gateway, kind):
    template_code = SmsTemplate.objects.get(code=kind).template_code
    return [r for r in gateway.received if r.params["TemplateCode"] == template_code]


def test_acceptance_and_agreement_are_texted_and_signing_for_is_not(
        org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = to_handling(org, **JIANGMEN)
    assert not SmsMessage.objects.filter(case=case, kind="accept_decision").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept_complaint(case=case, by=org.handler)
        services.case_mediation_record(case=case, by=org.handler, outcome="agreement", amount_recovered=3000,
                                       agreement_text="商家同意三日内退还余额3000元。")
    assert len(_sent(gateway, "accept_decision")) == 1
    agreement = _sent(gateway, "mediation_agreement")
    assert len(agreement) == 1 and agreement[0].template_param == {"number": case.number, "amount": "3000.00"}


def test_refusal_and_termination_carry_their_ground(org, gateway, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refused = to_handling(org, **JIANGMEN)
        ground = statutory_grounds_for(case=refused, track=StatutoryGround.Track.NOT_ACCEPT).first()
        services.case_refuse_acceptance(case=refused, by=org.handler, ground=ground)
    sent = _sent(gateway, "not_accept")
    assert len(sent) == 1 and sent[0].template_param["ground"] == ground.title[:35]

    with django_capture_on_commit_callbacks(execute=True):
        mediated = to_handling(org, **{**JIANGMEN, "respondent_name": "江门市新会区好味道餐厅"})
        services.case_accept_complaint(case=mediated, by=org.handler)
        ending = statutory_grounds_for(case=mediated, track=StatutoryGround.Track.MEDIATION_END).first()
        services.case_mediation_record(case=mediated, by=org.handler, outcome="terminated", ground=ending)
    ended = [r for r in _sent(gateway, "mediation_end") if r.template_param["number"] == mediated.number]
    assert len(ended) == 1 and ended[0].template_param["ground"] == ending.title[:35]
    assert not SmsMessage.objects.filter(case=mediated, kind="mediation_agreement").exists()
