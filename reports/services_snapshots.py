"""Publishing the periodic reports (SPEC section 9, report snapshots): the weekly notice of every
finished ISO week and the ranking of every finished month, for the center and each district center.

Publishing is idempotent: a snapshot is unique per kind, period and scope and is created with
get_or_create, so the task may run as often, as late and as concurrently as it likes. A run looks
back a bounded number of periods, so a missed run (worker or beat down) is caught up by the next."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from deadlines.workdays import load_calendar, local_date
from routing.models import Unit

from .periods import month_of, previous_month, previous_week, week_of
from .scopes import scopes_published
from .selectors import Period
from .selectors_notice import weekly_notice
from .selectors_ranking import monthly_ranking
from .selectors_snapshots import snapshot_published
from .snapshots import RankingWeights, ReportSnapshot

logger = logging.getLogger(__name__)

WEEKS_BACK = 8
MONTHS_BACK = 3


def report_snapshot_publish(*, kind: str, period: Period, scope: Unit, now: datetime | None = None,
                            calendar=None) -> tuple[ReportSnapshot, bool]:
    """Publish one report unless it already is; returns (snapshot, created)."""
    now = now or timezone.now()
    existing = snapshot_published(kind=kind, period_start=period.start, scope=scope)
    if existing is not None:
        return existing, False
    calendar = calendar or load_calendar()
    if kind == ReportSnapshot.Kind.WEEKLY_NOTICE:
        data = weekly_notice(scope=scope, period=period, now=now, calendar=calendar)
    else:
        data = monthly_ranking(scope=scope, period=period, now=now, weights=RankingWeights.current().as_dict(),
                               calendar=calendar)
    # Two runs at once may both compute; the unique constraint keeps the first one's.
    return ReportSnapshot.objects.get_or_create(
        kind=kind, period_start=period.start, scope=scope,
        defaults={"period_end": period.end, "data": data, "created_at": now},
    )


def _finished(*, now: datetime, weeks: int, months: int) -> list[tuple[str, Period]]:
    """The last finished weeks and months, oldest first (a month's rank change reads the one before)."""
    today = local_date(now)
    week, month = previous_week(week_of(today)), previous_month(month_of(today))
    periods = []
    for _ in range(weeks):
        periods.append((ReportSnapshot.Kind.WEEKLY_NOTICE, week))
        week = previous_week(week)
    for _ in range(months):
        periods.append((ReportSnapshot.Kind.MONTHLY_RANKING, month))
        month = previous_month(month)
    return sorted(periods, key=lambda item: item[1].start)


def report_snapshots_publish_due(*, now: datetime | None = None, weeks: int = WEEKS_BACK,
                                 months: int = MONTHS_BACK) -> int:
    """Publish every report of the last `weeks` weeks and `months` months not yet published, for
    every scope; returns how many were published."""
    now = now or timezone.now()
    due = _finished(now=now, weeks=weeks, months=months)
    scopes = list(scopes_published())
    if not due or not scopes:
        return 0
    done = set(ReportSnapshot.objects.filter(period_start__gte=due[0][1].start)
               .values_list("kind", "period_start", "scope_id"))
    calendar = load_calendar()
    published = 0
    for kind, period in due:
        for scope in scopes:
            if (kind, period.start, scope.pk) in done:
                continue
            published += report_snapshot_publish(kind=kind, period=period, scope=scope, now=now,
                                                 calendar=calendar)[1]
    if published:
        logger.info("published %d report snapshots", published)
    return published
