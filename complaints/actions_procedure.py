"""The forms of the statutory track's actions (受理, 不予受理, 调解结果, 立案决定, 重复举报, 并案, 告知),
listed with the other actions in complaints/actions.py. The grounds a form offers are those of the
order the case is held to (selectors_procedure.statutory_grounds_for): a form never offers another
order's grounds, and the service checks again."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

from . import selectors
from .models import Case, LegalDecision, StatutoryGround
from .selectors_procedure import statutory_grounds_for


def _text(label, required=True, rows=2):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class _GroundForm(forms.Form):
    takes_case = True
    track = ""

    ground = forms.ModelChoiceField(label=_("法定情形"), queryset=StatutoryGround.objects.none())

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["ground"].queryset = statutory_grounds_for(case=case, track=self.track)


class NotAcceptForm(_GroundForm):
    track = StatutoryGround.Track.NOT_ACCEPT
    note = _text(_("补充说明"), required=False)


class MediationForm(_GroundForm):
    track = StatutoryGround.Track.MEDIATION_END
    field_order = ["outcome", "amount_recovered", "agreement_text", "ground", "entrusted_to", "note"]

    outcome = forms.ChoiceField(label=_("调解结果"), choices=[
        (LegalDecision.Outcome.AGREEMENT, _("达成调解协议")),
        (LegalDecision.Outcome.TERMINATED, _("终止调解")),
        (LegalDecision.Outcome.ENTRUSTED, _("委托调解")),
    ], widget=forms.RadioSelect)
    amount_recovered = forms.DecimalField(label=_("挽回经济损失（元，达成协议时填写）"), required=False,
                                          min_value=0, max_digits=12, decimal_places=2)
    agreement_text = _text(_("调解协议内容（达成协议时填写）"), required=False, rows=3)
    entrusted_to = forms.CharField(label=_("受委托的消费者协会或调解组织（委托调解时填写）"), required=False,
                                   max_length=200)
    note = _text(_("说明"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].required = False
        self.fields["ground"].label = _("终止调解情形（终止调解时选择）")


class ReportDecisionForm(_GroundForm):
    track = StatutoryGround.Track.REPORT_NOT_OPEN
    field_order = ["opened", "ground", "note"]

    opened = forms.TypedChoiceField(label=_("处理决定"), choices=[("1", _("立案")), ("0", _("不予立案"))],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = _text(_("核查情况"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].required = False
        self.fields["ground"].label = _("不予立案理由（不予立案时选择）")


class _CaseNumbersForm(forms.Form):
    """Case numbers typed by the user, resolved among the cases the user may see (others: not found)."""

    takes_user = True

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _cases(self, numbers: list[str], field: str) -> list[Case]:
        visible = selectors.case_list(visible_to=self.user) if self.user is not None else Case.objects.none()
        found = {case.number: case for case in visible.filter(number__in=numbers)}
        missing = [number for number in numbers if number not in found]
        if missing:
            raise forms.ValidationError(_("未找到工单：%(numbers)s") % {"numbers": "、".join(missing)})
        return [found[number] for number in numbers]


class RepeatReportForm(_CaseNumbersForm):
    takes_case = True

    earlier = forms.CharField(label=_("原举报工单编号"), max_length=20)
    note = _text(_("说明（同一被举报人、同一事实）"), required=False)

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None and case.repeat_of_id:
            # The earlier report registration linked it to (services/repeats.py), offered to confirm.
            self.fields["earlier"].initial = case.repeat_of.number

    def clean_earlier(self):
        return self._cases([self.cleaned_data["earlier"].strip()], "earlier")[0]


class MergeReportsForm(_CaseNumbersForm):
    followers = forms.CharField(label=_("并入本案的举报工单编号（多个用逗号或空格分隔）"), max_length=2000)
    note = _text(_("并案说明"), required=False)

    def clean_followers(self):
        numbers = [n for n in self.cleaned_data["followers"].replace(",", " ").replace(",", " ").split() if n]
        if not numbers:
            raise forms.ValidationError(_("请填写需并案处理的举报工单编号。"))
        return self._cases(list(dict.fromkeys(numbers)), "followers")


# --- what the API sends: codes and numbers rather than the objects the forms resolve -----------------

def ground_resolve(case: Case, track: str, value):
    """A ground from a form (the row) or from the API (its code among the case's own grounds);
    None when unknown, which the service refuses naming the field."""
    if value is None or isinstance(value, StatutoryGround):
        return value
    return statutory_grounds_for(case=case, track=track).filter(code=str(value)).first()


def cases_resolve(user, values, field: str) -> list[Case]:
    """Cases from a form (resolved already) or from the API (numbers among the cases the user sees)."""
    values = list(values)
    numbers = [v for v in values if isinstance(v, str)]
    if not numbers:
        return values
    found = {c.number: c for c in selectors.case_list(visible_to=user).filter(number__in=numbers)}
    missing = [number for number in numbers if number not in found]
    if missing:
        raise ApplicationError(_("未找到工单：%(numbers)s") % {"numbers": "、".join(missing)}, field=field)
    return [found[v] if isinstance(v, str) else v for v in values]
