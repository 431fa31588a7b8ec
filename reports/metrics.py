"""Every figure a report shows, defined once: its title, what it counts and, from the same
condition, the cases behind it (the drill-down). The dashboard, the unit KPIs of the ranking and
the case lists all read their figures from this registry, so a figure and its list never disagree.

A metric counts either case rows or clock rows. A clock metric's condition is on the clocks, its
count is of clocks (or of the distinct cases they belong to), and its drill-down lists the cases
with at least one such clock.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.inputs import typed_date_ok, typed_id
from complaints.models import Case
from complaints.models.choices import Satisfaction
from complaints.selectors import case_due_soon, case_overdue
from deadlines.models import CaseClock
from deadlines.workdays import SHANGHAI, end_of_day, local_date
from supervision.sampling_models import SampledCase

from .breakdowns import breakdown_filter

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
# The deadlines a handling unit answers for: first contact, handling, redo after return.
UNIT_CLOCKS = ("contact", "handling", "redo")


@dataclass(frozen=True)
class MetricContext:
    """What a figure is counted for: a period (start_at/end_at), the moment of counting, and the
    value of a parameterised metric (a day, a unit, a breakdown row)."""

    period: object = None  # reports.selectors.Period (only its start_at and end_at are read)
    now: datetime | None = None  # figures of open work and of deadlines already past
    value: str = ""


@dataclass(frozen=True)
class Metric:
    name: str
    title: Promise
    condition: Callable[[MetricContext], Q | None]
    on_clocks: bool = False
    # A clock metric that counts the cases its clocks belong to, not the clocks.
    counts_cases: bool = False
    # A case metric that sums this field of its cases (the amount recovered) instead of counting them.
    total: str = ""

    def count(self, context: MetricContext) -> Count | Sum:
        """The aggregate over rows of the metric's table (cases, or clocks)."""
        condition = self.condition(context)
        if self.total:
            return Sum(self.total, filter=condition)
        if self.counts_cases:
            return Count("case", distinct=True, filter=condition)
        return Count("pk", filter=condition)

    def case_filter(self, context: MetricContext) -> Q | None:
        """The cases behind the figure, as a filter on cases; None when the value makes no sense."""
        condition = self.condition(context)
        if condition is None or not self.on_clocks:
            return condition
        return Q(Exists(CaseClock.objects.filter(condition, case=OuterRef("pk"))))


# --- the conditions ---------------------------------------------------------------------------------

def _today(c: MetricContext) -> Q:
    return Q(received_at__gte=datetime.combine(local_date(c.now), time.min, tzinfo=SHANGHAI))


def _received(c: MetricContext) -> Q:
    return Q(received_at__gte=c.period.start_at, received_at__lt=c.period.end_at)


def _followed(c: MetricContext) -> Q:
    """Follow-ups in the period that reached the complainant."""
    return Q(followed_up_at__gte=c.period.start_at, followed_up_at__lt=c.period.end_at) & ~Q(
        satisfaction=Satisfaction.UNREACHABLE)


def _sampled(c: MetricContext, **answer) -> Q:
    """Cases whose sampled second follow-up (抽查回访) in the period reached the complainant."""
    return Q(Exists(SampledCase.objects.filter(
        case=OuterRef("pk"), reached=True, followed_up_at__gte=c.period.start_at, followed_up_at__lt=c.period.end_at,
        **answer)))


ON_TIME = Q(stopped_at__isnull=False, stopped_at__lte=F("due_at"))


def _contact_decided(c: MetricContext) -> Q:
    """First-contact deadlines falling in the period that are met, late, or already past."""
    return Q(clock="contact", due_at__gte=c.period.start_at, due_at__lt=c.period.end_at) & (
        Q(stopped_at__isnull=False) | Q(due_at__lte=c.now))


