"""One case per intake form: the form carries a one-time token (complaints.FormSubmission), and the
same content sent again by the same person shortly after (back, then submit on a form the browser
fetched again and refilled) finds the case the first submission made."""
import hashlib
import json
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Case, FormSubmission

# How long the same content from the same person counts as the same submission.
RESUBMISSION_WINDOW = timedelta(minutes=30)


def form_token_new() -> str:
    return secrets.token_urlsafe(24)


def form_fingerprint(fields: dict) -> str:
    """A digest of what the form said (files aside), independent of field order."""
    plain = {name: str(getattr(value, "pk", value)) for name, value in fields.items()}
    return hashlib.sha256(json.dumps(plain, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def form_submitted_case(*, token: str, by, fingerprint: str = "") -> Case | None:
    """The case an earlier submission of this form made: by its token, or by the same content from
    the same person within the window; None when this is a new submission."""
    if token:
        used = FormSubmission.objects.filter(token=token).select_related("case").first()
        if used is not None:
            return used.case
    if fingerprint and getattr(by, "pk", None):
        same = (FormSubmission.objects.filter(submitted_by=by, fingerprint=fingerprint, case__isnull=False,
                                              submitted_at__gte=timezone.now() - RESUBMISSION_WINDOW)
                .select_related("case").order_by("-submitted_at").first())
        if same is not None:
            return same.case
    return None


def form_token_claim(*, token: str, by, fingerprint: str = "") -> FormSubmission | None:
    """Claim the token in the caller's transaction: the row commits with the case it creates, or
    not at all. Two submissions at once: the second waits on the unique index and gets None."""
    if not token:
        return None
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, submitted_by=by, fingerprint=fingerprint)
    except IntegrityError:
        return None
