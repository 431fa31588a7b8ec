from django.core.management.base import BaseCommand, CommandError

from complaints.history_chain import history_chain_verify
from complaints.models import Case, CaseEvent
from core import partitions

FIELDS = ("id", "case_id", "chain_hash", "at", "actor_id", "actor_unit_id", "action", "source_state",
          "target_state", "note", "internal", "data")


class Command(BaseCommand):
    help = "Verify the hash chain of every case's history; exit 1 and name each break (tamper evidence)."

    def add_arguments(self, parser):
        parser.add_argument("--case", help="only this case number")

    def handle(self, *args, case=None, **options):
        rows = CaseEvent.objects.order_by("case_id", "id")
        if case:
            rows = rows.filter(case__number=case)
        report = history_chain_verify(rows.values(*FIELDS).iterator(chunk_size=5000), archived=_archived())
        numbers = dict(Case.objects.filter(pk__in={b.case_id for b in report.breaks}).values_list("pk", "number"))
        for item in report.breaks:
            self.stdout.write(f"BREAK case {numbers.get(item.case_id, item.case_id)} history row {item.event_id}: "
                              f"{item.reason}")
        continued = f", {report.continued} case(s) continued from archived history" if report.continued else ""
        self.stdout.write(f"{report.rows} history rows checked, {report.unsealed} written before the chain "
                          f"(unsealed), {len(report.breaks)} break(s){continued}")
        if report.breaks:
            raise CommandError(f"case history chain broken in {len(report.breaks)} place(s)")


def _archived() -> bool:
    """Whether the oldest months were detached (history_partitions): no partition reaches back to the start."""
    table = CaseEvent._meta.db_table
    if not partitions.is_partitioned(table):
        return False
    return all(p["lower"] is not None or p["default"] for p in partitions.partitions_list(table))
