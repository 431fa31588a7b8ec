"""The handling unit's task inbox: its open cases by tab, nearest deadline first, with the actions of
SPEC section 4 on each row (they post to the case's action endpoint and come back here)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.workdays import load_calendar

from . import access
from . import selectors_inbox as inbox_selectors
from .actions import CaseAction, actions_available
from .models import Case

# The decisions with a ground (不予受理, 调解结果, 立案决定) need the ground list of the case's order, a
# query per row: the row offers them as a link that opens the action on the case page.
INBOX_LINKED_ACTIONS = ("not_accept", "mediation", "report_decide")
INBOX_ACTIONS = ("accept", "contact", "stage_reply", "request_extension", "reply", "reassign", "legal_accept",
                 *INBOX_LINKED_ACTIONS)
PAGE_SIZE = 25


@dataclass
class InboxRow:
    case: Case
    deadline: inbox_selectors.InboxDeadline
    actions: list[tuple[CaseAction, forms.Form | None]]


def _row_actions(case: Case, user) -> list[tuple[CaseAction, forms.Form | None]]:
    rows = []
    for action in actions_available(case, user, names=INBOX_ACTIONS):
        # Reassign's choices are the unit's staff, loaded once for the page rather than per row.
        form = (
            None
            if action.name == "reassign" or action.name in INBOX_LINKED_ACTIONS
            else action.build_form(case, prefix=action.name, user=user, auto_id=f"id_{case.pk}_%s")
        )
        rows.append((action, form))
    return rows


@login_required
def inbox(request):
    user = request.user
    access.require_open_inbox(user)
    tab = request.GET.get("tab", "all")
    if tab not in inbox_selectors.TABS:
        tab = "all"
    search = request.GET.get("q", "").strip()
    calendar = load_calendar()
    window = inbox_selectors.deadline_window(now=timezone.now(), calendar=calendar)
    page = inbox_selectors.inbox_page(user=user, tab=tab, window=window, search=search,
                                      cursor=request.GET.get("after"), size=PAGE_SIZE)
    rows = [
        InboxRow(
            case=case,
            deadline=inbox_selectors.inbox_deadline(case=case, window=window, calendar=calendar),
            actions=_row_actions(case, user),
        )
        for case in page.object_list
    ]
    staff = inbox_selectors.inbox_unit_staff(user=user) if user.has_perm("complaints.reassign_case") else []
    counts = inbox_selectors.inbox_tab_counts(user=user, window=window, search=search)
    tabs = [
        ("all", _("全部待办")),
        ("sign", _("待签收")),
        ("contact", _("待联系")),
        ("handling", _("办理中")),
        ("due_soon", _("即将到期")),
        ("overdue", _("已超期")),
        ("redo", _("发回重办")),
        ("cohandling", _("协办")),
    ]
    return render(
        request,
        "complaints/inbox.html",
        {
            "page": page,
            "rows": rows,
            "tab": tab,
            "q": search,
            "staff": staff,
            "linked_actions": INBOX_LINKED_ACTIONS,
            "tabs": [(name, label, counts[name]) for name, label in tabs],
            "pager_query": urlencode({"tab": tab, **({"q": search} if search else {})}),
        },
    )
