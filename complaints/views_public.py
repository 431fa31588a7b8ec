"""The complainant's progress look-up (no login): case number + query code, then the public
timeline and, after the reply, a one-time rating. Wrong codes and unknown numbers get the same
answer, and failed attempts are limited per client and per case number."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect

from core.errors import ApplicationError

from . import services
from .models import Case, PublicRating
from .outward import public_state_label
from .ratelimit import attempt_record, attempts_exceeded, client_ip
from .selectors_public import (
    case_public_decisions,
    case_public_lookup,
    case_public_rating,
    case_public_timeline,
    case_public_tracked,
)
from .services.public import case_public_rating_allowed

SESSION_KEY = "track_case_id"


class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("工单编号"), max_length=20)
    query_code = forms.CharField(label=gettext_lazy("查询码"), max_length=12)


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("您对办理结果是否满意"),
        choices=PublicRating.Choice.choices,
        widget=forms.RadioSelect,
    )
    resolved = forms.TypedChoiceField(
        label=gettext_lazy("您的问题是否已解决"),
        choices=[("1", gettext_lazy("已解决")), ("0", gettext_lazy("未解决"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("评价意见（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _limit_keys(request, number: str) -> list[tuple[str, int]]:
    # The client is stopped first; a case number only at a much higher count (many clients guessing
    # it), so a guesser elsewhere does not lock its rightful owner out for long.
    return [
        (f"track:ip:{client_ip(request)}", settings.TRACK_FAILURES_PER_IP),
        (f"track:case:{number.strip()}", settings.TRACK_FAILURES_PER_CASE),
    ]


def _wait_minutes() -> int:
    """How long a blocked visitor waits at most: the counting window, in whole minutes."""
    return max(1, -(-settings.TRACK_FAILURE_WINDOW_SECONDS // 60))


def _blocked(request, number: str) -> bool:
    return attempts_exceeded(limits=dict(_limit_keys(request, number)))


def _tracked_case(request) -> Case | None:
    return case_public_tracked(case_id=request.session.get(SESSION_KEY))


def _render_case(request, case: Case, *, rating_form=None, status=200):
    rating = case_public_rating(case=case)
    return render(
        request,
        "complaints/track_case.html",
        {
            "case": case,
            "state_label": public_state_label(case),
            "timeline": case_public_timeline(case=case),
            "decisions": case_public_decisions(case=case),
            "rating": rating,
            "rating_form": rating_form or (
                RatingForm() if rating is None and case_public_rating_allowed(case=case) else None),
            "hotline": settings.PUBLIC_HOTLINE,
            # A case that waits for a missing element names it; a declined one shows its notice.
            "missing": case.missing_elements if case.state == Case.State.RECEIVED else [],
        },
        status=status,
    )


@csrf_protect
def track(request):
    if request.method == "POST" and request.POST.get("form") == "leave":
        request.session.pop(SESSION_KEY, None)
        return redirect("track")
    if request.method == "POST" and request.POST.get("form") == "rate":
        return _rate(request)
    if request.method == "POST":
        return _lookup(request)
    case = _tracked_case(request)
    if case is not None:
        return _render_case(request, case)
    return render(request, "complaints/track.html", {"form": LookupForm()})


def _lookup(request):
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/track.html", {"form": form}, status=400)
    number = form.cleaned_data["number"]
    if _blocked(request, number):
        form.add_error(None, _("查询失败次数过多，请 %(minutes)s 分钟后再试；急需查询请拨打 %(hotline)s 热线。") % {
            "minutes": _wait_minutes(), "hotline": settings.PUBLIC_HOTLINE})
        return render(request, "complaints/track.html", {"form": form}, status=429)
    case = case_public_lookup(number=number, query_code=form.cleaned_data["query_code"])
    if case is None:
        attempt_record(
            keys=[key for key, _limit in _limit_keys(request, number)],
            window_seconds=settings.TRACK_FAILURE_WINDOW_SECONDS,
        )
        form.add_error(None, _("工单编号或查询码不正确，请核对后重试。忘记查询码请拨打 %(hotline)s 热线。") % {
            "hotline": settings.PUBLIC_HOTLINE})
        return render(request, "complaints/track.html", {"form": form}, status=404)
    request.session.cycle_key()
    request.session[SESSION_KEY] = case.pk
    return redirect("track")


def _rate(request):
    case = _tracked_case(request)
    if case is None:
        return redirect("track")
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, rating_form=form, status=400)
    try:
        services.case_rate_public(case=case, **form.cleaned_data)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _render_case(request, case, rating_form=form, status=400)
    messages.success(request, _("感谢您的评价！"))
    return redirect("track")
