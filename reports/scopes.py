"""Whose units a periodic report covers. A report is published for a scope unit: the city center
(every handling unit) or a district center (the units of its own subtree), the rule by which their
staff see cases (complaints.selectors.case_visibility_filter)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from complaints import access
from complaints.models import Case
from routing.models import OVERSEEING_KINDS, Unit


def scope_filter(scope: Unit, *, prefix: str = "") -> Q:
    """Cases handled within the scope; `prefix` reaches the case from a related row ("case__")."""
    handled = Q(**{f"{prefix}handling_unit__isnull": False})
    if scope.kind == Unit.Kind.CENTER:
        return handled
    return handled & Q(**{f"{prefix}handling_unit__path__startswith": scope.path})


def scope_cases(scope: Unit) -> QuerySet[Case]:
    return Case.objects.filter(scope_filter(scope))


def scopes_published() -> QuerySet[Unit]:
    """Every scope a report is published for: the center and each active district center."""
    return Unit.objects.filter(kind__in=OVERSEEING_KINDS, is_active=True).order_by("path")


def scopes_for(user) -> list[Unit]:
    """The scopes a viewer may read: all of them for the center, its own for a district center."""
    if not access.may_open_reports(user):
        return []
    own = access.report_scope_unit(user)
    return list(scopes_published()) if own is None else [own]


def scope_unit(scope: Unit, unit_id: int) -> Unit | None:
    """The unit named in a drill-down link, if it is within the scope."""
    units = Unit.objects.filter(pk=unit_id)
    if scope.kind != Unit.Kind.CENTER:
        units = units.filter(path__startswith=scope.path)
    return units.first()
