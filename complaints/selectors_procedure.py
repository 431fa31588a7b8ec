"""Reads of the statutory track: the grounds a decision on a case may take, and a case's decisions."""
from deadlines.workdays import local_date

from .models import Case, LegalDecision, StatutoryGround


def statutory_grounds_for(*, case: Case, track: str):
    """The active grounds of the order the case is held to (by its receipt date, core.legal_basis),
    in force on its receipt date. When the center added a newer row for the same ground, the newest
    one in force on that date is offered."""
    received_on = local_date(case.received_at)
    rows = StatutoryGround.objects.filter(
        track=track, legal_basis=case.legal_basis, effective_from__lte=received_on, is_active=True,
    ).order_by("code", "-effective_from")
    newest = {}
    for row in rows:
        newest.setdefault(row.code, row)
    return StatutoryGround.objects.filter(pk__in=[row.pk for row in newest.values()]).order_by("order", "code")


def case_legal_decisions(*, case: Case) -> list[LegalDecision]:
    return list(LegalDecision.objects.filter(case=case).select_related("ground", "related_case", "decided_by_unit"))
