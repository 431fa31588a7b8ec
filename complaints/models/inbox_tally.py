"""The inbox's tab counts, kept as cases move (issue 17 item 7).

One row per unit and tab holds how many of the unit's open cases are on the tab, so the inbox reads
its counts from a handful of rows however many cases are open. The database keeps the rows in the
same transaction as every write of a case, a clock or a co-handling assignment (triggers in
complaints/inbox_tally_sql.py, PostgreSQL only): the workflow's services, bulk registration, the
sweep and the admin all move the counts without knowing of them.

The deadline tabs change with the clock on the wall, not only with writes, so they are kept by due
hour: `due` rows count the open cases whose nearest due time falls in the hour `bucket`, `warn`
rows those whose nearest warning time does. Overdue at a moment is every `due` hour before the
current one plus a live count of the current hour; due soon is the same for `warn` less overdue
(complaints/selectors_inbox_counts.py). The state tabs use `bucket` = the epoch.
"""
from django.db import models


class InboxTally(models.Model):
    unit = models.ForeignKey("routing.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    tab = models.CharField(max_length=20)
    bucket = models.DateTimeField()
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "inbox tally"
        constraints = [models.UniqueConstraint(fields=["unit", "tab", "bucket"], name="inbox_tally_key")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.tab} {self.bucket:%Y-%m-%d %H}: {self.count}"
