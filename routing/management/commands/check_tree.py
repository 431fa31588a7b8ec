from django.core.management.base import BaseCommand, CommandError

from routing.tree_check import tree_faults, tree_repair


class Command(BaseCommand):
    help = "Verify every unit's and area's stored path and every routing rule's area depth (exit 1 on a fault)."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="store the expected values")

    def handle(self, *args, repair=False, **options):
        faults = tree_faults()
        for fault in faults:
            self.stdout.write(f"{fault.table} #{fault.pk} {fault.label}: stored {fault.stored!r}, "
                              f"expected {fault.expected!r}")
        if faults and repair:
            self.stdout.write(f"repaired {tree_repair(faults=faults)}")
            return
        if faults:
            raise CommandError(f"{len(faults)} stored tree value(s) are wrong")
        self.stdout.write("tree OK: every stored path and rule depth is right")
