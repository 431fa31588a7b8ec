"""The center's to-do page (中心待办). Each row acts in place: its buttons post to the case's own
actions (complaints' case_act, which comes back here) or to this page: a ledger item's closing,
a stage reply and a 同城通办 notice (supervision/todo_rows.py)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import access
from complaints.inputs import typed_id
from core.errors import ApplicationError
from supervision import selectors
from supervision.forms import CloseForm
from supervision.services import red_line_close
from supervision.todo import center_todo
from supervision.todo_rows import todo_row_act


@login_required
def todo(request):
    access.require_open_supervision(request.user)
    failure = None
    if request.method == "POST" and request.POST.get("do"):
        success, failure = todo_row_act(user=request.user, data=request.POST)
        if failure is None:
            messages.success(request, success)
            return redirect("todo")
        # Shown at the top, on the page it came from, with the row still holding what was typed.
        messages.error(request, failure.error)
    elif request.method == "POST":
        return _red_line_close(request)
    sections = center_todo(user=request.user, now=timezone.now())
    for section in sections:
        if section["kind"].name == "red_lines":
            section["forms"] = [(item, CloseForm(item_pk=item.pk)) for item in section["rows"]]
        if section["kind"].name == "replies":
            # A sensitive reply is the director's to approve (报批): others are offered the referral.
            for case in section["rows"]:
                case.may_approve = access.may_approve_reply(case, request.user)
        if section["kind"].name == "stage_replies":
            for clock in section["rows"]:
                clock.may_act = access.may_stage_reply(clock.case, request.user)
        if section["kind"].name == "cross_region":
            for notice in section["rows"]:
                notice.may_act = access.may_notify_cross_region(notice, request.user)
    total = sum(section["count"] for section in sections)
    return render(request, "supervision/todo.html", {
        # The menu's figure is cached a while (context_processors.py); on this page it is the live one.
        "sections": sections, "total": total, "todo_count": total,
        "may_register": request.user.has_perm("complaints.register_case"), "failure": failure,
    }, status=400 if failure else 200)


def _red_line_close(request):
    item = get_object_or_404(selectors.red_line_items(visible_to=request.user),
                             pk=typed_id(request.POST.get("item")) or 0)
    form = CloseForm(request.POST, item_pk=item.pk)
    if form.is_valid():
        try:
            red_line_close(item=item, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已销号。"))
    else:
        messages.error(request, _("请写明销号说明。"))
    return redirect("todo")
