"""Putting a case on the red-line ledger (三条红线) from the complaints side: repeat and
dissatisfied cases. Overdue items are opened by the deadline sweep, set-based."""
from deadlines.workdays import local_date
from supervision.models import RedLineItem

from ..models import Case


def red_line_open(*, case: Case, reason: str, at) -> None:
    """Open an item unless one for the same case and reason is still open. The partial unique
    constraint decides (so two registrations at once cannot open two), in the insert itself
    (ON CONFLICT DO NOTHING) rather than with a savepoint to roll back to."""
    RedLineItem.objects.bulk_create(
        [RedLineItem(case=case, reason=reason, opened_at=at, month=local_date(at).replace(day=1))],
        ignore_conflicts=True,
    )
