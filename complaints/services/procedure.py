"""The statutory track (法定程序): acceptance (受理 / 不予受理), the mediation outcome, the decision on a
report (立案 / 不予立案), repeated reports (重复举报不予处理) and merged reports (并案处理).

Each service checks the transition (409, then 403, complaints.access.may_decide_legal), changes the
case, writes the decision row (complaints.LegalDecision), the history row and the clock changes in
one transaction. The history actions (CaseEvent.Action.LEGAL_ACCEPT, NOT_ACCEPT, MEDIATION_ENTRUST,
MEDIATION_END, REPORT_DECIDE, REPORT_REPEAT, MERGE, DECISION_NOTICE) are stable names the webhooks
and the complainant's notices key on; a decision with a ground carries the ground's notice text
(告知) in the history, which the public look-up shows.
"""
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError
from core.notes import Note
from deadlines.models import Clock
from deadlines.services import clock_start, clocks_start, clocks_stop

from ..models import Case, CaseEvent, ExtensionRequest, LegalDecision, StatutoryGround
from ..models.case import DECISION_NOTICE_CLOCKS
from ..selectors_procedure import statutory_grounds_for
from .guards import require_transition
from .history import case_event_record

# Every clock a case can run: a case that ends here stops them all.
ALL_CLOCKS = list(Clock.values)
Track, Outcome = LegalDecision.Track, LegalDecision.Outcome


def _ground_check(*, case: Case, track: str, ground) -> StatutoryGround:
    """The ground must be one the case's own order allows (by its receipt date)."""
    if ground is None or not statutory_grounds_for(case=case, track=track).filter(pk=ground.pk).exists():
        raise ApplicationError(_("请选择该工单接收时适用的法定情形。"), field="ground")
    return ground


def _decision(*, case: Case, by, track: str, outcome: str, at, ground=None, **fields) -> LegalDecision:
    return LegalDecision.objects.create(
        case=case, track=track, outcome=outcome, legal_basis=case.legal_basis, ground=ground,
        notice_text=ground.notice_text if ground else "", decided_by=by, decided_by_unit=getattr(by, "unit", None),
        decided_at=at, **fields)


def _ground_data(ground: StatutoryGround | None) -> dict:
    if ground is None:
        return {}
    return {"ground": ground.code, "ground_title": ground.title, "notice": ground.notice_text, "source": ground.source}


def _refuse_pending_extensions(case: Case, at) -> None:
    case.extension_requests.filter(decision=ExtensionRequest.Decision.PENDING).update(
        decision=ExtensionRequest.Decision.REFUSED, decided_at=at, decision_note=_("工单已结束，申请失效"))


# --- acceptance (受理决定) ---------------------------------------------------------------------------

@transaction.atomic
def case_accept_complaint(*, case: Case, by, note: str = "") -> LegalDecision:
    """受理: the acceptance clock stops and the statutory mediation clock starts from the decision."""
    source = require_transition(case.accept_complaint, by)
    at = timezone.now()
    case.accept_complaint(at=at)
    case.save()
    clocks_start(case=case, clocks=["statutory_mediation"], stop=["statutory_accept"], at=at)
    decision = _decision(case=case, by=by, track=Track.ACCEPTANCE, outcome=Outcome.ACCEPTED, at=at, note=note)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.LEGAL_ACCEPT, source=source, at=at,
                      note=Note(gettext_noop("您的投诉已依法受理，市场监管部门将组织调解。")),
                      data={"decision": Outcome.ACCEPTED, "legal_basis": case.legal_basis, "comment": note})
    return decision


@transaction.atomic
def case_refuse_acceptance(*, case: Case, by, ground, note: str = "") -> LegalDecision:
    """不予受理 with a statutory ground of the case's order: the case ends and the complainant is told
    the ground's notice (in the history, so on the public look-up)."""
    source = require_transition(case.refuse_acceptance, by)
    _ground_check(case=case, track=StatutoryGround.Track.NOT_ACCEPT, ground=ground)
    at = timezone.now()
    case.refuse_acceptance(at=at)
    case.save()
    clocks_stop(case=case, clocks=ALL_CLOCKS, at=at)
    _refuse_pending_extensions(case, at)
    decision = _decision(case=case, by=by, track=Track.ACCEPTANCE, outcome=Outcome.NOT_ACCEPTED, at=at,
                         ground=ground, note=note)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.NOT_ACCEPT, source=source, at=at,
                      note=ground.notice_text,
                      data={"decision": Outcome.NOT_ACCEPTED, "legal_basis": case.legal_basis, "comment": note,
                            **_ground_data(ground)})
    return decision


# --- mediation (调解) --------------------------------------------------------------------------------

