"""External systems: issuing and revoking keys, and idempotent intake on the client's reference."""
import hashlib
import json
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import ApplicationError
from ..models import ApiKey, Case, ExternalCaseRef, ExternalSystem
from ..models.integration import api_key_hash
from .intake import case_number_draw, case_receive


class ReferenceConflict(ApplicationError):
    """The reference is already used for a case with different content (HTTP 409)."""

    def __init__(self, message, *, case: Case | None = None):
        super().__init__(message, field="reference")
        self.case = case


def api_key_issue(*, system: ExternalSystem) -> str:
    """A new key for the system; the returned secret is shown once and only its hash is kept."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    ApiKey.objects.create(system=system, prefix=prefix, hashed=api_key_hash(secret))
    return f"{prefix}.{secret}"


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def _fingerprint(fields: dict) -> str:
    canonical = {k: getattr(v, "pk", v) for k, v in fields.items()}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()


def _replayed(ref: ExternalCaseRef, fingerprint: str) -> Case:
    if ref.fingerprint != fingerprint:
        raise ReferenceConflict(
            _("编号 %(ref)s 已用于内容不同的工单 %(number)s。") % {"ref": ref.reference, "number": ref.case.number},
            case=ref.case,
        )
    return ref.case


def case_receive_external(*, system: ExternalSystem, reference: str, fields: dict) -> tuple[Case, bool]:
    """File a case for an external system, once per (system, reference): a retry of the same work
    order returns the case made the first time (created=False); other content under the same
    reference is refused. The unique constraint on (system, reference) decides races: concurrent
    retries wait on the winner's uncommitted row, fail, roll back their own case, and return the
    winner's."""
    fields = {**fields, "external_ref": reference}
    fields.setdefault("channel", system.channel)
    fingerprint = _fingerprint(fields)
    existing = ExternalCaseRef.objects.select_related("case").filter(system=system, reference=reference).first()
    if existing is not None:
        return _replayed(existing, fingerprint), False
    at = timezone.now()
    # Outside any transaction (API requests), the number is drawn in one of its own: creates from
    # many clients then do not queue behind one another on the day's counter row.
    number = None if transaction.get_connection().in_atomic_block else case_number_draw(at=at)
    try:
        with transaction.atomic():
            case = case_receive(by=system.acting_user, fields=fields, at=at, number=number)[0]
            ExternalCaseRef.objects.create(system=system, reference=reference, fingerprint=fingerprint, case=case)
    except IntegrityError:
        existing = ExternalCaseRef.objects.select_related("case").filter(system=system, reference=reference).first()
        if existing is None:  # not our reference: the case's own (channel, external_ref) is taken
            raise ReferenceConflict(
                _("编号 %(ref)s 已被同一渠道的其他工单使用。") % {"ref": reference}
            ) from None
        return _replayed(existing, fingerprint), False
    return case, True
