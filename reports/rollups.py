"""Daily rollups of the report figures (issue 17, item 3): per day (Beijing date), handling unit,
category, channel and respondent's area, the additive measures of the metric registry
(reports/metrics.py, ROLLED_METRICS), so that a dashboard of a year or a ranking of a month sums a
few thousand rows instead of counting millions of cases. Ratios are never stored: they are computed
from the summed counts at read time (reports.selectors._rates). Written only by
reports/services_rollups.py; imported by reports/models.py so that Django finds the models."""
from django.db import models


def _count():
    return models.PositiveIntegerField(default=0)


class Dimensions(models.Model):
    """The dimensions the report pages filter by: handling unit, category, channel and the
    respondent's area. No foreign-key constraints: rows are rebuilt from the cases, which already
    protect these."""

    unit = models.ForeignKey("routing.Unit", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    category = models.ForeignKey("routing.Category", null=True, on_delete=models.DO_NOTHING,
                                 db_constraint=False, related_name="+")
    channel = models.CharField(max_length=30, blank=True)
    area = models.ForeignKey("routing.Area", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")

    class Meta:
        abstract = True

    def dimensions(self) -> str:
        return f"{self.unit_id}/{self.category_id}/{self.channel}/{self.area_id}"


class Figures(Dimensions):
    """The additive measures of the metric registry of one combination of the dimensions, for one
    day (DailyFigures) or one month (MonthlyFigures)."""

    # Cases, by the day of the event each counts (reports/metrics.py).
    received = _count()
    dispatched = _count()
    followed_up = _count()
    satisfied = _count()
    dissatisfied = _count()
    resolved = _count()
    repeat = _count()
    acceptance_decided = _count()
    accepted = _count()
    mediation_ended = _count()
    mediation_agreed = _count()
    amount_recovered = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    report_decided = _count()
    report_opened = _count()
    # Clocks, by the day they fell due or stopped.
    contact_due = _count()
    contact_on_time = _count()
    completion_due = _count()
    completion_on_time = _count()
    acceptance_due = _count()
    acceptance_on_time = _count()
    report_decision_due = _count()
    report_decision_on_time = _count()

    class Meta:
        abstract = True


class DailyFigures(Figures):
    """One day's figures of the cases (and their clocks) of one combination of the dimensions the
    report pages filter by. A case's figures are filed under its current dimensions, as the live
    count files them; a change of unit or category marks the case's days dirty (see the trigger of
    migration 0002)."""

    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="dailyfigures_day"),
                   models.Index(fields=["unit", "day"], name="dailyfigures_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimensions()}"


class MonthlyFigures(Figures):
    """A calendar month's DailyFigures summed per combination of the dimensions: a year's dashboard
    reads twelve months of these and the days at its ends (about 300 rows a day at 10 million cases
    a year, so 100,000 daily rows against 15,000). Rebuilt with its days, in their transaction
    (services_rollups.rollup_days_rebuild), and read only for months whose every day is closed and
    clean, so it always equals the sum of its days."""

    month = models.DateField(help_text="the month's first day")

    class Meta:
        indexes = [models.Index(fields=["month"], name="monthlyfigures_month"),
                   models.Index(fields=["unit", "month"], name="monthlyfigures_unit_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimensions()}"


class DayDimensions(Dimensions):
    """A day and DailyFigures' dimensions, for the rollups that keep one more column beside them."""

    day = models.DateField()
    channel = models.CharField(max_length=30, blank=True, db_default="")

    class Meta:
        abstract = True


class DailyOverdue(DayDimensions):
    """overdue_in_period rolled up: a day's overdue unit clocks (reports.metrics.overdue_clock) of one
    combination of DailyFigures' dimensions and one `previous_day`, the day of the case's overdue
    clock just before them (none: the case's first). A period counts a case once, on its first
    overdue clock in the period: the rows of its days whose previous_day is before its start
    (metrics.overdue_first_in_period). A change to one clock moves its successors' previous_day, so
    the dirty-day trigger marks the days of the case's unit clocks due after it (migration 0006)."""

    previous_day = models.DateField(null=True)
    clocks = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="dailyoverdue_day"),
                   models.Index(fields=["unit", "day"], name="dailyoverdue_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimensions()} after {self.previous_day}"


class DailyHandling(DayDimensions):
    """average_handling_days rolled up: a day's replied cases (selectors.handled_in_period) of one
    combination of DailyFigures' dimensions and one `dispatched_day`. The working days between the
    two days are counted when the figure is read, by the calendar then in force, so a correction of
    the calendar needs no rebuild; a period's rows are a few per day and unit, not one per case."""

    dispatched_day = models.DateField()
    cases = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="dailyhandling_day"),
                   models.Index(fields=["unit", "day"], name="dailyhandling_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimensions()} from {self.dispatched_day}"


class RollupState(models.Model):
    """One row (pk=1): the last day whose figures are in DailyFigures. Days after it are counted
    live; the refresh task closes a day once it has ended (plus a margin for transactions that
    were still open at midnight)."""

    closed_through = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.closed_through}"


class RollupDirtyDay(models.Model):
    """A closed day whose figures a later change touched (a follow-up recorded late, an extension
    that moved a deadline, a case moved to another unit). Rows are appended by database triggers in
    the transaction of the change, so no write path (ORM, queryset.update, COPY, raw SQL) can miss
    one; append-only with no unique key, so concurrent writers never wait on each other. The refresh
    task rebuilds those days and deletes exactly the rows it saw."""

    day = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"{self.day}"
