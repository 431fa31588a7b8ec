"""Volume analysis (数量分析) and hotspot analysis (热点分析) for the center and district centers, their
Excel exports (`?export=xlsx`, the page's own rows), and the draft consumer warning (消费警示) written
from a hotspot. Every count links to the dashboard's drill-down with its metric."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints import access
from core.replica import stale_ok
from deadlines.workdays import local_today

from . import selectors, selectors_hotspots, selectors_volume
from .breakdowns import breakdown_label
from .consumer_warnings import consumer_warning_draft
from .excel import Sheet, xlsx_response
from .forms_analysis import ROLL_UP_LEVELS, AnalysisFilterForm, WarningDraftForm
from .views import _daily, _filters, _query

CHART_ROWS = 15  # bars per comparison chart; the tables and the export list them all


def _scope(request):
    """The viewer's filters, period and countable cases, or the form with its errors."""
    access.require_open_reports(request.user)
    form, data = _filters(request, AnalysisFilterForm)
    if data is None:
        return form, None, None, None
    period = selectors.Period(start=data["start"], end=data["end"])
    cases = selectors.dashboard_cases(visible_to=request.user, unit=data["unit"], category=data["category"],
                                      channel=data["channel"], area=data["area"])
    return form, data, period, cases


def _drill(data, period: selectors.Period, source: str, **params) -> str:
    dates = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return reverse("dashboard-cases") + "?" + _query(data, **dates, **params, **{"from": source})


def _link_rows(rows: list[dict], data, period: selectors.Period, source: str) -> list[dict]:
    for row in rows:
        row["drill"] = _drill(data, period, source, metric=row["metric"], value=row["value"])
        row["drill_previous"] = _drill(data, period.previous, source, metric=row["metric"], value=row["value"])
    return rows


def _percent(value) -> str:
    return "" if value is None else f"{value}%"


def _conditions_sheet(period: selectors.Period, extra: list[tuple]) -> Sheet:
    previous = period.previous
    return Sheet(title=_("统计条件"), headers=[_("项目"), _("内容")], rows=[
        (_("统计期间"), f"{period.start:%Y-%m-%d} — {period.end:%Y-%m-%d}"),
        (_("对比期间"), f"{previous.start:%Y-%m-%d} — {previous.end:%Y-%m-%d}"),
        *extra,
    ])


def _export_name(title: str, period: selectors.Period) -> str:
    return f"{title} {period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}.xlsx"


def _level_label(level: str) -> str:
    return str(dict(ROLL_UP_LEVELS)[level])


# --- volume analysis -------------------------------------------------------------------------------
@login_required
@stale_ok
def volume(request):
    form, data, period, cases = _scope(request)
    if data is None:
        return render(request, "reports/volume.html", {"form": form}, status=400)
    total = selectors_volume.volume_total(cases=cases, period=period)
    total.update(
        drill=_drill(data, period, "volume", metric="received"),
        drill_previous=_drill(data, period.previous, "volume", metric="received"),
    )
    level = data["area_level"]
    tables = [
        {"id": "kind", "title": _("按类型"), "rows": selectors_volume.volume_by_kind(cases=cases, period=period)},
        {"id": "channel", "title": _("按渠道"), "rows": selectors_volume.volume_by_channel(cases=cases, period=period)},
        {"id": "category", "title": _("按业务分类"),
         "rows": selectors_volume.volume_by_category(cases=cases, period=period)},
        {"id": "area", "title": _("按被投诉人所在区域（%(level)s）") % {"level": _level_label(level)},
         "rows": selectors_volume.volume_by_area(cases=cases, period=period, level=level)},
        {"id": "respondent", "title": _("被投诉人（前%(n)s名）") % {"n": selectors_volume.TOP_RESPONDENTS},
         "rows": selectors_volume.volume_top_respondents(cases=cases, period=period)},
    ]
    for table in tables:
        _link_rows(table["rows"], data, period, "volume")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(filename=_export_name(_("数量分析"), period), sheets=_volume_sheets(period, total, tables))
    trend = {
        "current": _daily(selectors.chart_trend(cases=cases, period=period), period),
        "previous": _daily(selectors.chart_trend(cases=cases, period=period.previous), period.previous),
        "drill": [_drill(data, period, "volume", metric="day"), _drill(data, period.previous, "volume", metric="day")],
    }
    charts = {
        "trend": trend,
        "compare": [_compare_chart(table) for table in tables[:4]],
        "labels": {"current": _("本期"), "previous": _("上期"), "cases": _("件")},
    }
    return render(request, "reports/volume.html", {
        "form": form, "period": period, "total": total, "tables": tables, "charts": charts,
        "has_data": bool(total["current"] or total["previous"]),
        "export": request.path + "?" + _query(data, export="xlsx"),
        "hotspots": reverse("dashboard-hotspots") + "?" + _query(data),
        "back": reverse("dashboard") + "?" + _query(data),
    })


def _compare_chart(table: dict) -> dict:
    rows = [row for row in table["rows"] if row["current"] or row["previous"]][:CHART_ROWS]
    return {
        "id": f"chart-{table['id']}",
        "title": table["title"],
        "names": [row["name"] for row in rows],
        "current": [row["current"] for row in rows],
        "previous": [row["previous"] for row in rows],
        "links": [[row["drill"] for row in rows], [row["drill_previous"] for row in rows]],
    }