def _amount_check(amount) -> Decimal:
    try:
        amount = Decimal(str(amount)) if amount not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ApplicationError(_("请填写挽回经济损失金额（元，无则填0）。"), field="amount_recovered")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def case_mediation_record(
    *, case: Case, by, outcome: str, ground=None, amount_recovered=None, agreement_text: str = "",
    agreement_file=None, entrusted_to: str = "", note: str = "",
) -> LegalDecision:
    """The outcome of an accepted complaint's mediation:
    - 达成调解协议 (agreement): the amount recovered and the agreement (text or file); the mediation
      clock stops;
    - 终止调解 (terminated): a statutory ground; the mediation clock stops and the clock to tell both
      parties starts;
    - 委托调解 (entrusted) to a consumer association or mediation body: the mediation clock keeps
      running, and the entrusted body's result is recorded afterwards as agreement or termination.
    """
    if outcome not in (Outcome.AGREEMENT, Outcome.TERMINATED, Outcome.ENTRUSTED):
        raise ApplicationError(_("请选择调解结果。"), field="outcome")
    source = require_transition(case.record_mediation, by)
    entrusted_before = case.mediation_outcome == Outcome.ENTRUSTED
    fields = {"note": note}
    if outcome == Outcome.AGREEMENT:
        fields["amount_recovered"] = amount = _amount_check(amount_recovered)
        if not agreement_text.strip() and not agreement_file:
            raise ApplicationError(_("请填写调解协议内容或上传调解协议书。"), field="agreement_text")
        fields.update(agreement_text=agreement_text.strip(), agreement_file=agreement_file or "")
    elif outcome == Outcome.TERMINATED:
        _ground_check(case=case, track=StatutoryGround.Track.MEDIATION_END, ground=ground)
        amount = None
    else:
        if entrusted_before:
            raise ApplicationError(_("已委托调解，请记录受委托组织的调解结果。"), field="outcome")
        if not entrusted_to.strip():
            raise ApplicationError(_("请填写受委托的消费者协会或调解组织。"), field="entrusted_to")
        fields["entrusted_to"] = entrusted_to.strip()
        amount = None
    if entrusted_before:
        # The result of the entrusted body (受委托组织的调解结果), recorded by the unit.
        entrusted = case.legal_decisions.filter(outcome=Outcome.ENTRUSTED).latest("decided_at")
        fields["entrusted_to"] = entrusted.entrusted_to
    at = timezone.now()
    case.record_mediation(outcome=outcome, amount_recovered=amount, at=at)
    case.save()
    data = {"outcome": outcome, "legal_basis": case.legal_basis, "comment": note}
    if outcome == Outcome.ENTRUSTED:
        public = Note(gettext_noop("您的投诉已委托%(body)s调解。"), body=fields["entrusted_to"])
        data["entrusted_to"] = fields["entrusted_to"]
        action = CaseEvent.Action.MEDIATION_ENTRUST
    else:
        clocks_stop(case=case, clocks=["statutory_mediation"], at=at)
        action = CaseEvent.Action.MEDIATION_END
        if entrusted_before:
            data["entrusted_to"] = fields["entrusted_to"]
        if outcome == Outcome.AGREEMENT:
            public = Note(gettext_noop("调解达成协议，为您挽回经济损失%(amount)s元。"), amount=f"{amount:.2f}")
            data["amount_recovered"] = f"{amount:.2f}"
        else:
            public = ground.notice_text
            data.update(_ground_data(ground))
            clock_start(case=case, clock="statutory_termination_notice", at=at)
    decision = _decision(case=case, by=by, track=Track.MEDIATION, outcome=outcome, at=at,
                         ground=ground if outcome == Outcome.TERMINATED else None, **fields)
    case_event_record(case=case, actor=by, action=action, source=source, at=at, note=public, data=data)
    return decision


# --- reports (举报) ---------------------------------------------------------------------------------

def reporter_is_named(case: Case) -> bool:
    """A real-name reporter is told the decision; an anonymous one (or one without a way to reach
    them) is not."""
    return not case.anonymous and bool(case.complainant_name.strip() or case.complainant_phone.strip())


@transaction.atomic
def case_report_decide(*, case: Case, by, opened: bool, ground=None, note: str = "") -> LegalDecision:
    """立案 or 不予立案 (with a reason) within the report clock; a real-name reporter is owed the
    notice of it within the notice clock. Nothing of the reporter goes into the decision."""
    source = require_transition(case.decide_report, by)
    if not opened:
        _ground_check(case=case, track=StatutoryGround.Track.REPORT_NOT_OPEN, ground=ground)
    else:
        ground = None
    at = timezone.now()
    case.decide_report(opened=opened, at=at)
    case.save()
    clocks_stop(case=case, clocks=["statutory_report_decision"], at=at)
    named = reporter_is_named(case)
    if named:
        clock_start(case=case, clock="statutory_report_notice", at=at)
    outcome = Outcome.CASE_OPENED if opened else Outcome.NOT_OPENED
    decision = _decision(case=case, by=by, track=Track.REPORT, outcome=outcome, at=at, ground=ground, note=note)
    public = Note(gettext_noop("经核查，您举报的事项已决定立案调查。")) if opened else ground.notice_text
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REPORT_DECIDE, source=source, at=at,
                      note=public, data={"decision": outcome, "legal_basis": case.legal_basis, "comment": note,
                                         "reporter_notice_owed": named, **_ground_data(ground)})
    return decision


