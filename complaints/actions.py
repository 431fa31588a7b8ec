"""The actions a case page offers: for each, its form, the transition it uses and the service it
calls. The page shows an action only when its transition allows it: the state machine, and the
transition's permission (role and unit, complaints.access)."""
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from routing.models import Unit, User

from . import actions_procedure as legal
from . import services
from .inputs import TypedMomentField
from .models import Case, DeclineReason
from .models.choices import HANDLING_LIMIT_UNITS, ContactMeans, Satisfaction
from .routing_selectors import dispatch_targets
from .services import signoff
from .services.signoff import reply_draft_pending


def _text(label, required=True, rows=3):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class EmptyForm(forms.Form):
    pass


class DeclineForm(forms.Form):
    reason = forms.ModelChoiceField(label=_("不予登记理由"), queryset=DeclineReason.objects.filter(is_active=True))
    note = _text(_("补充说明"), required=False, rows=2)


class AnswerForm(forms.Form):
    answer = _text(_("解答内容"))


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("移送部门"), queryset=Unit.objects.filter(kind=Unit.Kind.EXTERNAL, is_active=True)
    )
    note = _text(_("移送说明"), rows=2)


class DispatchForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True)
    )
    handling_limit_amount = forms.IntegerField(
        label=_("办理时限（紧急/重大工单必填）"), required=False, min_value=1, max_value=720
    )
    handling_limit_unit = forms.ChoiceField(
        label=_("时限单位"), required=False,
        choices=[("", "---"), *HANDLING_LIMIT_UNITS],
    )
    note = _text(_("分流说明"), required=False, rows=2)
    takes_user = True

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = dispatch_targets(user=user)

    def clean(self):
        data = super().clean()
        if data.get("handling_limit_amount") and not data.get("handling_limit_unit"):
            self.add_error("handling_limit_unit", _("请选择时限单位。"))
        return data


class RedispatchForm(forms.Form):
    takes_user = True

    unit = forms.ModelChoiceField(
        label=_("下级承办单位"), queryset=Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True)
    )
    note = _text(_("说明"), required=False, rows=2)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = dispatch_targets(user=user)


class ReasonForm(forms.Form):
    reason = _text(_("理由"), rows=2)