def _figure_row(row: dict) -> list:
    return [row["name"], row["current"], row["previous"], row["change"], _percent(row["change_percent"])]


def _volume_sheets(period, total, tables) -> list[Sheet]:
    headers = [_("项目"), _("本期"), _("上期"), _("增减"), _("增减率")]
    return [
        _conditions_sheet(period, []),
        Sheet(title=_("合计"), headers=headers, rows=[_figure_row({"name": _("登记量"), **total})]),
        *[Sheet(title=table["title"], headers=headers, rows=[_figure_row(row) for row in table["rows"]])
          for table in tables],
    ]


# --- hotspot analysis ------------------------------------------------------------------------------
@login_required
@stale_ok
def hotspots(request):
    form, data, period, cases = _scope(request)
    if data is None:
        return render(request, "reports/hotspots.html", {"form": form}, status=400)
    thresholds = selectors_hotspots.hotspot_thresholds()
    level = data["area_level"]
    lists = [
        {"id": "categories", "title": _("上升的业务分类"),
         "rows": selectors_hotspots.hotspot_categories(cases=cases, period=period, thresholds=thresholds)},
        {"id": "respondents", "title": _("上升的被投诉人"),
         "rows": selectors_hotspots.hotspot_respondents(cases=cases, period=period, thresholds=thresholds)},
        {"id": "areas", "title": _("上升的区域（%(level)s）") % {"level": _level_label(level)},
         "rows": selectors_hotspots.hotspot_areas(cases=cases, period=period, thresholds=thresholds, level=level)},
    ]
    days: list[str] = []
    for listed in lists:
        trends = selectors_hotspots.hotspot_trends(cases=cases, period=period, rows=listed["rows"])
        days = trends["days"]
        for row in _link_rows(listed["rows"], data, period, "hotspots"):
            row["trend"] = trends["series"][row["value"]]
            row["spark"] = f"spark-{listed['id']}-{row['rank']}"
            row["warning"] = reverse("dashboard-hotspot-warning") + "?" + _query(
                data, metric=row["metric"], value=row["value"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response(filename=_export_name(_("热点分析"), period),
                             sheets=_hotspot_sheets(period, thresholds, lists, days))
    sparks = {
        "days": days, "split": period.days,
        "lines": {row["spark"]: {"y": row["trend"], "drill": row["drill"]}
                  for listed in lists for row in listed["rows"]},
        "labels": {"current": _("本期"), "previous": _("上期")},
    }
    return render(request, "reports/hotspots.html", {
        "form": form, "period": period, "lists": lists, "thresholds": thresholds, "sparks": sparks,
        "export": request.path + "?" + _query(data, export="xlsx"),
        "volume": reverse("dashboard-volume") + "?" + _query(data),
        "back": reverse("dashboard") + "?" + _query(data),
    })


def _hotspot_sheets(period, thresholds, lists, days) -> list[Sheet]:
    headers = [_("排名"), _("名称"), _("本期"), _("上期"), _("增减"), _("增长率")]
    conditions = _conditions_sheet(period, [
        (_("最少件数"), thresholds.min_count), (_("最低增幅（%）"), thresholds.min_growth_percent),
        (_("每类最多列出"), thresholds.limit),
    ])
    tables = [
        Sheet(title=listed["title"], headers=headers, rows=[
            [row["rank"], row["name"], row["current"], row["previous"], row["change"],
             _("新出现") if row["is_new"] else _percent(row["change_percent"])]
            for row in listed["rows"]
        ])
        for listed in lists
    ]
    trend = Sheet(title=_("每日趋势"), headers=[_("热点"), _("名称"), *days], rows=[
        [listed["title"], row["name"], *row["trend"]] for listed in lists for row in listed["rows"]
    ])
    return [conditions, *tables, trend]


# --- draft consumer warning ------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
@stale_ok
def hotspot_warning(request):
    """GET: the draft written from the item's figures; POST: the edited draft as a text file to
    download, or as a page to print. Nothing is stored."""
    form, data, period, cases = _scope(request)
    if data is None:
        return render(request, "reports/hotspots.html", {"form": form}, status=400)
    metric, value = request.GET.get("metric", ""), request.GET.get("value", "")
    subject = breakdown_label(metric, value, short=True)
    if request.method == "POST":
        draft = WarningDraftForm(request.POST)
        if draft.is_valid():
            return _warning_output(request, draft.cleaned_data)
    else:
        figures = selectors_hotspots.warning_figures(cases=cases, period=period, metric=metric, value=value)
        if figures is None or not subject or not figures["current"]:
            raise Http404(_("没有这项统计。"))
        draft = WarningDraftForm(initial=consumer_warning_draft(
            metric=metric, subject=subject, figures=figures, period=period, issuer=str(request.user.unit or ""),
            today=local_today()))
    return render(request, "reports/warning.html", {
        "draft": draft, "subject": subject, "period": period,
        "back": reverse("dashboard-hotspots") + "?" + _query(data),
    })


def _warning_output(request, draft: dict):
    lines = [draft["title"], "", *draft["body"].replace("\r\n", "\n").split("\n")]
    if request.POST.get("action") == "print":
        return render(request, "reports/warning_print.html", {"title": draft["title"], "body": draft["body"]})
    # A BOM and CRLF so that the text opens the same in every office's Notepad.
    response = HttpResponse("\ufeff" + "\r\n".join(lines) + "\r\n", content_type="text/plain; charset=utf-8")
    filename = quote(_("消费警示") + ".txt")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