def _handling_decided(c: MetricContext) -> Q:
    """Handling deadlines that ended in the period (reply) or ran out in it without a reply."""
    start, end = c.period.start_at, c.period.end_at
    return Q(clock="handling") & (
        Q(stopped_at__gte=start, stopped_at__lt=end)
        | Q(stopped_at__isnull=True, due_at__gte=start, due_at__lt=end, due_at__lte=c.now))


# Before any deadline: what a clock with no overdue clock before it compares as.
EARLIEST = datetime(1900, 1, 1, tzinfo=SHANGHAI)


def overdue_clock(now: datetime) -> Q:
    """A unit's deadline that has passed unmet by `now` (stopped late, or still running)."""
    return Q(due_at__lte=now) & ~ON_TIME & Q(clock__in=UNIT_CLOCKS)


def _overdue_in_period(c: MetricContext) -> Q:
    return Q(due_at__gte=c.period.start_at, due_at__lt=c.period.end_at) & overdue_clock(c.now)


def earlier_overdue_clocks(now: datetime) -> QuerySet[CaseClock]:
    """The overdue clocks of the outer clock's case that come before it (by due time, then id)."""
    return CaseClock.objects.filter(overdue_clock(now), case=OuterRef("case")).filter(
        Q(due_at__lt=OuterRef("due_at")) | Q(due_at=OuterRef("due_at"), pk__lt=OuterRef("pk")))


def overdue_first_in_period(c: MetricContext) -> Q:
    """overdue_in_period's clocks that are their case's first in the period: one per case counted,
    so their count is the metric's. Unlike the distinct count it adds up day by day once each day's
    clocks keep the day of their case's overdue clock before them (reports.DailyOverdue): a clock
    of the period counts when that day falls before the period's start."""
    # "No overdue clock of the case between the period's start and this one", written as the one
    # before it (a scalar subquery: an index probe per clock of the period) being earlier than the
    # start. As NOT EXISTS the planner may hash every overdue clock of the period to anti-join them.
    before = Subquery(earlier_overdue_clocks(c.now).order_by("-due_at", "-pk").values("due_at")[:1])
    return _overdue_in_period(c) & Q(LessThan(Coalesce(before, Value(EARLIEST)), c.period.start_at))


# --- the statutory track (complaints/services/procedure.py): decisions counted when they were taken.

def _between(field: str, c: MetricContext) -> Q:
    return Q(**{f"{field}__gte": c.period.start_at, f"{field}__lt": c.period.end_at})


def _acceptance_decided(c: MetricContext) -> Q:
    return _between("acceptance_decided_at", c) & ~Q(acceptance="")


def _mediation_ended(c: MetricContext) -> Q:
    return _between("mediation_ended_at", c) & Q(mediation_outcome__in=("agreement", "terminated"))


def _report_decided(c: MetricContext) -> Q:
    """立案 and 不予立案 of the period; repeats are not processed, and merged followers carry their
    lead's decision, so neither counts again."""
    return (_between("report_decided_at", c) & Q(report_decision__in=("case_opened", "not_opened"))
            & Q(merged_into__isnull=True))


def _statutory_decided(clock: str, decided_at: str) -> Callable[[MetricContext], Q]:
    """A statutory decision clock that ended in the period with its decision, ran out in it without
    one, or ended late in it (a case archived with no decision recorded counts as late)."""
    def condition(c: MetricContext) -> Q:
        start, end = c.period.start_at, c.period.end_at
        stopped = Q(stopped_at__gte=start, stopped_at__lt=end) & (
            Q(**{f"case__{decided_at}__isnull": False}) | Q(stopped_at__gt=F("due_at")))
        return Q(clock=clock) & (stopped | Q(stopped_at__isnull=True, due_at__gte=start, due_at__lt=end,
                                             due_at__lte=c.now))
    return condition


def _statutory_on_time(clock: str, decided_at: str) -> Callable[[MetricContext], Q]:
    decided = _statutory_decided(clock, decided_at)
    return lambda c: decided(c) & ON_TIME & Q(**{f"case__{decided_at}__isnull": False})


