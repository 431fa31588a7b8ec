"""The personal-data access log: every showing of a complainant's or reporter's identity to a viewer
is recorded (who, when, which case, which fields, through which door, from which address).

`complaints/identity.py` decides whether identity is shown and calls `identity_access_note` when it
is, so whatever door shows identity (the case page, its edit form, the API, an export) is logged
without a door of its own doing anything. Within a request the notes are gathered and written in one
statement after the view has answered (AccessLogMiddleware), so a list of a hundred cases costs one
insert; outside a request (the worker sending a webhook) each is written at once."""
import ipaddress
import json
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import DatabaseError, connection

from core.bulk_copy import copy_rows

from .models import Case, PersonalDataAccess
from .ratelimit import client_ip

logger = logging.getLogger(__name__)


@dataclass
class _RequestContext:
    path: str
    ip: str | None
    channel: str
    notes: list[PersonalDataAccess] = field(default_factory=list)
    seen: set = field(default_factory=set)


_context: ContextVar[_RequestContext | None] = ContextVar("personal_data_access", default=None)


def _channel(request) -> str:
    if request.path.startswith(("/api/", "/open311/")):
        return PersonalDataAccess.Channel.API
    if request.GET.get("export") or request.path.endswith((".xlsx", "/export/")):
        return PersonalDataAccess.Channel.EXPORT
    return PersonalDataAccess.Channel.PAGE


def identity_access_alerting(*, case: Case, user) -> bool:
    """A reporter's identity seen by anyone but the city center and the handling unit (Order 20
    art. 33: the reporter's information is kept confidential)."""
    if case.kind != Case.Kind.REPORT:
        return False
    if getattr(user, "is_center_staff", False):
        return False
    return not (case.handling_unit_id and getattr(user, "unit_id", None) == case.handling_unit_id)


def identity_access_note(*, case: Case, user, fields: list[str]) -> None:
    """Record that `user` was shown `fields` of `case`'s complainant or reporter. `case` may be a row
    read with values_list (an export): its pk, kind, anonymous and unit ids are what is read."""
    if not fields or case.pk is None:
        return
    context = _context.get()
    if context is not None and (case.pk, tuple(fields)) in context.seen:
        return  # the page and its panels ask more than once: one showing
    note = PersonalDataAccess(
        user=user if getattr(user, "pk", None) else None, unit_id=getattr(user, "unit_id", None),
        case_id=case.pk, fields=list(fields), reporter=case.kind == Case.Kind.REPORT,
        alert=identity_access_alerting(case=case, user=user),
        channel=context.channel if context else PersonalDataAccess.Channel.API,
        path=(context.path if context else "")[:255], ip=context.ip if context else None,
    )
    if context is None:
        note.save()
        return
    context.seen.add((case.pk, tuple(fields)))
    context.notes.append(note)


class AccessLogMiddleware:
    """Gathers a request's notes and writes them once the view has answered, whatever it answered
    (an error page after identity was shown still logs the showing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip = _address(client_ip(request))
        token = _context.set(_RequestContext(path=request.get_full_path(), ip=ip, channel=_channel(request)))
        try:
            return self.get_response(request)
        finally:
            context = _context.get()
            _context.reset(token)
            if context.notes:
                _flush(context.notes)


@contextmanager
def access_log_batch(*, path: str, channel: str):
    """The notes of work done outside a request (a worker's export) gathered as a request gathers
    them, and written in statements of many rows: at `access_log_flush()` (a long export calls it
    chunk by chunk, so memory does not grow with the rows) and at the end."""
    token = _context.set(_RequestContext(path=path, ip=None, channel=channel))
    try:
        yield
    finally:
        context = _context.get()
        _context.reset(token)
        if context.notes:
            _flush(context.notes)


def access_log_flush() -> None:
    context = _context.get()
    if context is not None and context.notes:
        _flush(context.notes)
        context.notes = []
        context.seen.clear()


# From this many notes on (an export's chunk), COPY writes them: a multi-row INSERT of 2,000 notes
# spends more time compiling its parameters than the database spends storing them.
COPY_FROM = 200
COPY_COLUMNS = ("at", "user_id", "unit_id", "case_id", "fields", "channel", "path", "ip", "reporter", "alert")


def _flush(notes: list[PersonalDataAccess]) -> None:
    try:
        if len(notes) >= COPY_FROM and connection.vendor == "postgresql":
            copy_rows(table=PersonalDataAccess._meta.db_table, columns=COPY_COLUMNS,
                      rows=((note.at, note.user_id, note.unit_id, note.case_id, json.dumps(note.fields), note.channel,
                             note.path, note.ip, note.reporter, note.alert) for note in notes))
        else:
            PersonalDataAccess.objects.bulk_create(notes)
    except DatabaseError:
        # Never lose the record silently: a failed write is an error the operators see.
        logger.exception("personal-data access log not written (%d rows)", len(notes))


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
