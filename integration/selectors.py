from complaints.models import Case

from .models import ExternalCaseRef, ExternalSystem


def case_filed_by(*, case: Case, system: ExternalSystem) -> bool:
    """Whether the external system filed the case (its own work order)."""
    return ExternalCaseRef.objects.filter(case=case, system=system).exists()


def case_origin_panel(*, request, case: Case, now) -> dict:
    """The case page's panel for a platform's work order: its number there, when the platform
    received it and its due time (our statutory clocks count from our own receipt)."""
    return {"origin": ExternalCaseRef.objects.select_related("system").filter(case=case).first(), "case": case}
