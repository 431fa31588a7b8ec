"""Whether a loaded row satisfies a Django `Q`, judged in Python as the database would judge it.

A batch that asks the same question of many rows (is this earlier case a repeat of that one?) can
fetch every candidate once and sort them out in memory, while the question itself stays written
once, as the Q the single-row path sends to the database. Only what such rules use is understood:
AND / OR / NOT, and the lookups exact, in, gt, gte, lt and lte on a model's own fields; anything
else raises, so a rule that grows past this fails loudly instead of being judged differently."""
from __future__ import annotations

import operator
from collections.abc import Mapping

from django.db.models import Q

_LOOKUPS = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
            "in": lambda value, choices: value in set(choices)}


def q_holds(q: Q, row) -> bool:
    """The truth of `q` for `row`: a model instance (its fields loaded), or a row of values() that
    holds every field q_fields names (what a batch reads to judge many rows cheaply)."""
    results = (q_holds(child, row) if isinstance(child, Q) else _lookup_holds(*child, row=row) for child in q.children)
    held = all(results) if q.connector == Q.AND else any(results)
    return not held if q.negated else held


def _lookup_holds(path: str, expected, *, row) -> bool:
    name, _sep, lookup = path.partition("__")
    lookup = lookup or "exact"
    if "__" in lookup or lookup not in _LOOKUPS:
        raise ValueError(f"q_holds does not judge the lookup {path!r}")
    value = row[name] if isinstance(row, Mapping) else getattr(row, name)
    if value is None or (expected is None and lookup != "exact"):
        return expected is None and lookup == "exact"  # SQL: NULL compares to nothing, IS NULL only
    return _LOOKUPS[lookup](value, expected)


def q_fields(q: Q) -> set[str]:
    """The fields `q` reads, to fetch only those (values()) for q_holds."""
    return {name for child in q.children
            for name in (q_fields(child) if isinstance(child, Q) else {child[0].partition("__")[0]})}
