"""Pages for clerks, units and the center. Each view validates input and calls one service."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.errors import STALE_MESSAGE, ApplicationError, TransitionRefused

from . import access, routing_selectors, selectors, services
from .actions import ACTIONS_BY_NAME, actions_available
from .case_panels import case_panels_render
from .files import attachment_response
from .forms import CaseDetailsForm, IntakeForm
from .identity import identity_shown
from .inputs import typed_id
from .keyset import capped_count, few_matches_by_key, keyset_page
from .models import Case
from .services.submissions import form_fingerprint, form_submitted_case, form_token_claim, form_token_new
from .views_landing import landing_url


def _get_case(request, number: str) -> Case:
    try:
        return selectors.case_detail(visible_to=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404(_("工单不存在或您无权查看。")) from None


def _apply_errors(form: forms.Form, error: ApplicationError) -> None:
    if not error.errors:
        form.add_error(None, error.message)
    for field, field_errors in error.errors.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


@login_required
def home(request):
    """Where each role starts (views_landing.py): a clerk on intake, a unit on its inbox, the
    center on its to-do list."""
    return redirect(landing_url(request.user))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("文件"))
    description = forms.CharField(label=_("说明"), required=False, max_length=200)


CASE_LIST_PAGE_SIZE = 25


@login_required
def case_list(request):
    state = request.GET.get("state", "")
    search = request.GET.get("q", "")
    cases = selectors.case_list(visible_to=request.user, state=state or None, search=search)
    # Keyset pages, newest first (complaints/keyset.py): no OFFSET, no count of every match.
    cases, count, more = few_matches_by_key(cases) if search.strip() else (cases, *capped_count(cases))
    page = keyset_page(cases, order=selectors.CASE_LIST_ORDER, cursor=request.GET.get("after"),
                       size=CASE_LIST_PAGE_SIZE)
    kept = {name: value for name, value in (("state", state), ("q", search)) if value}
    return render(request, "complaints/case_list.html", {
        "page": page, "state": state, "q": search, "states": Case.State.choices, "pager_query": urlencode(kept),
        "pager_template": "_keyset_pager.html", "page_total": f"{count:,}+" if more else count,
    })


@login_required
def case_new(request):
    access.require_receive(request.user)
    form = IntakeForm(initial={"form_token": form_token_new()})
    if request.method == "POST":
        registering = request.POST.get("submit") != "receive"
        form = IntakeForm(request.POST, request.FILES, registering=registering)
        token = request.POST.get("form_token", "")
        earlier = form_submitted_case(token=token, by=request.user)
        if earlier is not None:
            return _already_submitted(request, earlier)
        if form.is_valid():
            fingerprint = form_fingerprint(form.case_fields())
            earlier = form_submitted_case(token="", by=request.user, fingerprint=fingerprint)
            if earlier is not None:
                return _already_submitted(request, earlier)
            try:
                with transaction.atomic():
                    claim = form_token_claim(token=token, by=request.user, fingerprint=fingerprint)
                    if token and claim is None:  # the same form, submitted a moment ago
                        raise _AlreadySubmitted
                    cases = services.case_receive(
                        by=request.user, fields=form.case_fields(), register=registering,
                        also_report=form.cleaned_data["also_report"], files=form.cleaned_data["attachments"],
                    )
                    if claim is not None:
                        claim.case = cases[0]
                        claim.save(update_fields=["case"])
            except _AlreadySubmitted:
                earlier = form_submitted_case(token=token, by=request.user)
                if earlier is not None:
                    return _already_submitted(request, earlier)
                form.add_error(None, _("该表单正在提交，请稍候查看工单列表。"))
            except ApplicationError as error:
                _apply_errors(form, error)
            else:
                for case in cases:
                    if case.state == Case.State.RECEIVED and case.missing_elements:
                        messages.warning(request, _("工单 %(n)s 已接收，待补充：%(m)s") % {
                            "n": case.number, "m": "、".join(case.missing_elements)})
                    else:
                        messages.success(request, _("工单 %(n)s %(s)s，查询码 %(c)s") % {
                            "n": case.number, "s": case.get_state_display(), "c": case.query_code})
                return redirect("case-detail", number=cases[0].number)
        return render(request, "complaints/case_form.html", {"form": form, "title": _("登记投诉举报")}, status=400)
    return render(request, "complaints/case_form.html", {"form": form, "title": _("登记投诉举报")})


class _AlreadySubmitted(Exception):
    pass


def _already_submitted(request, case: Case):
    """The form was sent before (back and submit again, a double click): show the case it made."""
    messages.info(request, _("该表单已提交过，未重复登记。已登记的工单为 %(n)s。") % {"n": case.number})
    return redirect("case-detail", number=case.number)


@login_required
def case_edit(request, number):
    case = _get_case(request, number)
    if not (access.may_edit_details(case, request.user) and case.details_editable()):
        raise PermissionDenied(_("该工单当前不能由您补充或修改基本信息。"))
    identity_visible = identity_shown(case=case, user=request.user)
    context = {"case": case, "title": _("补充工单信息")}
    if request.method == "POST":
        form = CaseDetailsForm(request.POST, instance=Case.objects.get(pk=case.pk), registering=False,
                               identity_visible=identity_visible)
        if form.is_valid():
            try:
                services.case_update_details(case=case, by=request.user, fields=form.case_fields())
            except (ApplicationError, PermissionDenied) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已保存。"))
                return redirect("case-detail", number=number)
        return render(request, "complaints/case_form.html", {**context, "form": form}, status=400)
    form = CaseDetailsForm(instance=case, registering=False, identity_visible=identity_visible)
    return render(request, "complaints/case_form.html", {**context, "form": form})


def _announce_form_errors(request, form: forms.Form) -> None:
    """An action's errors also go at the top of the page: the form itself may lie below the fold."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, _("%(label)s：%(error)s") % {"label": label, "error": error} if label else error)


