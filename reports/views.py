"""The supervisor dashboard (center and district centers), the case lists behind its figures, and
returns (退回) per handling unit with the returns behind each count."""

import json
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import access
from complaints.inputs import typed_id
from complaints.selectors_inbox import deadline_window
from core.replica import stale_ok
from deadlines.workdays import load_calendar

from . import selectors, selectors_returns, selectors_rollups, selectors_today
from .breakdowns import BREAKDOWN_METRICS, breakdown_label
from .forms import DashboardFilterForm
from .forms_analysis import AnalysisFilterForm
from .metrics import METRICS


def _filters(request, form_class=DashboardFilterForm):
    # Always bound: every field is optional, and an empty query means the default period.
    data = request.GET.copy()
    # Show the default period in the date fields rather than empty boxes.
    for name, value in form_class.default_period().items():
        if not data.get(name):
            data[name] = value.isoformat()
    form = form_class(data, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else None)


def _query(data, **extra) -> str:
    params = {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
    if data.get("unit"):
        params["unit"] = data["unit"].pk
    if data.get("category"):
        params["category"] = data["category"].pk
    # The volume and hotspot pages' filters (AnalysisFilterForm), carried into their drill-downs.
    if data.get("channel"):
        params["channel"] = data["channel"]
    if data.get("area"):
        params["area"] = data["area"].pk
    if data.get("area_level"):
        params["area_level"] = data["area_level"]
    params.update(extra)
    return urlencode(params)


def _daily(rows: list[dict], period: selectors.Period) -> dict:
    """Every day of the period on the axis, days without cases at zero."""
    counts = {row["day"]: row["n"] for row in rows}
    days = [period.start + timedelta(days=i) for i in range((period.end - period.start).days + 1)]
    return {"x": [day.isoformat() for day in days], "y": [counts.get(day, 0) for day in days]}


@login_required
@stale_ok
def dashboard(request):
    access.require_open_reports(request.user)
    form, data = _filters(request)
    if data is None:
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    window = deadline_window(now=timezone.now(), calendar=load_calendar())
    period = selectors.Period(start=data["start"], end=data["end"])
    cases = selectors.dashboard_cases(visible_to=request.user, unit=data["unit"], category=data["category"])
    dims = selectors_rollups.dashboard_slice(visible_to=request.user, unit=data["unit"], category=data["category"])
    figures = selectors_rollups.dashboard_figures(cases=cases, period=period, now=window.now, dims=dims)
    trend, by_category, by_unit = figures["trend"], figures["by_category"], figures["by_unit"]
    drill = reverse("dashboard-cases") + "?" + _query(data)
    charts = {
        "drill": drill,
        "trend": _daily(trend, period),
        "category": [
            {"name": row["top_name"], "value": row["n"], "id": row["top_id"]} for row in by_category
        ],
        "unit": {
            "x": [row["handling_unit__name"] for row in by_unit],
            "y": [row["n"] for row in by_unit],
            "ids": [row["handling_unit_id"] for row in by_unit],
        },
        "labels": {
            "trend": _("每日登记量"),
            "category": _("按业务分类"),
            "unit": _("按承办单位"),
            "cases": _("件"),
        },
    }
    today, units = selectors_today.dashboard_now(cases=cases, dims=dims, window=window)
    for row in units:
        row["drill"] = reverse("dashboard-cases") + "?" + _query(data, unit=row["handling_unit_id"])
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "today": today,
            "units": units,
            "kpi": figures["kpi"],
            "charts": charts,
            "charts_json": json.dumps(charts, ensure_ascii=False),
            "has_chart_data": bool(trend),
            "drill": drill,
            "returns": reverse("dashboard-returns") + "?" + _query(data),
            "period": period,
        },
    )


# Pages whose figures open this list, to go back to (the dashboard when none is named).
DRILL_SOURCES = {"volume": "dashboard-volume", "hotspots": "dashboard-hotspots"}


