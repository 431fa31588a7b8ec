"""The documents of the case workflow itself: the notice of a decline to the complainant (不予登记
告知书), the letter sending a case to another department (移送函), the slip sending it to a unit
(分流单/交办单) and the reply letter (答复函). Documents that go to other units or departments
never carry an anonymous reporter's identity (complaints.identity), and an anonymous reporter
gets no notice: there is nobody to address it to."""
from django.utils.translation import gettext_lazy as _

from complaints.identity import identity_outbound
from complaints.models import Case, LegalDecision
from deadlines.models import CaseClock, Clock

from .kinds import DocumentKind, chinese_date, kind_add

DECLINE_NOTICE = "decline_notice"
TRANSFER_LETTER = "transfer_letter"
DISPATCH_SLIP = "dispatch_slip"
REPLY_LETTER = "reply_letter"


def case_values(case: Case) -> dict:
    identity = identity_outbound(case=case, values={"complainant_name": case.complainant_name,
                                                    "complainant_phone": case.complainant_phone})
    return {
        "工单编号": case.number, "查询码": case.query_code, "接收日期": chinese_date(case.received_at),
        "投诉人": identity["complainant_name"] or str(_("匿名")),
        "投诉人电话": identity["complainant_phone"],
        "被投诉人": case.respondent_name, "被投诉人地址": case.respondent_address,
        "事项": case.facts, "诉求": case.demand,
    }


def _one(condition: bool) -> list[tuple[str, str]]:
    return [("", "")] if condition else []


def _decline_values(*, case, subject_key):
    reason = case.decline_reason
    return {**case_values(case), "不予登记理由": reason.title if reason else "",
            "告知内容": reason.notice_text if reason else ""}


def _transfer_values(*, case, subject_key):
    return {**case_values(case), "移送部门": case.transfer_department.name if case.transfer_department else ""}


def _handling_due(case) -> str:
    clock = CaseClock.objects.filter(case=case, clock=Clock.HANDLING).order_by("-started_at").first()
    return chinese_date(clock.due_at) if clock and clock.due_at else ""


def _dispatch_values(*, case, subject_key):
    return {**case_values(case), "承办单位": case.handling_unit.name if case.handling_unit else "",
            "分流单位": case.dispatching_unit.name if case.dispatching_unit else "",
            "办理期限": _handling_due(case)}


def _reply_values(*, case, subject_key):
    return {**case_values(case), "承办单位": case.handling_unit.name if case.handling_unit else "",
            "答复内容": case.outcome_text}


def register() -> None:
    kind_add(DocumentKind(
        code=DECLINE_NOTICE, title=_("不予登记告知书"),
        subjects=lambda case: _one(case.state == Case.State.DECLINED and not case.anonymous),
        values=_decline_values, issuer=lambda *, case, subject_key: case.registering_unit,
        placeholders=("不予登记理由", "告知内容"),
    ))
    kind_add(DocumentKind(
        code=TRANSFER_LETTER, title=_("移送函"),
        subjects=lambda case: _one(case.state == Case.State.TRANSFERRED and case.transfer_department_id is not None),
        values=_transfer_values, issuer=lambda *, case, subject_key: case.registering_unit,
        placeholders=("移送部门", "投诉人电话"),
    ))
    kind_add(DocumentKind(
        code=DISPATCH_SLIP, title=_("分流单（交办单）"),
        subjects=lambda case: _one(case.handling_unit_id is not None and case.dispatching_unit_id is not None),
        values=_dispatch_values, issuer=lambda *, case, subject_key: case.dispatching_unit,
        placeholders=("承办单位", "分流单位", "办理期限", "投诉人电话"),
    ))
    kind_add(DocumentKind(
        code=REPLY_LETTER, title=_("答复函"),
        subjects=lambda case: _one(case.reply_approved_at is not None and not case.anonymous
                                   and bool(case.outcome_text)),
        values=_reply_values, issuer=lambda *, case, subject_key: case.handling_unit,
        placeholders=("承办单位", "答复内容"),
    ))
    register_statutory()


# --- the notices of the statutory track (Orders 20 and 121): one per recorded decision -----------

NOT_ACCEPTED_NOTICE = "not_accepted_notice"
ACCEPTANCE_NOTICE = "acceptance_notice"
MEDIATION_TERMINATION_NOTICE = "mediation_termination_notice"


def _decisions(outcome: str):
    def subjects(case) -> list[tuple[str, str]]:
        if case.anonymous:
            return []
        return [(str(decision.pk), "") for decision in
                LegalDecision.objects.filter(case=case, outcome=outcome).order_by("decided_at")]
    return subjects


def _decision(case, subject_key) -> LegalDecision:
    return LegalDecision.objects.select_related("ground", "decided_by_unit").get(case=case, pk=int(subject_key))


def _decision_values(*, case, subject_key):
    decision = _decision(case, subject_key)
    ground = decision.ground
    basis = ground.source if ground and ground.source else str(decision.get_legal_basis_display())
    return {**case_values(case), "告知内容": decision.notice_text or (ground.notice_text if ground else ""),
            "法律依据": basis, "终止理由": ground.title if ground else decision.note,
            "承办单位": (case.handling_unit or decision.decided_by_unit).name
            if (case.handling_unit or decision.decided_by_unit) else ""}


def _decision_issuer(*, case, subject_key):
    return _decision(case, subject_key).decided_by_unit


def register_statutory() -> None:
    placeholders = ("告知内容", "法律依据", "终止理由", "承办单位")
    for code, title, outcome in (
        (NOT_ACCEPTED_NOTICE, _("不予受理告知书"), LegalDecision.Outcome.NOT_ACCEPTED),
        (ACCEPTANCE_NOTICE, _("受理通知书"), LegalDecision.Outcome.ACCEPTED),
        (MEDIATION_TERMINATION_NOTICE, _("终止调解告知书"), LegalDecision.Outcome.TERMINATED),
    ):
        kind_add(DocumentKind(code=code, title=title, subjects=_decisions(outcome), values=_decision_values,
                              issuer=_decision_issuer, placeholders=placeholders))