def _day(c: MetricContext) -> Q | None:
    try:
        day = date.fromisoformat(c.value)
    except ValueError:
        return None
    if not typed_date_ok(day):
        return None
    return Q(received_at__gte=datetime.combine(day, time.min, tzinfo=SHANGHAI), received_at__lt=end_of_day(day))


def _unit(c: MetricContext) -> Q | None:
    unit_id = typed_id(c.value)
    return None if unit_id is None else _received(c) & Q(handling_unit_id=unit_id)


def _breakdown(name: str) -> Callable[[MetricContext], Q | None]:
    def condition(c: MetricContext) -> Q | None:
        row = breakdown_filter(name, c.value)
        return None if row is None else _received(c) & row

    return condition


METRICS: dict[str, Metric] = {m.name: m for m in [
    # Now: the open work.
    Metric("intake_today", _("今日登记"), _today),
    Metric("queue", _("待分流"), lambda c: Q(state=Case.State.REGISTERED)),
    Metric("open", _("在办"), lambda c: ~Q(state__in=Case.ENDED_STATES)),
    # Yellow and not red, as the inbox's tab (complaints/selectors_inbox.py): a case is on one of
    # the two, and the dashboard's kept counts (reports/selectors_today.py) can answer it.
    Metric("due_soon", _("即将到期（黄牌）"), lambda c: Q(case_due_soon(now=c.now)) & ~Q(case_overdue(now=c.now))),
    Metric("overdue", _("已超期（红牌）"), lambda c: Q(case_overdue(now=c.now))),
    # A period: cases.
    Metric("received", _("期间登记"), _received),
    Metric("dispatched", _("期间分流"),
           lambda c: Q(dispatched_at__gte=c.period.start_at, dispatched_at__lt=c.period.end_at)),
    Metric("followed_up", _("已回访"), _followed),
    Metric("satisfied", _("满意及基本满意"), lambda c: _followed(c) & Q(satisfaction__in=SATISFIED)),
    Metric("dissatisfied", _("不满意"), lambda c: _followed(c) & Q(satisfaction=Satisfaction.DISSATISFIED)),
    Metric("resolved", _("已解决"), lambda c: _followed(c) & Q(resolved=True)),
    Metric("unresolved", _("未解决"), lambda c: _followed(c) & Q(resolved=False)),
    Metric("repeat", _("重复投诉"), lambda c: _received(c) & Q(is_repeat=True)),
    # The second follow-up of sampled cases, beside the first.
    Metric("sampled", _("抽查回访"), _sampled),
    Metric("sampled_satisfied", _("抽查满意及基本满意"), lambda c: _sampled(c, satisfaction__in=SATISFIED)),
    Metric("sampled_resolved", _("抽查已解决"), lambda c: _sampled(c, resolved=True)),
    # A period: clocks.
    Metric("contact_due", _("应联系"), _contact_decided, on_clocks=True),
    Metric("contact_on_time", _("按时联系"), lambda c: _contact_decided(c) & ON_TIME, on_clocks=True),
    Metric("contact_late", _("未按时联系"), lambda c: _contact_decided(c) & ~ON_TIME, on_clocks=True),
    Metric("completion_due", _("应办结"), _handling_decided, on_clocks=True),
    Metric("completion_on_time", _("按期办结"), lambda c: _handling_decided(c) & ON_TIME, on_clocks=True),
    Metric("completion_late", _("未按期办结"), lambda c: _handling_decided(c) & ~ON_TIME, on_clocks=True),
    Metric("overdue_in_period", _("期间超期"), _overdue_in_period, on_clocks=True, counts_cases=True),
    # The statutory track.
    Metric("acceptance_decided", _("作出受理决定"), _acceptance_decided),
    Metric("accepted", _("受理"), lambda c: _acceptance_decided(c) & Q(acceptance="accepted")),
    Metric("not_accepted", _("不予受理"), lambda c: _acceptance_decided(c) & Q(acceptance="not_accepted")),
    Metric("mediation_ended", _("调解结束"), _mediation_ended),
    Metric("mediation_agreed", _("调解成功"), lambda c: _mediation_ended(c) & Q(mediation_outcome="agreement")),
    Metric("amount_recovered", _("挽回经济损失（元）"),
           lambda c: _mediation_ended(c) & Q(mediation_outcome="agreement"), total="amount_recovered"),
    Metric("report_decided", _("作出立案决定"), _report_decided),
    Metric("report_opened", _("立案"), lambda c: _report_decided(c) & Q(report_decision="case_opened")),
    Metric("acceptance_due", _("应作出受理决定"),
           _statutory_decided("statutory_accept", "acceptance_decided_at"), on_clocks=True),
    Metric("acceptance_on_time", _("按时作出受理决定"),
           _statutory_on_time("statutory_accept", "acceptance_decided_at"), on_clocks=True),
    Metric("report_decision_due", _("应作出立案决定"),
           _statutory_decided("statutory_report_decision", "report_decided_at"), on_clocks=True),
    Metric("report_decision_on_time", _("按时作出立案决定"),
           _statutory_on_time("statutory_report_decision", "report_decided_at"), on_clocks=True),
    # Rows of charts and of the volume and hotspot pages, named by their value.
    Metric("day", _("当日登记"), _day),
    Metric("unit", _("按承办单位"), _unit),
    Metric("kind", _("按类型"), _breakdown("kind")),
    Metric("channel", _("按渠道"), _breakdown("channel")),
    Metric("category", _("按业务分类"), _breakdown("category")),
    Metric("category_exact", _("按业务分类"), _breakdown("category_exact")),
    Metric("respondent", _("按被投诉人"), _breakdown("respondent")),
    Metric("area", _("按区域"), _breakdown("area")),
    Metric("area_exact", _("按区域"), _breakdown("area_exact")),
]}