@transaction.atomic
def case_report_repeat(*, case: Case, by, earlier: Case | None, note: str = "") -> LegalDecision:
    """重复举报不予处理 (Order 121): the report repeats one already handled or being handled (same
    respondent and facts, by the same reporter or not). It is linked to the earlier report and ends
    with no handling obligation; unlike a repeat complaint it opens no red line."""
    source = require_transition(case.mark_repeat_report, by)
    if earlier is None or earlier.pk == case.pk or earlier.kind != Case.Kind.REPORT \
            or earlier.state in Case.NOT_TAKEN_UP_STATES:
        raise ApplicationError(_("请填写已处理或正在处理的原举报工单编号。"), field="earlier")
    at = timezone.now()
    case.mark_repeat_report(earlier=earlier, at=at)
    case.save()
    clocks_stop(case=case, clocks=ALL_CLOCKS, at=at)
    _refuse_pending_extensions(case, at)
    decision = _decision(case=case, by=by, track=Track.REPORT, outcome=Outcome.REPEAT, at=at,
                         related_case=earlier, note=note)
    # The public note does not name the earlier report: it may be someone else's.
    case_event_record(case=case, actor=by, action=CaseEvent.Action.REPORT_REPEAT, source=source, at=at,
                      note=Note(gettext_noop("您举报的事项与市场监管部门已经处理或正在处理的举报属同一事项，"
                                             "依法不再重复处理。")),
                      data={"decision": Outcome.REPEAT, "earlier": earlier.number, "comment": note})
    return decision


@transaction.atomic
def case_reports_merge(*, case: Case, by, followers: list[Case], note: str = "") -> list[LegalDecision]:
    """并案处理: related reports about the same conduct follow one lead (`case`), which carries the
    handling and the decision; the followers' clocks stop and they are closed with the lead."""
    require_transition(case.lead_merge, by)
    if case.merged_into_id:
        raise ApplicationError(_("主案须为正在办理的举报。"), field="followers")
    followers = list({f.pk: f for f in followers if f.pk != case.pk}.values())
    if not followers:
        raise ApplicationError(_("请填写需并案处理的举报工单编号。"), field="followers")
    at = timezone.now()
    decisions = []
    for follower in followers:
        source = require_transition(follower.merge_into, by)
        follower.merge_into(lead=case)
        follower.save()
        clocks_stop(case=follower, clocks=ALL_CLOCKS, at=at)
        decisions.append(_decision(case=follower, by=by, track=Track.REPORT, outcome=Outcome.MERGED, at=at,
                                   related_case=case, note=note))
        case_event_record(case=follower, actor=by, action=CaseEvent.Action.MERGE, source=source, at=at,
                          note=Note(gettext_noop("您举报的事项已与同一违法行为的其他举报合并处理，处理结果将一并告知。")),
                          data={"lead": case.number, "comment": note})
    case_event_record(case=case, actor=by, action=CaseEvent.Action.MERGE, at=at, internal=True,
                      note=Note(gettext_noop("并案处理：本案为主案，并入 %(numbers)s"),
                                numbers=[f.number for f in followers]),
                      data={"followers": [f.number for f in followers], "comment": note})
    return decisions


def case_merged_close(*, case: Case, by, at) -> int:
    """Close the followers of a lead that was just archived (called in its transaction)."""
    closed = 0
    for follower in case.merged_cases.exclude(state__in=Case.ENDED_STATES).select_for_update():
        source = follower.state
        follower.close_with_lead(at=at)
        follower.save()
        clocks_stop(case=follower, clocks=ALL_CLOCKS, at=at)
        case_event_record(case=follower, actor=by, action=CaseEvent.Action.ARCHIVE, source=source, at=at,
                          note=Note(gettext_noop("随并案主案一并办结。")), data={"lead": case.number})
        closed += 1
    return closed


@transaction.atomic
def case_decision_notice(*, case: Case, by, note: str = "") -> Case:
    """The parties were told of a terminated mediation (终止调解告知书), or a real-name reporter of the
    decision on the report: the notice clock stops."""
    source = require_transition(case.record_decision_notice, by)
    at = timezone.now()
    case.record_decision_notice()
    case.save()
    stopped = list(case.clocks.filter(clock__in=DECISION_NOTICE_CLOCKS, stopped_at__isnull=True)
                   .values_list("clock", flat=True))
    clocks_stop(case=case, clocks=list(DECISION_NOTICE_CLOCKS), at=at)
    message = gettext_noop("已将终止调解决定告知投诉人和被投诉人。") if "statutory_termination_notice" in stopped \
        else gettext_noop("已将举报处理决定告知举报人。")
    case_event_record(case=case, actor=by, action=CaseEvent.Action.DECISION_NOTICE, source=source, at=at,
                      note=Note(message), data={"clocks": stopped, "comment": note})
    return case
