"""Verification of the stored tree data that visibility and routing rely on: every unit's and area's
`path` is its parent's path plus its own code, and every routing rule's `area_depth` is its area's
depth. `manage.py check_tree` reports what is wrong (and can repair it)."""
from dataclasses import dataclass

from django.db import transaction

from .models import Area, RoutingRule, Unit


@dataclass(frozen=True)
class TreeFault:
    table: str
    pk: int
    label: str
    stored: str
    expected: str


def _path_faults(model) -> list[TreeFault]:
    # One query: all rows in memory (thousands of units, tens of thousands of areas at most).
    rows = {pk: (code, parent_id, path) for pk, code, parent_id, path in
            model.objects.values_list("pk", "code", "parent_id", "path")}
    expected: dict[int, str] = {}

    def path_of(pk: int, seen: tuple = ()) -> str:
        if pk in expected:
            return expected[pk]
        code, parent_id, _stored = rows[pk]
        if parent_id in seen:  # a cycle: no path can be right
            return "<cycle>"
        prefix = path_of(parent_id, (*seen, pk)) if parent_id else ""
        expected[pk] = f"{prefix}{code}/"
        return expected[pk]

    return [TreeFault(model._meta.db_table, pk, code, stored, path_of(pk))
            for pk, (code, _parent, stored) in rows.items() if stored != path_of(pk)]


def _depth_faults() -> list[TreeFault]:
    faults = []
    for pk, stored, path in RoutingRule.objects.filter(area__isnull=False).values_list(
            "pk", "area_depth", "area__path"):
        depth = path.count("/")
        if stored != depth:
            faults.append(TreeFault(RoutingRule._meta.db_table, pk, path, str(stored), str(depth)))
    return faults


def tree_faults() -> list[TreeFault]:
    return _path_faults(Unit) + _path_faults(Area) + _depth_faults()


@transaction.atomic
def tree_repair(*, faults: list[TreeFault]) -> int:
    """Store the expected values of `faults` (found by tree_faults). Paths are written top down."""
    models_by_table = {m._meta.db_table: m for m in (Unit, Area)}
    for fault in sorted(faults, key=lambda f: f.expected.count("/")):
        if fault.table in models_by_table:
            models_by_table[fault.table].objects.filter(pk=fault.pk).update(path=fault.expected)
        else:
            RoutingRule.objects.filter(pk=fault.pk).update(area_depth=int(fault.expected))
    return len(faults)
