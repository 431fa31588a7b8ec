"""The month partitions of the history, notifications and webhook deliveries (core/partitions.py):
list them, make the coming ones now, or detach old ones for archive. Detaching keeps each as a
table of its own (dump it with pg_dump -t, then drop it); nothing younger than
PARTITIONS_RETENTION_MONTHS is ever detached, whatever month is asked for."""
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from complaints.db_roles import owner_connection
from core import partitions

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def retention_limit():
    """The first month that must stay attached."""
    return partitions.month_start(timezone.now(), -settings.PARTITIONS_RETENTION_MONTHS)


class Command(BaseCommand):
    help = ("List the month partitions; --ensure makes the coming months' now; --detach-before YYYY-MM detaches "
            "the partitions wholly before that month for archive (never within PARTITIONS_RETENTION_MONTHS).")

    def add_arguments(self, parser):
        parser.add_argument("--detach-before", metavar="YYYY-MM", help="detach partitions ending by this month")
        parser.add_argument("--ensure", action="store_true", help="create the missing partitions ahead now")
        parser.add_argument("--table", choices=sorted(partitions.PARTITIONED), help="only this table")

    def handle(self, *args, detach_before=None, ensure=False, table=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("partitions are a PostgreSQL matter; this database is " + connection.vendor)
        tables = [table] if table else [name for name in partitions.PARTITIONED if partitions.is_partitioned(name)]
        cutoff = self._cutoff(detach_before) if detach_before else None
        # The owner's work: only the owner of a table may detach its partitions.
        with owner_connection():
            for name in tables:
                if ensure:
                    for line in partitions.partitions_ensure(name, months_ahead=settings.PARTITIONS_AHEAD_MONTHS):
                        self.stdout.write(f"{name}: {line}")
                if cutoff:
                    self._detach(name, cutoff)
                else:
                    self._list(name)

    def _cutoff(self, text):
        match = MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise CommandError(f"--detach-before wants a month as YYYY-MM, not {text!r}")
        cutoff = partitions.month_start(timezone.now().replace(year=int(match.group(1)), month=int(match.group(2)),
                                                              day=15))
        limit = retention_limit()
        if cutoff > limit:
            raise CommandError(f"refused: partitions from {limit:%Y-%m} on are within the retention of "
                               f"{settings.PARTITIONS_RETENTION_MONTHS} months (PARTITIONS_RETENTION_MONTHS); "
                               f"the latest month allowed is {limit:%Y-%m}")
        return cutoff

    def _detach(self, table, cutoff):
        old = [p for p in partitions.partitions_list(table)
               if not p["default"] and p["upper"] is not None and p["upper"] <= cutoff]
        for partition in old:
            partitions.partition_detach(table, partition["name"])
            self.stdout.write(f"{table}: detached {partition['name']} (about {partition['rows']} rows before "
                              f"{partition['upper'].astimezone(partitions.zone()):%Y-%m-%d}); archive it with "
                              f"pg_dump -t {partition['name']}, then drop it")
        if not old:
            self.stdout.write(f"{table}: no partition ends by {cutoff:%Y-%m}")

    def _list(self, table):
        zone = partitions.zone()
        for partition in partitions.partitions_list(table):
            if partition["default"]:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(partition['name'])}")
                    rows = cursor.fetchone()[0]
                note = " (rows of months without a partition: run --ensure)" if rows else ""
                self.stdout.write(f"{table}: {partition['name']} default, {rows} rows{note}")
                continue
            lower = f"{partition['lower'].astimezone(zone):%Y-%m-%d}" if partition["lower"] else "the start"
            upper = f"{partition['upper'].astimezone(zone):%Y-%m-%d}" if partition["upper"] else "the end"
            self.stdout.write(f"{table}: {partition['name']} from {lower} to {upper}, about {partition['rows']} rows")
