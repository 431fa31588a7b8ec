"""The migration that adds the handling-time rollup (reports 0007) fills the days already closed
with exactly the rows the refresh task would write for them, so the average handling time of a
closed period reads the same before and after an upgrade; and 0006 leaves the closed days for the
refresh task to rebuild rather than rebuilding them with today's code."""
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from complaints.models import Case
from deadlines.workdays import SHANGHAI, local_date
from tests.reports.analysis_cases import received

BEFORE_HANDLING = [("reports", "0006_daily_overdue_rollup")]
BEFORE_OVERDUE = [("reports", "0005_clock_dirty_trigger_when")]


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI).replace(hour=hour)


def replied_cases(org, closed: date) -> None:
    """Cases dispatched and replied over the last days before `closed`, one replied after it."""
    units = [org.station, org.other_station, org.far_station]
    for i in range(9):
        sent = closed - timedelta(days=8 - i % 5)
        done = closed + timedelta(days=1) if i == 8 else min(sent + timedelta(days=i % 4), closed)
        case = received(org, moment(sent, 9), unit=units[i % 3], channel=["phone", "web"][i % 2])
        Case.objects.filter(pk=case.pk).update(dispatched_at=moment(sent, 11 + i % 5), replied_at=moment(done, 16))


def handling_rows(apps) -> set[tuple]:
    return set(apps.get_model("reports", "DailyHandling").objects.values_list(
        "day", "unit_id", "category_id", "channel", "area_id", "dispatched_day", "cases"))


@pytest.mark.postgres  # the rollups are PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_the_handling_rollup_is_filled_for_the_closed_days_as_the_refresh_fills_them(org):
    from reports.models import RollupDirtyDay
    from reports.services_rollups import rollup_handling_rebuild

    closed = local_date(timezone.now()) - timedelta(days=3)
    replied_cases(org, closed)
    try:
        migrate(BEFORE_HANDLING)
        old = MigrationExecutor(connection).loader.project_state(BEFORE_HANDLING).apps
        old.get_model("reports", "RollupState").objects.update_or_create(pk=1, defaults={"closed_through": closed})
        migrate(latest())
        after = MigrationExecutor(connection).loader.project_state(latest()).apps
        migrated = handling_rows(after)
        assert migrated and max(row[0] for row in migrated) <= closed  # the reply after it is left live
        assert sum(row[-1] for row in migrated) == 8
        days = sorted({row[0] for row in migrated})
        rollup_handling_rebuild(days=days)
        assert handling_rows(after) == migrated

        # 0006 marks its closed days dirty for the refresh task instead of rebuilding them itself.
        RollupDirtyDay.objects.all().delete()
        after.get_model("reports", "DailyFigures").objects.create(day=days[0])
        migrate(BEFORE_OVERDUE)
        migrate(latest())
        dirty = set(RollupDirtyDay.objects.values_list("day", flat=True))
        assert dirty == {days[0] + timedelta(days=i) for i in range((closed - days[0]).days + 1)}
    finally:
        migrate(latest())
