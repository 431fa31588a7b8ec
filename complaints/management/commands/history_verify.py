from django.core.management.base import BaseCommand, CommandError

from complaints.history_chain import history_chain_verify
from complaints.models import Case, CaseEvent

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
        report = history_chain_verify(rows.values(*FIELDS).iterator(chunk_size=5000))
        numbers = dict(Case.objects.filter(pk__in={b.case_id for b in report.breaks}).values_list("pk", "number"))
        for item in report.breaks:
            self.stdout.write(f"BREAK case {numbers.get(item.case_id, item.case_id)} history row {item.event_id}: "
                              f"{item.reason}")
        self.stdout.write(f"{report.rows} history rows checked, {report.unsealed} written before the chain "
                          f"(unsealed), {len(report.breaks)} break(s)")
        if report.breaks:
            raise CommandError(f"case history chain broken in {len(report.breaks)} place(s)")
