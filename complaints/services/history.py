from collections.abc import Callable
from datetime import timedelta

from django.db import transaction

from core.notes import KEY as NOTE_KEY
from core.notes import Note

from ..history_chain import LINK_SQL, chain_link, event_digest_of
from ..models import Case, CaseEvent
from ..rowwrite import primary_key_draw, rows_insert, rows_insert_like

# What the apps above complaints do with each history row, called by case_event_record in the
# transaction of the change (integration writes the webhook owed to the originating system), so
# whatever they write commits or rolls back with the change. Registered in their AppConfig.ready().
_listeners: list[Callable[..., object]] = []
# The same listeners' set-based forms, `many(events=[...])`, for rows written as a batch.
_many: dict[Callable[..., object], Callable[..., object]] = {}


def history_listener_add(listener: Callable[..., object], *, many: Callable[..., object] | None = None) -> None:
    """Have `listener(event=...)` called with every history row written, in its transaction; with
    `many`, rows written together (case_events_write) go to `many(events=...)` in one call."""
    if listener not in _listeners:
        _listeners.append(listener)
    if many is not None:
        _many[listener] = many


def case_event_record(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: "str | Note" = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """Append one history row. Called by every service in the same transaction as its change;
    the history listeners (the webhook owed to the originating system) run here, in that transaction."""
    event = case_event_build(case=case, actor=actor, action=action, source=source, target=target, note=note,
                             data=data, internal=internal, at=at)
    return _event_write_one(event)


def case_event_build(
    *, case: Case, actor, action: str, source: str = "", target: str = "", note: "str | Note" = "",
    data: dict | None = None, internal: bool = False, at=None,
) -> CaseEvent:
    """A history row not yet written, for intake to write with the case itself. Only for actions
    that no listener needs (the case has just arrived, so there is nobody to call back yet)."""
    fields = {"at": at} if at is not None else {}
    if at is not None and not case._state.adding and at < case.received_at - timedelta(days=RECEIPT_SLACK_DAYS):
        # The chain's head is looked up from about the receipt on (SINCE_RECEIPT): a row dated earlier
        # would not be found by the next one, and the chain would fork.
        raise ValueError(f"a history row of {case.number} cannot be dated more than {RECEIPT_SLACK_DAYS} days "
                         "before its receipt")
    if isinstance(note, Note):
        data = {**(data or {}), NOTE_KEY: note.stored()}
        note = note.in_default_language()
    return CaseEvent(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit=getattr(actor, "unit", None),
        action=action,
        source_state=source,
        target_state=target or case.state,
        note=note,
        data=data or {},
        internal=internal,
        **fields,
    )


def case_event_seal_first(event: CaseEvent) -> CaseEvent:
    """Seal the first history row of a case that is being created with it (intake writes both in one
    batch): its chain starts from nothing."""
    if event.case.pk is None:  # SQLite draws the case's id at its insert: the row seals itself then
        event.chain_first = True
        return event
    event.chain_hash = chain_link(previous="", case_id=event.case.pk, digest=event_digest_of(event))
    return event


def case_events_write(events: list[CaseEvent]) -> list[CaseEvent]:
    """Write rows built by case_event_build for many cases (several per case, in their order) in a
    constant number of round trips, each chained to its case's history, then tell the listeners
    (their set-based forms where they have one). The caller holds the cases locked (registration
    in a batch locks them first), so no other writer can slip a row into a chain meanwhile."""
    if not events:
        return events
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return [_event_write_one(event) for event in events]
    table = CaseEvent._meta.db_table
    case_ids = sorted({event.case_id for event in events})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT ON (case_id) case_id, chain_hash FROM {table} WHERE case_id = ANY(%s) "
                       "ORDER BY case_id, id DESC", [case_ids])
        heads = dict(cursor.fetchall())
        # Ids drawn first, in the rows' order, so each chain follows the order of its ids.
        cursor.execute(f"SELECT {primary_key_draw(CaseEvent)} FROM generate_series(1, %s)", [len(events)])
        ids = sorted(row[0] for row in cursor.fetchall())
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
        event.chain_hash = chain_link(previous=heads.get(event.case_id) or "", case_id=event.case_id,
                                      digest=event_digest_of(event))
        heads[event.case_id] = event.chain_hash
    rows_insert(events)
    for listener in _listeners:
        if listener in _many:
            _many[listener](events=events)
        else:
            for event in events:
                listener(event=event)
    return events


