"""External systems: issuing and revoking keys, and idempotent intake on the client's reference."""
import hashlib
import json
import logging
import secrets
import time
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from complaints.access import require_receive
from complaints.models import Case
from complaints.models.choices import CaseKind
from complaints.services.intake import case_build, case_register, case_rows_insert, case_update_details, cases_link
from complaints.services.registration_batch import cases_register_batch, cases_register_batch_supported
from core.errors import ApplicationError
from deadlines.services import clock_build_fixed

from .models import ApiKey, ExternalCaseRef, ExternalSystem, StaffToken, api_key_hash

logger = logging.getLogger(__name__)


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


def staff_token_issue(*, user, days: int | None = None) -> str:
    """A new API token for a member of staff, valid `days` (STAFF_TOKEN_DAYS by default); the
    returned secret is shown once and only its hash is kept."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    days = days if days is not None else settings.STAFF_TOKEN_DAYS
    StaffToken.objects.create(user=user, prefix=prefix, hashed=api_key_hash(secret),
                              expires_at=timezone.now() + timedelta(days=days))
    return f"{prefix}.{secret}"


def staff_token_revoke(*, token: StaffToken) -> StaffToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


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


def case_receive_external(*, system: ExternalSystem, reference: str, fields: dict, also_report: bool = False,
                          platform_received_at=None, platform_due_at=None) -> tuple[Case, bool]:
    """Receive a work order from an external system, once per (system, reference): a retry of the
    same work order returns the case made the first time (created=False); other content under the
    same reference is refused.

    The API receives (SPEC section 4: receive is the API's act, registration the clerk's). The case,
    its receipt, its statutory clock and the reference are written in one round trip; a system that
    registers automatically has its complete cases registered by the worker moments later
    (`external_cases_register`), so a burst from a hotline platform is absorbed at the door.
    The unique constraint on (system, reference) decides races: concurrent retries wait on the
    winner's uncommitted row, fail, and return the winner's case.

    The statutory clocks count from our receipt (now); the platform's receipt time is kept on the
    reference, and its due time becomes a clock of its own (platform_due) beside ours. A work order
    that is both a complaint and a report (`also_report`) becomes two linked cases, as on the
    intake page; the report's reference is the work order's with "#report"."""
    require_receive(system.acting_user)
    fields = {**fields, "external_ref": reference}
    fields.setdefault("channel", system.channel)
    if also_report and fields.get("kind") != CaseKind.COMPLAINT:
        raise ApplicationError(_("只有投诉可以同时作为举报登记。"), field="also_report")
    fingerprint = _fingerprint({**fields, "also_report": also_report, "platform_received_at": platform_received_at,
                                "platform_due_at": platform_due_at})
    if _reference_used(system=system, reference=reference):
        existing = ExternalCaseRef.objects.select_related("case").get(system=system, reference=reference)
        return _replayed(existing, fingerprint), False
    times = {"platform_received_at": platform_received_at, "platform_due_at": platform_due_at}
    if also_report:
        with transaction.atomic():
            case, created = _receive_one(system=system, reference=reference, fields=fields,
                                         fingerprint=fingerprint, times=times)
            if created:
                twin_ref = f"{reference[:57]}#report"
                twin, _made = _receive_one(system=system, reference=twin_ref, fingerprint=fingerprint, times=times,
                                           fields={**fields, "kind": CaseKind.REPORT, "external_ref": ""})
                cases_link(case, twin, by=system.acting_user, at=case.received_at)
        return case, created
    return _receive_one(system=system, reference=reference, fields=fields, fingerprint=fingerprint, times=times)


def _receive_one(*, system: ExternalSystem, reference: str, fields: dict, fingerprint: str,
                 times: dict) -> tuple[Case, bool]:
    case, rows = case_build(by=system.acting_user, fields=fields, at=timezone.now())
    if times["platform_due_at"] is not None:
        rows.append(clock_build_fixed(case=case, clock="platform_due", at=case.received_at,
                                      due_at=times["platform_due_at"],
                                      basis=_("%(system)s工单办结期限") % {"system": system.name}))
    ref = ExternalCaseRef(system=system, reference=reference, fingerprint=fingerprint, case=case,
                          registration_pending=system.registers_automatically, **times)
    try:
        # Inside a caller's transaction a savepoint keeps a lost race from spoiling it; outside
        # one (API requests) the batch is its own transaction.
        with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
            case_rows_insert(case=case, rows=rows, after=(ref,))
    except IntegrityError:
        existing = ExternalCaseRef.objects.select_related("case").filter(system=system, reference=reference).first()
        if existing is None:  # not our reference: the case's own (channel, external_ref) is taken
            raise ReferenceConflict(
                _("编号 %(ref)s 已被同一渠道的其他工单使用。") % {"ref": reference}
            ) from None
        return _replayed(existing, fingerprint), False
    if ref.registration_pending:
        transaction.on_commit(_registration_kick)
    return case, True


@transaction.atomic
def case_supplement_external(*, system: ExternalSystem, case: Case, fields: dict) -> Case:
    """A system supplies missing elements or corrects details, as its acting user and with the same
    checks as a clerk (case_update_details). A work order of its own that is now complete goes to
    the worker to be registered, exactly as if it had arrived complete; cases other systems or
    clerks filed are left to the clerk, who registers what was received by hand."""
    case = case_update_details(case=case, by=system.acting_user, fields=fields)
    if system.registers_automatically and case.state == Case.State.RECEIVED and case.elements_complete():
        if ExternalCaseRef.objects.filter(case=case, system=system).update(registration_pending=True):
            transaction.on_commit(_registration_kick)
    return case


def _reference_used(*, system: ExternalSystem, reference: str) -> bool:
    # Asked before every create; written out because the ORM spends more compiling this one-index
    # probe than the database spends answering it. Retries then read the full row through the ORM.
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("SELECT 1 FROM complaints_externalcaseref WHERE system_id = %s AND reference = %s",
                       [system.pk, reference])
        return cursor.fetchone() is not None


# When this process last asked the worker to register; see _registration_kick.
_last_kick = float("-inf")


def _registration_kick() -> None:
    """Ask the worker to register pending cases, at most once per EXTERNAL_REGISTRATION_DELAY_SECONDS
    per process, and delayed by that much: every case received in the meantime is then covered by
    the task already on its way, so a burst costs one message per second, not one per case.
    A lost message (broker down) is made up by the beat entry."""
    global _last_kick
    delay = settings.EXTERNAL_REGISTRATION_DELAY_SECONDS
    now = time.monotonic()
    if now - _last_kick < delay:
        return
    _last_kick = now
    from .tasks import external_cases_register_task  # the tasks module imports this one

    try:
        external_cases_register_task.apply_async(countdown=delay)
    except Exception:  # broker down: the beat entry registers them
        logger.warning("could not queue external case registration; the beat entry will do it", exc_info=True)


def external_cases_register(*, batch: int = 200) -> int:
    """Register the cases received from systems that register automatically, each as its system's
    acting user, exactly as a clerk would (five elements, routing proposal, repeat checks). A case
    that cannot be registered (an element missing, or a clerk got to it first) stays as it is and
    waits for the clerk. Workers running this together take different cases (SKIP LOCKED).
    Each system's cases of a batch are registered together (cases_register_batch: a constant number
    of statements for the batch); if that fails, they are registered one by one, so a fault in one
    case holds up no other. Returns how many cases were looked at."""
    handled = 0
    while True:
        with transaction.atomic():
            _registration_lock()
            refs = list(
                ExternalCaseRef.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "system__acting_user__unit")
                .filter(registration_pending=True)
                .order_by("pk")[:batch]
            )
            by_system: dict[int, list[ExternalCaseRef]] = {}
            for ref in refs:
                by_system.setdefault(ref.system_id, []).append(ref)
            for system_refs in by_system.values():
                _register_together(system_refs)
            ExternalCaseRef.objects.filter(pk__in=[ref.pk for ref in refs]).update(registration_pending=False)
        handled += len(refs)
        if len(refs) < batch:
            return handled


# An arbitrary constant naming the registration's advisory lock (PostgreSQL).
REGISTRATION_LOCK_KEY = 12315_0005


def _registration_lock() -> None:
    """Registration batches run one at a time across every worker process: registering a case
    reads and writes other cases (a repeat links to an earlier one, a cluster gathers earlier cases
    of the respondent), so two batches side by side would miss each other's repeats and clusters
    and deadlock on each other's rows. The lock is held to the batch's commit; a second worker
    waits for it, then takes the cases still pending (SQLite serializes writers by itself)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REGISTRATION_LOCK_KEY])