@login_required
@stale_ok
def dashboard_cases(request):
    """Every figure of the dashboard, and of the volume and hotspot pages, links here with its metric
    and the page's filters."""
    access.require_open_reports(request.user)
    form, data = _filters(request, AnalysisFilterForm)
    if data is None:
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    metric, value = request.GET.get("metric", ""), request.GET.get("value", "")
    window = deadline_window(now=timezone.now(), calendar=load_calendar())
    period = selectors.Period(start=data["start"], end=data["end"])
    cases = selectors.dashboard_cases(visible_to=request.user, unit=data["unit"], category=data["category"],
                                      channel=data["channel"], area=data["area"])
    listed = selectors.metric_case_list(cases=cases, metric=metric, period=period, window=window, value=value)
    if listed is None or metric not in METRICS:
        raise Http404(_("没有这项统计。"))
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    source = request.GET.get("from", "")
    return render(
        request,
        "reports/dashboard_cases.html",
        {
            "page": page,
            "title": METRICS[metric].title,
            "subject": breakdown_label(metric, value) if metric in BREAKDOWN_METRICS else "",
            "channel_label": breakdown_label("channel", data["channel"]),
            "period": period,
            "form": form,
            "back": reverse(DRILL_SOURCES.get(source, "dashboard")) + "?" + _query(data),
            "back_label": BACK_LABELS.get(source, BACK_LABELS[""]),
            "pager_query": _query(data, metric=metric, value=value, **({"from": source} if source else {})),
        },
    )


BACK_LABELS = {
    "": gettext_lazy("返回督办看板"),
    "volume": gettext_lazy("返回数量分析"),
    "hotspots": gettext_lazy("返回热点分析"),
}


@login_required
@stale_ok
def returns(request):
    """Returns (退回) per handling unit in the period, with each unit's most frequent reasons."""
    access.require_open_reports(request.user)
    form, data = _filters(request)
    if data is None:
        return render(request, "reports/returns.html", {"form": form}, status=400)
    period = selectors.Period(start=data["start"], end=data["end"])
    events = selectors_returns.unit_returns(
        visible_to=request.user, period=period, unit=data["unit"], category=data["category"]
    )
    rows = selectors_returns.returns_by_unit(events=events)
    drill = reverse("dashboard-returns-cases") + "?" + _query(data)
    for row in rows:
        row["drill"] = drill + "&" + urlencode({"returned_by": row["actor_unit_id"]})
        for reason in row["reasons"]:
            reason["drill"] = row["drill"] + "&" + urlencode({"reason": reason["reason"]})
    return render(
        request,
        "reports/returns.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "total": {"returns": sum(row["returns"] for row in rows), "drill": drill},
            "back": reverse("dashboard") + "?" + _query(data),
        },
    )


@login_required
@stale_ok
def returns_cases(request):
    """The returns behind one figure of the returns page: of one unit, and of one reason."""
    access.require_open_reports(request.user)
    form, data = _filters(request)
    if data is None:
        return render(request, "reports/returns.html", {"form": form}, status=400)
    returned_by, reason = request.GET.get("returned_by", ""), request.GET.get("reason", "")
    if returned_by and typed_id(returned_by) is None:
        raise Http404(_("没有这项统计。"))
    period = selectors.Period(start=data["start"], end=data["end"])
    events = selectors_returns.unit_returns(
        visible_to=request.user, period=period, unit=data["unit"], category=data["category"]
    )
    listed = selectors_returns.return_list(
        events=events, visible_to=request.user, returned_by=int(returned_by) if returned_by else None,
        reason=reason or None,
    )
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    # Named from the rows, which are the viewer's own units': no other district's unit is named here.
    unit = page.object_list[0].actor_unit if returned_by and page.object_list else None
    return render(
        request,
        "reports/returns_cases.html",
        {
            "page": page,
            "period": period,
            "form": form,
            "returned_by": unit,
            "reason": reason,
            "back": reverse("dashboard-returns") + "?" + _query(data),
            "pager_query": _query(data, returned_by=returned_by, reason=reason),
        },
    )
