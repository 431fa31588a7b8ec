from complaints.models import Case

from .models import ExternalCaseRef, ExternalSystem


def case_filed_by(*, case: Case, system: ExternalSystem) -> bool:
    """Whether the external system filed the case (its own work order)."""
    return ExternalCaseRef.objects.filter(case=case, system=system).exists()