def _register_together(refs: list[ExternalCaseRef]) -> None:
    by = refs[0].system.acting_user
    if not cases_register_batch_supported():
        for ref in refs:
            _register_one(ref)
        return
    try:
        # Its own savepoint: a failure undoes the batch only, and its cases go one by one below.
        with transaction.atomic():
            done = cases_register_batch(cases=[ref.case for ref in refs], by=by)
    except (OperationalError, InterfaceError):
        raise  # the connection is at fault, not these cases: the batch is retried whole
    except Exception:
        logger.warning("registering %s cases together failed; one by one instead", len(refs), exc_info=True)
        for ref in refs:
            _register_one(ref)
        return
    for case in done.left:
        logger.info("case %s left for the clerk to register", case.number)
    for case in done.one_by_one:
        _register_one_case(case, by=by)


def _register_one(ref: ExternalCaseRef) -> None:
    _register_one_case(ref.case, by=ref.system.acting_user)


def _register_one_case(case: Case, *, by) -> None:
    if case.state != Case.State.RECEIVED or not case.elements_complete():
        return
    try:
        # Its own savepoint (case_register takes none): a failure undoes only this case, and the
        # batch's transaction goes on with the others.
        with transaction.atomic():
            case_register(case=case, by=by)
    except (ApplicationError, ConcurrentTransition, PermissionDenied):
        logger.info("case %s left for the clerk to register", case.number, exc_info=True)
    except (OperationalError, InterfaceError):
        raise  # the connection is at fault, not this case: the batch is retried whole
    except Exception:
        # A fault in one case must not hold up every case behind it, batch after batch.
        logger.exception("registering case %s failed; left for the clerk", case.number)
