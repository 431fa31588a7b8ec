"""The weekly overdue notice (每周通报) pages: a published notice as it went out, or the running week
so far computed now; the list of published notices; the Excel export of the same figures."""

import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints import access
from complaints.inputs import typed_id
from core.errors import ApplicationError
from core.replica import stale_ok
from deadlines.models import CaseClock
from deadlines.workdays import local_date
from documents.models import IssuedDocument
from documents.services import document_issue

from .excel import Sheet, xlsx_response
from .notice_document import WEEKLY_OVERDUE_NOTICE
from .periods import week_name, week_of, week_parse
from .scopes import scopes_for
from .selectors_notice import (
    EXTENDED,
    LATE,
    OPEN,
    notice_cases_page,
    notice_figures,
    notice_list_total,
    notice_summary,
    weekly_notice,
)
from .selectors_snapshots import snapshot_published, snapshot_status, snapshots_recent
from .snapshots import ReportSnapshot

CASES_PER_PAGE = 50
PUBLISHED_LISTED = 12
STATUS_LABELS = {OPEN: gettext_lazy("在办超期"), LATE: gettext_lazy("逾期完成"), EXTENDED: gettext_lazy("延期后超期")}


def report_scope(request):
    """(the scopes the viewer may read, the one asked for): the center by default for the center."""
    scopes = scopes_for(request.user)
    if not scopes:
        raise Http404(_("没有可统计的单位。"))
    wanted = request.GET.get("scope", "")
    scope = next((unit for unit in scopes if str(unit.pk) == wanted), None) if wanted else scopes[0]
    if scope is None:
        raise Http404(_("没有这个统计范围。"))
    return scopes, scope


def _notice(request, *, with_cases: bool = True):
    """The notice asked for: published if it was, else computed now (the running week: so far);
    without `with_cases`, an unpublished notice has its figures only (the page lists its cases a
    page at a time)."""
    access.require_open_reports(request.user)
    scopes, scope = report_scope(request)
    now = timezone.now()
    current = week_of(local_date(now))
    period = week_parse(request.GET["week"]) if request.GET.get("week") else current
    if period is None or period.start > current.start:
        raise Http404(_("没有这一期通报。"))
    snapshot = snapshot_published(kind=ReportSnapshot.Kind.WEEKLY_NOTICE, period_start=period.start, scope=scope)
    if snapshot:
        data = snapshot.data
    elif with_cases:
        data = weekly_notice(scope=scope, period=period, now=now)
    else:
        data = notice_figures(scope=scope, period=period, now=now)
    return scopes, scope, period, snapshot, data


def _case_rows(cases) -> list[dict]:
    labels = dict(CaseClock.Clock.choices)
    return [{**case, "clock_labels": _("、").join(str(labels.get(c, c)) for c in case["clocks"]),
             "status_label": STATUS_LABELS[case["status"]]} for case in cases]


def _drill(here: str, unit_id: int, status: str = "") -> str:
    return f"{here}&{urlencode({'unit': unit_id, **({'status': status} if status else {})})}#cases"


