"""The dashboard's "now" figures, kept as cases move (issue 17 items 3 and 7).

Like the inbox's tallies (complaints/models/inbox_tally.py), but over every case rather than a
unit's open ones, and keyed also by category, so the center's dashboard reads today's open work,
dispatch queue, due soon and overdue, per handling unit and narrowed to a category or a unit
subtree, from a few thousand rows however many cases there are. Kept by triggers in the writer's
transaction (complaints/open_tally_sql.py, PostgreSQL only); read by reports/selectors_today.py.

`unit_id` / `category_id` are the case's handling unit and category, 0 for none: the key is the
upsert's conflict target, and a NULL would never conflict. `open` and `queue` rows use `bucket` =
the epoch; `due` and `warn` rows count the cases whose nearest due / warning time falls in the hour
`bucket`, whatever their state (a running clock on any case shows red or yellow on the dashboard).
"""
from django.db import models


class OpenCaseTally(models.Model):
    unit_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    tab = models.CharField(max_length=10)
    bucket = models.DateTimeField()
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "open case tally"
        # Tab and hour first: the dashboard reads the hours before the current one, a range.
        constraints = [models.UniqueConstraint(fields=["tab", "bucket", "unit_id", "category_id"],
                                               name="open_case_tally_key")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.category_id} {self.tab} {self.bucket:%Y-%m-%d %H}: {self.count}"
