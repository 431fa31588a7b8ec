"""The migration that adds the monthly sums (reports 0008) fills them from the daily rows already
there, exactly as the rebuild of their days then writes them, so a year's figures read the same
before and after an upgrade."""
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_MONTHS = [("reports", "0007_daily_handling_rollup")]
COLUMNS = ("month", "unit_id", "category_id", "channel", "area_id", "received", "followed_up", "satisfied",
           "amount_recovered", "completion_due", "completion_on_time")


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def monthly_rows(apps) -> set[tuple]:
    return set(apps.get_model("reports", "MonthlyFigures").objects.values_list(*COLUMNS))


@pytest.mark.postgres  # the rollups are PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_the_monthly_sums_are_filled_from_the_daily_rows_as_their_rebuild_writes_them(org):
    from reports.services_rollups import _months_replace

    try:
        migrate(BEFORE_MONTHS)
        old = MigrationExecutor(connection).loader.project_state(BEFORE_MONTHS).apps
        daily = old.get_model("reports", "DailyFigures")
        for day, unit, channel, received in ((date(2026, 9, 3), org.station, "phone", 4),
                                             (date(2026, 9, 30), org.station, "phone", 2),
                                             (date(2026, 9, 30), org.other_station, "web", 5),
                                             (date(2026, 10, 1), org.station, "phone", 7)):
            daily.objects.create(day=day, unit_id=unit.pk, channel=channel, received=received, followed_up=1,
                                 satisfied=1, amount_recovered="10.50", completion_due=2, completion_on_time=1)
        migrate(latest())
        after = MigrationExecutor(connection).loader.project_state(latest()).apps
        migrated = monthly_rows(after)
        assert {(row[0], row[1], row[3], row[5]) for row in migrated} == {
            (date(2026, 9, 1), org.station.pk, "phone", 6), (date(2026, 9, 1), org.other_station.pk, "web", 5),
            (date(2026, 10, 1), org.station.pk, "phone", 7)}
        assert {str(row[8]) for row in migrated} == {"21.00", "10.50"}
        _months_replace(months=[date(2026, 9, 1), date(2026, 10, 1)])
        assert monthly_rows(after) == migrated
    finally:
        migrate(latest())