def _event_write_one(event: CaseEvent) -> CaseEvent:
    event.chain_hash = chain_link(previous=_chain_head(event.case_id), case_id=event.case_id,
                                  digest=event_digest_of(event))
    event.save(force_insert=True)
    for listener in _listeners:
        listener(event=event)
    return event


# A case's history starts at its receipt: its rows are dated when their actions were taken, and
# typed times are refused before the receipt (complaints.inputs). Said to the database, the head of
# the chain is read only in the month partitions from a little before then (core/partitions.py),
# not in every month kept (36 probes per row). The slack keeps a row dated slightly earlier (a
# clock that stood behind the receipt's) in the chain; case_event_build refuses anything earlier.
RECEIPT_SLACK_DAYS = 31
SINCE_RECEIPT = (f"at >= (SELECT received_at - interval '{RECEIPT_SLACK_DAYS} days' FROM {Case._meta.db_table} "
                 "WHERE id = %s)")


def _chain_head(case_id: int) -> str:
    """The hash of the case's last history row, with the case locked first: two writers of one case's
    history take turns, so each links to the row the other wrote (a fork would read as a break)."""
    connection = transaction.get_connection()
    table, cases = CaseEvent._meta.db_table, Case._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip; the second statement's snapshot is taken after the lock is held.
            cursor.execute(f"SELECT 1 FROM {cases} WHERE id = %s FOR NO KEY UPDATE;"
                           f"SELECT chain_hash FROM {table} WHERE case_id = %s AND {SINCE_RECEIPT} "
                           "ORDER BY id DESC LIMIT 1",
                           [case_id, case_id, case_id])
            cursor.nextset()  # psycopg 3 keeps every result of a batch and starts at the first
        else:  # SQLite: one writer at a time already
            cursor.execute(f"SELECT chain_hash FROM {table} WHERE case_id = %s ORDER BY id DESC LIMIT 1", [case_id])
        row = cursor.fetchone()
    return row[0] if row else ""


def case_events_insert_like(template: CaseEvent, *, case_ids: list[int]) -> int:
    """Write one copy of `template` (built by case_event_build) for each case of `case_ids`, each
    chained to its case's history, in a few statements whatever their number (the deadline sweep).
    No listeners are called: they are for rows a person's action writes.

    On PostgreSQL the chain is computed by the database in the insert itself (LINK_SQL over the
    template's one content digest), after locking the cases, so no row goes through Python."""
    if not case_ids:
        return 0
    digest = event_digest_of(template)
    # A case twice in one statement would see neither copy as its predecessor: such copies go in a later round.
    rounds: list[list[int]] = []
    for case_id in case_ids:
        for batch in rounds:
            if case_id not in batch:
                batch.append(case_id)
                break
        else:
            rounds.append([case_id])
    written = 0
    connection = transaction.get_connection()
    for batch in rounds:
        if connection.vendor == "postgresql":
            written += _insert_chained_sql(template, digest=digest, case_ids=batch, connection=connection)
        else:
            rows = [(case_id, chain_link(previous=_chain_head(case_id), case_id=case_id, digest=digest))
                    for case_id in batch]
            written += rows_insert_like(template, varying=("case_id", "chain_hash"), rows=rows)
    return written


def _insert_chained_sql(template: CaseEvent, *, digest: str, case_ids: list[int], connection) -> int:
    quote = connection.ops.quote_name
    fields = [f for f in CaseEvent._meta.concrete_fields if not f.primary_key]
    table, cases = quote(CaseEvent._meta.db_table), quote(Case._meta.db_table)
    link = LINK_SQL.format(
        prev=f"(SELECT e.chain_hash FROM {table} e WHERE e.case_id = v.case_id"
             f" AND e.at >= c.received_at - interval '{RECEIPT_SLACK_DAYS} days'"
             " ORDER BY e.id DESC LIMIT 1)",
        case="v.case_id", digest="%s")
    select, params = [], []
    for f in fields:
        if f.attname == "case_id":
            select.append("v.case_id")
        elif f.attname == "chain_hash":
            select.append(link)
            params.append(digest)
        else:
            select.append(f"CAST(%s AS {f.db_type(connection)})")
            params.append(f.get_db_prep_save(f.pre_save(template, True), connection))
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {cases} WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", [case_ids])
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {', '.join(select)} "
                       f"FROM unnest(CAST(%s AS bigint[])) AS v(case_id) JOIN {cases} c ON c.id = v.case_id",
                       [*params, case_ids])
        return cursor.rowcount