# The figures of the dashboard's "today" row, and the KPIs counted over a period, by table.
TODAY_METRICS = ("intake_today", "queue", "open", "due_soon", "overdue")
KPI_CLOCK_METRICS = ("contact_due", "contact_on_time", "completion_due", "completion_on_time", "overdue_in_period",
                     "acceptance_due", "acceptance_on_time", "report_decision_due", "report_decision_on_time")
KPI_CASE_METRICS = ("received", "dispatched", "followed_up", "satisfied", "resolved", "dissatisfied", "repeat",
                    "acceptance_decided", "accepted", "mediation_ended", "mediation_agreed", "amount_recovered",
                    "report_decided", "report_opened", "sampled", "sampled_satisfied", "sampled_resolved")

# The KPIs that add up day by day, kept in the daily rollups (reports/rollups.py): each counts a row
# on the one day of its event (received, followed up, decided; a clock's due or stopping day), so a
# period's figure is the sum of its days'. Not these: the sampled follow-ups and overdue_in_period
# count distinct cases over the whole period (a case sampled twice, or late on two deadlines in
# the month, counts once). The sampled ones are counted live, as are the ratios, which are computed
# from the summed counts (reports.selectors._rates); overdue_in_period is rolled apart, by the day
# of each case's overdue clock before (overdue_first_in_period, reports.DailyOverdue).
NOT_ADDITIVE = ("overdue_in_period", "sampled", "sampled_satisfied", "sampled_resolved")
ROLLED_CASE_METRICS = tuple(name for name in KPI_CASE_METRICS if name not in NOT_ADDITIVE)
ROLLED_CLOCK_METRICS = tuple(name for name in KPI_CLOCK_METRICS if name not in NOT_ADDITIVE)


def metric_counts(names, context: MetricContext) -> dict[str, Count]:
    """The aggregates of the named metrics, for `.aggregate()` or `.annotate()`."""
    return {name: METRICS[name].count(context) for name in names}