class ContactForm(forms.Form):
    means = forms.ChoiceField(label=_("联系方式"), choices=ContactMeans.choices)
    contacted_at = TypedMomentField(label=_("联系时间（默认为现在）"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    content = _text(_("联系内容"), rows=2)


class TextForm(forms.Form):
    text = _text(_("内容"), rows=4)


class ReplyForm(TextForm):
    """The reply; where a draft waits for the leader's sign-off, it starts from the draft's text."""
    takes_case = True

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        draft = reply_draft_pending(case=case) if case is not None and case.pk else None
        if draft is not None:
            self.fields["text"].initial = draft.text
            self.fields["text"].help_text = _("%(who)s提交的答复稿，签发前可修改。") % {"who": draft.submitted_by}


class ExtensionRequestForm(forms.Form):
    # The statutory report clock is extended once by the policy's length (the service decides it).
    clock = forms.ChoiceField(label=_("延长的时限"), initial="handling", choices=[
        ("handling", _("办理时限")), ("statutory_report_decision", _("举报核查时限（法定，经中心批准）"))])
    days = forms.IntegerField(label=_("申请延长（工作日）"), min_value=1, max_value=60, required=False)
    reason = _text(_("延期理由"), rows=2)

    def clean(self):
        data = super().clean()
        if data.get("clock") == "handling" and not data.get("days"):
            self.add_error("days", _("请填写申请延长的工作日数。"))
        return data


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结果"), choices=[("1", _("同意延期")), ("0", _("不同意"))], coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = _text(_("审批意见"), required=False, rows=2)


class NoteForm(forms.Form):
    note = _text(_("意见"), required=False, rows=2)


class FollowUpForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"), required=False, choices=[("", "---"), ("1", _("已解决")), ("0", _("未解决"))],
        coerce=lambda v: v == "1", empty_value=None,
    )
    note = _text(_("回访记录/无法回访原因"), required=False, rows=2)
    new_reasons = _text(_("不满意的新理由或新证据（填写即二次交办）"), required=False, rows=2)


class ReassignForm(forms.Form):
    # Its choices depend on the case: only people of the handling unit.
    takes_case = True

    handler = forms.ModelChoiceField(label=_("改派给"), queryset=User.objects.none())
    note = _text(_("改派说明"), required=False, rows=2)

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["handler"].queryset = User.objects.filter(
                unit_id=case.handling_unit_id, is_active=True
            ).exclude(pk=case.handler_id).order_by("username")


def _case(case: Case, _result) -> Case:
    """The statutory services answer with the decision they wrote; the page and the API go on with the case."""
    return case


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: str
    transition: str
    form: type[forms.Form]
    run: Callable  # (case, user, cleaned_data) -> object
    style: str = "primary"
    # Asked before an action that ends the case for the complainant (不予登记, 办结归档).
    confirm: str = ""

    def build_form(self, case: Case, *args, user=None, **kwargs) -> forms.Form:
        if getattr(self.form, "takes_case", False):
            kwargs["case"] = case
        if getattr(self.form, "takes_user", False):
            kwargs["user"] = user
        return self.form(*args, **kwargs)


ACTIONS = [
    CaseAction("register", _("登记"), "register", EmptyForm,
               lambda c, u, d: services.case_register(case=c, by=u)),
    CaseAction("answer", _("当场解答并办结"), "answer_on_the_spot", AnswerForm,
               lambda c, u, d: services.case_answer(case=c, by=u, **d)),
    CaseAction("decline", _("不予登记"), "decline", DeclineForm,
               lambda c, u, d: services.case_decline(case=c, by=u, **d), "danger",
               _("确定不予登记？投诉人将收到不予登记告知，工单随即终结。")),
    CaseAction("transfer", _("移送外部门"), "transfer_out", TransferForm,
               lambda c, u, d: services.case_transfer_out(case=c, by=u, **d), "secondary"),
    CaseAction("dispatch", _("分流"), "dispatch", DispatchForm,
               lambda c, u, d: services.case_dispatch(
                   case=c, by=u, unit=d["unit"], note=d["note"],
                   handling_limit=(d["handling_limit_amount"], d["handling_limit_unit"])
                   if d.get("handling_limit_amount") else None)),
    CaseAction("redispatch", _("二级分流"), "redispatch", RedispatchForm,
               lambda c, u, d: services.case_redispatch(case=c, by=u, **d)),
    CaseAction("accept", _("签收"), "accept", EmptyForm,
               lambda c, u, d: services.case_accept(case=c, by=u)),
    CaseAction("return", _("退回（非本单位管辖）"), "return_to_dispatcher", ReasonForm,
               lambda c, u, d: services.case_return(case=c, by=u, **d), "danger"),
    CaseAction("contact", _("记录联系"), "record_contact", ContactForm,
               lambda c, u, d: services.case_record_contact(case=c, by=u, **d)),
    CaseAction("stage_reply", _("阶段性回复"), "stage_reply", TextForm,
               lambda c, u, d: services.case_stage_reply(case=c, by=u, **d), "secondary"),
    CaseAction("request_extension", _("申请延期"), "request_extension", ExtensionRequestForm,
               lambda c, u, d: services.case_request_extension(case=c, by=u, **d), "secondary"),
    CaseAction("reassign", _("改派承办人"), "reassign", ReassignForm,
               lambda c, u, d: services.case_reassign(case=c, by=u, **d), "secondary"),
    CaseAction("decide_extension", _("审批延期"), "decide_extension", ExtensionDecisionForm,
               lambda c, u, d: services.case_decide_extension(case=c, by=u, **d)),
    CaseAction("reply", _("答复"), "reply", ReplyForm,
               lambda c, u, d: services.case_reply(case=c, by=u, **d)),
    # Sign-off inside the unit (经办人 → 负责人) and the referral of a sensitive reply (报批).
    CaseAction("submit_reply", _("提交负责人签发"), "submit_reply", TextForm,
               lambda c, u, d: signoff.case_submit_reply(case=c, by=u, **d)),
    CaseAction("return_reply_draft", _("退回答复稿修改"), "return_reply_draft", ReasonForm,
               lambda c, u, d: signoff.case_return_reply_draft(case=c, by=u, **d), "danger"),
    CaseAction("refer_reply", _("报中心主任审批"), "refer_reply", NoteForm,
               lambda c, u, d: signoff.case_refer_reply(case=c, by=u, **d), "secondary"),
    CaseAction("approve_reply", _("核查通过"), "approve_reply", NoteForm,
               lambda c, u, d: services.case_approve_reply(case=c, by=u, **d)),
    CaseAction("redo", _("发回重办"), "return_for_redo", ReasonForm,
               lambda c, u, d: services.case_return_for_redo(case=c, by=u, **d), "danger"),
    CaseAction("follow_up", _("回访"), "follow_up", FollowUpForm,
               lambda c, u, d: services.case_follow_up(case=c, by=u, **d)),
    CaseAction("archive", _("办结归档"), "archive", NoteForm,
               lambda c, u, d: services.case_archive(case=c, by=u, **d), "primary",
               _("确定办结归档？归档后工单办结销号，只能以二次交办重新办理。")),
    CaseAction("reopen", _("二次交办"), "reopen", ReasonForm,
               lambda c, u, d: services.case_reopen(case=c, by=u, **d), "danger"),
    # The statutory track (complaints/services/procedure.py).
    CaseAction("legal_accept", _("受理"), "accept_complaint", NoteForm,
               lambda c, u, d: _case(c, services.case_accept_complaint(case=c, by=u, **d))),
    CaseAction("not_accept", _("不予受理"), "refuse_acceptance", legal.NotAcceptForm,
               lambda c, u, d: _case(c, services.case_refuse_acceptance(
                   case=c, by=u, note=d.get("note", ""),
                   ground=legal.ground_resolve(c, "not_accept", d.get("ground")))), "danger"),
    CaseAction("mediation", _("记录调解结果"), "record_mediation", legal.MediationForm,
               lambda c, u, d: _case(c, services.case_mediation_record(
                   case=c, by=u, **{**d, "ground": legal.ground_resolve(c, "mediation_end", d.get("ground"))}))),
    CaseAction("report_decide", _("立案决定"), "decide_report", legal.ReportDecisionForm,
               lambda c, u, d: _case(c, services.case_report_decide(
                   case=c, by=u, **{**d, "ground": legal.ground_resolve(c, "report_not_open", d.get("ground"))}))),
    CaseAction("report_repeat", _("重复举报不予处理"), "mark_repeat_report", legal.RepeatReportForm,
               lambda c, u, d: _case(c, services.case_report_repeat(
                   case=c, by=u, note=d.get("note", ""),
                   earlier=legal.cases_resolve(u, [d["earlier"]], "earlier")[0])), "danger"),
    CaseAction("merge", _("并案处理"), "lead_merge", legal.MergeReportsForm,
               lambda c, u, d: _case(c, services.case_reports_merge(
                   case=c, by=u, note=d.get("note", ""),
                   followers=legal.cases_resolve(u, d["followers"], "followers"))), "secondary"),
    CaseAction("decision_notice", _("记录已告知决定"), "record_decision_notice", NoteForm,
               lambda c, u, d: _case(c, services.case_decision_notice(case=c, by=u, **d)), "secondary"),
]
ACTIONS_BY_NAME = {action.name: action for action in ACTIONS}


def actions_available(case: Case, user, names=None) -> list[CaseAction]:
    """Actions whose transition may run now (state and conditions) and whose permission, which
    checks role and unit together (complaints.access), the user holds; only those in `names` when
    given (the inbox asks for its few, so no other action's condition is evaluated per row)."""
    return [action for action in ACTIONS
            if (names is None or action.name in names)
            and can_proceed(bound := getattr(case, action.transition)) and has_transition_perm(bound, user)]