@login_required
@stale_ok
def notice_page(request):
    scopes, scope, period, snapshot, data = _notice(request, with_cases=False)
    query = {"week": data["week"], "scope": scope.pk}
    unit = request.GET.get("unit", "")
    unit = unit if typed_id(unit) is not None else ""
    status = request.GET.get("status", "")
    status = status if status in STATUS_LABELS else ""
    if snapshot:
        # A published notice's cases are stored with it: its list is paged as stored.
        cases = [case for case in data["cases"]
                 if (not unit or case["unit_id"] == int(unit)) and (not status or case["status"] == status)]
        page = Paginator(_case_rows(cases), CASES_PER_PAGE).get_page(request.GET.get("page"))
        pager, total = "_pager.html", None
    else:
        page = notice_cases_page(scope=scope, period=period, now=datetime.fromisoformat(data["as_of"]),
                                 unit_id=typed_id(unit) if unit else None, status=status,
                                 cursor=request.GET.get("after"), size=CASES_PER_PAGE)
        page.object_list = _case_rows(page.object_list)
        pager = "_keyset_pager.html"
        total = notice_list_total(data, unit_id=typed_id(unit) if unit else None, status=status)
    here = reverse("report-notice") + "?" + urlencode(query)
    units = [{**row, "drill": _drill(here, row["unit_id"]),
              **{f"drill_{key}": _drill(here, row["unit_id"], key) for key in STATUS_LABELS}}
             for row in data["units"]]
    charted = [row for row in units if row["overdue"]]
    charts = {
        "drill": here,
        "units": [row["unit_name"] for row in charted],
        "ids": [row["unit_id"] for row in charted],
        "series": [{"name": str(STATUS_LABELS[status]), "key": status, "data": [row[status] for row in charted]}
                   for status in (OPEN, LATE, EXTENDED)],
    }
    published = snapshots_recent(kind=ReportSnapshot.Kind.WEEKLY_NOTICE, scope=scope, limit=PUBLISHED_LISTED)
    return render(request, "reports/weekly_notice.html", {
        "scopes": scopes, "scope": scope, "period": period, "snapshot": snapshot, "data": data,
        "summary": notice_summary(data), "units": units, "page": page, "pager_template": pager,
        "page_total": total,
        "unit_name": next((row["unit_name"] for row in units if str(row["unit_id"]) == unit), ""),
        "status_label": STATUS_LABELS.get(status, ""),
        "pager_query": urlencode({**query, "unit": unit, "status": status}), "here": here,
        "export": reverse("report-notice-export") + "?" + urlencode(query),
        "published": [(item, week_name(week_of(item.period_start))) for item in published],
        "current_week": week_name(week_of(local_date(timezone.now()))),
        "charts": charts, "charts_json": json.dumps(charts, ensure_ascii=False),
        "notice_document": snapshot and IssuedDocument.objects.filter(
            kind=WEEKLY_OVERDUE_NOTICE, case=None, subject_key=str(snapshot.pk)).first(),
        "notice_document_url": reverse("report-notice-document") + "?" + urlencode(query),
    })


@login_required
@require_POST
def notice_document(request):
    """Issue the published notice as a numbered document (or give back the one issued) and open it."""
    _scopes, _scope, _period, snapshot, _data = _notice(request, with_cases=False)
    back = reverse("report-notice") + "?" + urlencode({"week": request.GET.get("week", ""), "scope": _scope.pk})
    if snapshot is None:
        messages.error(request, _("只有已发布的通报可以签发文书。"))
        return redirect(back)
    try:
        document = document_issue(kind_code=WEEKLY_OVERDUE_NOTICE, subject_key=str(snapshot.pk), by=request.user)
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect(back)
    return redirect("document-download", document_id=document.pk, file_format="pdf")


def notice_title(data: dict) -> str:
    return _("%(scope)s每周超期通报 %(week)s（%(start)s至%(end)s）") % {
        "scope": data["scope"]["name"], "week": data["week"], **data["period"]}


UNIT_HEADERS = [gettext_lazy("承办单位"), gettext_lazy("超期工单"), gettext_lazy("在办超期"), gettext_lazy("逾期完成"),
                gettext_lazy("延期后超期"), gettext_lazy("待阶段性回复"), gettext_lazy("红线台账未销号")]
UNIT_FIGURES = ["overdue", OPEN, LATE, EXTENDED, "stage_replies", "ledger_open"]


@login_required
@stale_ok
def notice_export(request):
    _scopes, _scope, _period, snapshot, data = _notice(request)
    status = snapshot_status(snapshot)
    units = [[row["unit_name"], *(row[figure] for figure in UNIT_FIGURES)] for row in data["units"]]
    units.append([_("合计"), *(data["totals"][figure] for figure in UNIT_FIGURES)])
    cases = [[case["number"], case["unit_name"], case["handler"], case["clock_labels"], case["due_date"],
              case["days_overdue"], str(case["status_label"])] for case in _case_rows(data["cases"])]
    return xlsx_response(filename=f"{_('每周通报')} {data['scope']['name']} {data['week']}.xlsx", sheets=[
        Sheet(title=_("通报"), headers=[notice_title(data)], rows=[[notice_summary(data)], [status]]),
        Sheet(title=_("按单位"), headers=UNIT_HEADERS, rows=units),
        Sheet(title=_("超期工单"), headers=[_("工单编号"), _("承办单位"), _("承办人"), _("超期时限"), _("截止日期"),
                                       _("超期工作日"), _("情形")], rows=cases),
    ])
