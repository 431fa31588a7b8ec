"""One case per intake form: the form carries a one-time token (complaints.FormSubmission)."""
import secrets

from django.db import IntegrityError, transaction

from ..models import Case, FormSubmission


def form_token_new() -> str:
    return secrets.token_urlsafe(24)


def form_token_case(*, token: str) -> Case | None:
    """The case a token's earlier submission created, or None when it was never used."""
    used = FormSubmission.objects.filter(token=token).select_related("case").first()
    return used.case if used else None


def form_token_claim(*, token: str, by) -> FormSubmission | None:
    """Claim the token in the caller's transaction: the row commits with the case it creates, or
    not at all. Two submissions at once: the second waits on the unique index and gets None."""
    if not token:
        return None
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, submitted_by=by)
    except IntegrityError:
        return None