def _render_detail(request, case, *, status=200, failed=None):
    available = actions_available(case, request.user)
    forms_by_action = {
        action.name: action.build_form(case, prefix=action.name, user=request.user) for action in available
    }
    if failed is not None:
        forms_by_action[failed[0]] = failed[1]
        _announce_form_errors(request, failed[1])
    context = {
        "case": case,
        "actions": [(action, forms_by_action[action.name]) for action in available],
        # An action opened from elsewhere (the inbox row's link to a decision), if the user has it.
        "open_action": failed[0] if failed else next(
            (a.name for a in available if a.name == request.GET.get("action")), ""),
        "running_clocks": selectors.case_running_clocks(case=case),
        "show_identity": identity_shown(case=case, user=request.user),
        "evidence_form": EvidenceForm(),
        "can_add_evidence": access.may_add_evidence(request.user) and case.accepts_evidence(),
        "can_edit": access.may_edit_details(case, request.user) and case.details_editable(),
        "can_print_receipt": access.may_receive(request.user),
        **routing_selectors.case_routing_view(case=case, user=request.user),
    }
    # One moment for every clock on the page: the deadline panel and the panels added from above.
    context["judged_at"] = judged_at = timezone.now()
    context["case_panels"] = case_panels_render(request=request, case=case, now=judged_at)
    return render(request, "complaints/case_detail.html", context, status=status)


@login_required
def case_receipt(request, number):
    """The printable receipt (受理回执) a clerk hands or sends the complainant after intake: the case
    number and query code with the public look-up address."""
    access.require_receive(request.user)
    case = _get_case(request, number)
    return render(request, "complaints/case_receipt.html", {
        "case": case, "track_url": settings.PUBLIC_TRACK_URL, "printed_at": timezone.now(),
    })


@login_required
def case_detail(request, number):
    return _render_detail(request, _get_case(request, number))


@login_required
def case_act(request, number, action_name):
    case = _get_case(request, number)
    if request.method != "POST":
        # The address bar keeps an action's URL after a refused submission: reopening it shows the case.
        return redirect("case-detail", number=number)
    action = ACTIONS_BY_NAME.get(action_name)
    if action is None:
        raise Http404
    form = action.build_form(case, request.POST, prefix=action.name, user=request.user)
    # The page carried the version it showed; anything newer means someone else acted meanwhile.
    if request.POST.get("version") != str(case.version):
        messages.error(request, STALE_MESSAGE)
        return _render_detail(request, case, status=409)
    if not form.is_valid():
        return _render_detail(request, case, status=400, failed=(action.name, form))
    try:
        action.run(case, request.user, form.cleaned_data)
    except (TransitionRefused, TransitionNotAllowed, ConcurrentTransition) as error:
        messages.error(request, STALE_MESSAGE if isinstance(error, ConcurrentTransition) else str(error))
        return _render_detail(request, _get_case(request, number), status=409)
    except ApplicationError as error:
        _apply_errors(form, error)
        return _render_detail(request, _get_case(request, number), status=400, failed=(action.name, form))
    messages.success(request, _("%(action)s：操作成功。") % {"action": action.label})
    # Actions taken from the inbox go back to it.
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    # Returning or redispatching can take the case out of this unit's sight: its page would be a 404.
    if not selectors.case_list(visible_to=request.user).filter(number=number).exists():
        return redirect("inbox")
    return redirect("case-detail", number=number)


@login_required
@require_POST
def case_attachment_add(request, number):
    case = _get_case(request, number)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.case_attachment_add(case=case, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("证据已添加。"))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("case-detail", number=number)


@login_required
def case_attachment_download(request, number, attachment_id):
    """Evidence is served only to those who may see the case, never from a public media URL."""
    case = _get_case(request, number)
    attachment = next((a for a in case.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@login_required
def notifications(request):
    if request.method == "POST":
        ids = [i for i in map(typed_id, request.POST.getlist("ids")) if i is not None]
        services.notification_mark_read(user=request.user, notification_ids=ids)
        return redirect("notifications")
    page = Paginator(selectors.notification_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "complaints/notifications.html", {"page": page})
