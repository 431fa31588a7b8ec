"""The monthly unit ranking (月度排名) pages: a published ranking as it went out, or the running
month computed now; the cases behind each count; the Excel export of the same figures."""

import json

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
from deadlines.workdays import local_date

from .excel import Sheet, xlsx_response
from .metrics import METRICS
from .periods import month_name, month_of, month_parse
from .scopes import scope_cases, scope_unit
from .selectors import metric_case_list
from .selectors_ranking import monthly_ranking
from .selectors_snapshots import snapshot_published, snapshot_status, snapshots_recent
from .snapshots import RankingWeights, ReportSnapshot
from .views_notice import report_scope

PUBLISHED_LISTED = 12
WEIGHT_LABELS = {name: RankingWeights._meta.get_field(name).verbose_name for name in RankingWeights.INDICATORS}
# The counts of a row that open their cases, with the dashboard's metric for each.
DRILLS = {"volume": "dispatched", "contact_due": "contact_due", "contact_late": "contact_late",
          "completion_due": "completion_due", "completion_late": "completion_late", "followed_up": "followed_up",
          "satisfied": "satisfied", "resolved": "resolved", "overdue": "overdue_in_period",
          "acceptance_decided": "acceptance_decided", "accepted": "accepted", "acceptance_due": "acceptance_due",
          "mediation_ended": "mediation_ended", "mediation_agreed": "mediation_agreed",
          "report_decided": "report_decided", "report_opened": "report_opened",
          "report_decision_due": "report_decision_due"}


def _month(request):
    now = timezone.now()
    current = month_of(local_date(now))
    period = month_parse(request.GET["month"]) if request.GET.get("month") else current
    if period is None or period.start > current.start:
        raise Http404(_("没有这一期排名。"))
    return period, now


def _ranking(request):
    """The ranking asked for: published if it was, else computed now with the current weights."""
    access.require_open_reports(request.user)
    scopes, scope = report_scope(request)
    period, now = _month(request)
    snapshot = snapshot_published(kind=ReportSnapshot.Kind.MONTHLY_RANKING, period_start=period.start, scope=scope)
    data = snapshot.data if snapshot else monthly_ranking(
        scope=scope, period=period, now=now, weights=RankingWeights.current().as_dict())
    for row in data["units"]:
        row["contact_late"] = row["contact_due"] - row["contact_on_time"]
        row["completion_late"] = row["completion_due"] - row["completion_on_time"]
    return scopes, scope, period, snapshot, data


def _weights(data: dict) -> list[tuple]:
    # In the admin's order: the stored JSON (jsonb) does not keep the order of its keys.
    return [(WEIGHT_LABELS[name], data["weights"].get(name, 0)) for name in RankingWeights.INDICATORS]


@login_required
@stale_ok
def ranking_page(request):
    scopes, scope, period, snapshot, data = _ranking(request)
    query = {"month": data["month"], "scope": scope.pk}
    cases = reverse("report-ranking-cases") + "?" + urlencode(query)
    for row in data["units"]:
        row["drill"] = {name: f"{cases}&{urlencode({'unit': row['unit_id'], 'metric': metric})}"
                        for name, metric in DRILLS.items()}
    scored = [row for row in data["units"] if row["score"] is not None]
    charts = {"units": [row["unit_name"] for row in scored], "scores": [row["score"] for row in scored],
              "ids": [row["unit_id"] for row in scored], "label": _("综合得分")}
    published = snapshots_recent(kind=ReportSnapshot.Kind.MONTHLY_RANKING, scope=scope, limit=PUBLISHED_LISTED)
    return render(request, "reports/monthly_ranking.html", {
        "scopes": scopes, "scope": scope, "period": period, "snapshot": snapshot, "data": data,
        "weights": _weights(data),
        "export": reverse("report-ranking-export") + "?" + urlencode(query),
        "published": [(item, month_name(month_of(item.period_start))) for item in published],
        "current_month": month_name(month_of(local_date(timezone.now()))),
        "charts": charts, "charts_json": json.dumps(charts, ensure_ascii=False),
    })


HEADERS = [gettext_lazy("名次"), gettext_lazy("上月名次"), gettext_lazy("名次变化"), gettext_lazy("承办单位"),
           gettext_lazy("综合得分"), gettext_lazy("办件量"), gettext_lazy("按期办结率（%）"), gettext_lazy("应办结"),
           gettext_lazy("按期办结"), gettext_lazy("按时联系率（%）"), gettext_lazy("应联系"), gettext_lazy("按时联系"),
           gettext_lazy("满意率（%）"), gettext_lazy("解决率（%）"), gettext_lazy("已回访"),
           gettext_lazy("抽查回访"), gettext_lazy("抽查满意率（%）"), gettext_lazy("抽查解决率（%）"),
           gettext_lazy("平均办理工作日"), gettext_lazy("超期件数"),
           gettext_lazy("受理率（%）"), gettext_lazy("受理决定按时率（%）"), gettext_lazy("调解成功率（%）"),
           gettext_lazy("挽回经济损失（元）"), gettext_lazy("立案率（%）"), gettext_lazy("立案决定按时率（%）")]
FIELDS = ["rank", "previous_rank", "rank_change", "unit_name", "score", "volume", "completion_rate", "completion_due",
          "completion_on_time", "contact_rate", "contact_due", "contact_on_time", "satisfaction_rate",
          "resolution_rate", "followed_up", "sampled", "sampled_satisfaction_rate", "sampled_resolution_rate",
          "average_handling_days", "overdue",
          "acceptance_rate", "acceptance_on_time_rate", "mediation_success_rate", "amount_recovered",
          "report_opening_rate", "report_on_time_rate"]


@login_required
@stale_ok
def ranking_export(request):
    _scopes, scope, _period, snapshot, data = _ranking(request)
    status = snapshot_status(snapshot)
    weights = [[str(label), weight] for label, weight in _weights(data)]
    return xlsx_response(filename=f"{_('月度排名')} {data['scope']['name']} {data['month']}.xlsx", sheets=[
        Sheet(title=_("月度排名"), headers=HEADERS, rows=[[row.get(f) for f in FIELDS] for row in data["units"]]),
        Sheet(title=_("权重"), headers=[_("指标"), _("权重")], rows=[*weights, [status, None]]),
    ])


@login_required
@stale_ok
def ranking_cases(request):
    """The cases behind one count of one unit's row, by the dashboard's definition of the figure."""
    access.require_open_reports(request.user)
    _scopes, scope = report_scope(request)
    period, now = _month(request)
    metric, unit_id = request.GET.get("metric", ""), request.GET.get("unit", "")
    if metric not in DRILLS.values() or typed_id(unit_id) is None:
        raise Http404(_("没有这项统计。"))
    unit = scope_unit(scope, typed_id(unit_id))
    if unit is None:
        raise Http404(_("没有这项统计。"))
    listed = metric_case_list(cases=scope_cases(scope).filter(handling_unit=unit), metric=metric, period=period,
                              window=deadline_window(now=now))
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    query = {"month": month_name(period), "scope": scope.pk}
    return render(request, "reports/dashboard_cases.html", {
        "page": page, "title": f"{unit.name} · {METRICS[metric].title}", "period": period,
        "back": reverse("report-ranking") + "?" + urlencode(query), "back_label": _("返回月度排名"),
        "pager_query": urlencode({**query, "unit": unit.pk, "metric": metric}),
    })
