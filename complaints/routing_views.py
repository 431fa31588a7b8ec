"""Routing pages: the dispatch queue with proposals and batch dispatch, the file-anywhere list, and
the routing actions of a case page (accept the proposal, co-handlers, findings, cross-region notice)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition

from core.errors import STALE_MESSAGE, ApplicationError
from routing.models import PlatformJurisdiction, Unit

from . import access, routing_selectors
from .models.choices import HANDLING_LIMIT_UNITS
from .services import dispatch_queue as queue_services
from .services import platform as platform_services
from .services import routing as routing_services
from .views import _get_case


def _internal_units():
    return Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True)


class BatchDispatchForm(forms.Form):
    numbers = forms.MultipleChoiceField(label=gettext_lazy("工单"), choices=())
    unit = forms.ModelChoiceField(label=gettext_lazy("统一分流到（留空则按各自建议）"), required=False,
                                  queryset=_internal_units())

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numbers"].choices = [(n, n) for n in numbers]


class AcceptProposalForm(forms.Form):
    handling_limit_amount = forms.IntegerField(required=False, min_value=1, max_value=720)
    handling_limit_unit = forms.ChoiceField(required=False, choices=[("", "---"), *HANDLING_LIMIT_UNITS])


class CoHandlersForm(forms.Form):
    units = forms.ModelMultipleChoiceField(label=gettext_lazy("协办单位"), queryset=_internal_units())
    note = forms.CharField(label=gettext_lazy("说明"), required=False)


class PlatformJurisdictionForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("原因"), choices=PlatformJurisdiction.choices)


class TextForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("内容"))


@login_required
def dispatch_queue(request):
    access.require_open_dispatch_queue(request.user)
    unmatched = request.GET.get("unmatched") == "1"
    cases = routing_selectors.dispatch_queue_with_proposals(visible_to=request.user, unmatched_only=unmatched)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "complaints/dispatch_queue.html", {
        # Where this user may dispatch to: never the center (or district center) itself.
        "page": page, "unmatched": unmatched, "units": routing_selectors.dispatch_targets(user=request.user),
        "redispatch": routing_selectors.redispatch_queue(visible_to=request.user)[:100]})


@login_required
@require_POST
def dispatch_queue_batch(request):
    access.require_open_dispatch_queue(request.user)
    numbers = request.POST.getlist("numbers")
    form = BatchDispatchForm(request.POST, numbers=numbers)
    if not numbers or not form.is_valid():
        messages.error(request, _("请至少选择一件工单。"))
        return redirect("dispatch-queue")
    cases = list(routing_selectors.dispatch_queue_with_proposals(visible_to=request.user)
                 .filter(number__in=form.cleaned_data["numbers"]))
    done, failed = queue_services.cases_dispatch_batch(cases=cases, by=request.user, unit=form.cleaned_data["unit"])
    if done:
        messages.success(request, _("已分流 %(n)s 件。") % {"n": len(done)})
    for case, message in failed:
        messages.error(request, _("%(number)s 未分流：%(message)s") % {"number": case.number, "message": message})
    return redirect("dispatch-queue")


@login_required
def cross_region_list(request):
    cases = routing_selectors.cross_region_case_list(visible_to=request.user)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "routing/cross_region_list.html", {"page": page})


def _act(request, number, form_class, run, success):
    """Validate, call one service, report; errors come back as messages on the case page, or on the
    page the form came from (the dispatch queue, the center's to-do list)."""
    case = _get_case(request, number)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back_to = back
    else:
        back_to = None
    form = form_class(request.POST)
    if request.POST.get("version") and request.POST["version"] != str(case.version):
        messages.error(request, STALE_MESSAGE)
        return redirect(back_to or reverse("case-detail", args=[number]))
    if not form.is_valid():
        messages.error(request, "; ".join(f"{e}" for errors in form.errors.values() for e in errors))
        return redirect(back_to or reverse("case-detail", args=[number]))
    try:
        run(case, form.cleaned_data)
    except ConcurrentTransition:
        messages.error(request, STALE_MESSAGE)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(back_to or reverse("case-detail", args=[number]))


@login_required
@require_POST
def case_accept_proposal(request, number):
    def run(case, data):
        limit = (data["handling_limit_amount"], data["handling_limit_unit"]) \
            if data.get("handling_limit_amount") and data.get("handling_limit_unit") else None
        queue_services.case_dispatch_proposed(case=case, by=request.user, handling_limit=limit)
    return _act(request, number, AcceptProposalForm, run, _("已按建议分流。"))


@login_required
@require_POST
def case_cohandlers(request, number):
    return _act(request, number, CoHandlersForm, lambda case, d: routing_services.case_cohandlers_assign(
        case=case, by=request.user, units=list(d["units"]), note=d["note"]), _("已指定协办单位。"))


@login_required
@require_POST
def case_findings(request, number):
    return _act(request, number, TextForm, lambda case, d: routing_services.case_findings_add(
        case=case, by=request.user, text=d["text"]), _("协办意见已提交牵头单位。"))


@login_required
@require_POST
def case_cross_region_notify(request, number):
    return _act(request, number, TextForm, lambda case, d: routing_services.case_cross_region_notify(
        case=case, by=request.user, note=d["text"]), _("已记录告知并报中心备案。"))


@login_required
@require_POST
def case_platform_jurisdiction(request, number):
    def run(case, data):
        platform_services.case_platform_jurisdiction_switch(case=case, by=request.user, reason=data["reason"])
    return _act(request, number, PlatformJurisdictionForm, run, _("已改按平台经营者住所地管辖。"))
