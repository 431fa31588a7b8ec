"""Supervision pages: the red-line ledger and accountability for the center and district centers (each
for its own units), clusters for the center, stage replies owed for everyone.
Each view validates input and calls one service."""
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import access
from complaints import selectors as case_selectors
from complaints.inputs import typed_date_ok, typed_id
from complaints.models import Case, CaseCluster
from complaints.services.pauses import case_clocks_pause, case_clocks_resume
from core.errors import ApplicationError
from deadlines.workdays import local_date
from supervision import selectors
from supervision.forms import ActionForm, CloseForm, RedLineFilterForm, StageReplyFilterForm
from supervision.services import cluster_action_start, red_line_close

PAGE_SIZE = 25


def _pk(value) -> int:
    pk = typed_id(value)
    if pk is None:
        raise Http404
    return pk


def _month(value: str) -> date:
    """The month asked for; the current one when unreadable or outside the report range."""
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        first = None
    return first if first is not None and typed_date_ok(first) else local_date(timezone.now()).replace(day=1)


@login_required
def overview(request):
    return render(request, "supervision/overview.html", {
        "summary": selectors.overdue_summary(visible_to=request.user),
        "stage_replies": selectors.stage_reply_owed(visible_to=request.user).count(),
        "is_center": access.is_center(request.user),
    })


def _ledger(request, month: date, *, failed: CloseForm | None = None, failed_item=None, status: int = 200):
    """One page of the ledger with its filters. A refused closing shows its row on the page the user
    was on, with the note as typed, even if the item was closed meanwhile and has moved or left the list."""
    form = RedLineFilterForm(request.GET, user=request.user)
    form.is_valid()  # a unit outside the user's tree is dropped; the other filters still apply
    filters = {"unit": form.cleaned_data.get("unit"), "reason": form.cleaned_data.get("reason", "")}
    ledger = selectors.red_line_ledger(month=month, visible_to=request.user, **filters)
    page = Paginator(ledger["items"], PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if failed_item is not None and all(item.pk != failed_item.pk for item in rows):
        rows.insert(0, failed_item)
    kept = {"month": f"{month:%Y-%m}",
            **{name: getattr(value, "pk", value) for name, value in filters.items() if value}}
    return render(request, "supervision/red_lines.html", {
        "month": month, "ledger": ledger, "page": page, "form": form, "failed": failed,
        "carried": [item for item in rows if item.month < month],
        "month_rows": [item for item in rows if item.month >= month],
        "pager_query": urlencode(kept),
    }, status=status)


def _closing_refused(request, form: CloseForm, item, month: date, error: ApplicationError | None):
    """Show the ledger again with the refused row's form as it was typed and the reason beside it."""
    if error is not None:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    return _ledger(request, month, failed=form, failed_item=item, status=400)


@login_required
def red_lines(request):
    access.require_open_supervision(request.user)
    month = _month(request.GET.get("month", ""))
    if request.method == "POST":
        item = get_object_or_404(selectors.red_line_items(visible_to=request.user),
                                 pk=_pk(request.POST.get("item")))
        form = CloseForm(request.POST, item_pk=item.pk)
        if not form.is_valid():
            return _closing_refused(request, form, item, month, None)
        try:
            red_line_close(item=item, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            return _closing_refused(request, form, item, month, error)
        messages.success(request, _("已销号。"))
        # The form posts to the page's own address: back to the same month, filters and page.
        return redirect(request.get_full_path())
    return _ledger(request, month)


@login_required
def stage_replies(request):
    form = StageReplyFilterForm(request.GET, user=request.user)
    form.is_valid()  # a unit outside the user's tree is dropped; the other filters still apply
    filters = form.cleaned_data
    clocks = selectors.stage_reply_owed(visible_to=request.user, unit=filters.get("unit"),
                                        search=filters.get("q", "").strip())
    page = Paginator(clocks, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {name: getattr(value, "pk", value) for name, value in filters.items() if value}
    return render(request, "supervision/stage_replies.html", {
        "page": page, "form": form, "pager_query": urlencode(kept),
    })


@login_required
def accountability(request):
    access.require_open_supervision(request.user)
    return render(request, "supervision/accountability.html", {
        "data": selectors.accountability_list(visible_to=request.user),
        "summary": selectors.overdue_summary(visible_to=request.user),
    })


@login_required
def clusters(request):
    access.require_open_center_pages(request.user)
    if request.method == "POST":
        cluster = get_object_or_404(CaseCluster, pk=_pk(request.POST.get("cluster")))
        form = ActionForm(request.POST)
        if form.is_valid():
            try:
                cluster_action_start(cluster=cluster, by=request.user, **form.cleaned_data)
                messages.success(request, _("专项行动已启动。"))
            except ApplicationError as error:
                messages.error(request, error.message)
        else:
            messages.error(request, _("请填写专项行动名称并选择牵头单位。"))
        return redirect("supervision-clusters")
    return render(request, "supervision/clusters.html", {
        "clusters": selectors.cluster_list().prefetch_related("cases"), "form": ActionForm(),
    })


def case_supervision_panel(*, request, case, now) -> dict:
    """The case page's supervision section (supervision/_case_supervision.html, added to the page in
    apps.py): colours, pauses, escalations, ledger items. The running clocks are coloured by the
    deadline layer's filter at `now`, the moment the deadline panel uses."""
    has_running = any(clock.is_running for clock in case.clocks.all())
    # Pausing is for clocks that still run: nothing to pause on a closed case.
    can_pause = has_running and access.may_pause_clocks(case, request.user)
    return {"case": case, "can_pause": can_pause, "has_running": has_running, "now": now,
            **selectors.case_supervision(case=case)}


@login_required
@require_POST
def case_pause(request, number: str):
    try:
        case = case_selectors.case_detail(visible_to=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404(_("工单不存在或您无权查看。")) from None
    try:
        if request.POST.get("resume"):
            case_clocks_resume(case=case, by=request.user, note=request.POST.get("reason", ""))
            messages.success(request, _("计时已恢复。"))
        else:
            case_clocks_pause(case=case, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("计时已暂停。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("case-detail", number=case.number)
