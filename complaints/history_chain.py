"""Tamper evidence for case history: each row carries a SHA-256 hash chained to the previous row of
the same case (by id), so that a row edited, deleted or inserted with the append-only triggers
switched off (complaints/migrations/0012, 0020) breaks the chain, and `manage.py history_verify`
says where.

    chain_hash = sha256(previous row's chain_hash | case id | sha256(the row's content))

The content digest is computed in Python from the row (`event_digest`); the link is simple enough
to compute in SQL too, so the deadline sweep's set-based insert of thousands of rows with one
content chains them in the database (complaints/services/history.py: case_events_insert_like).
Rows written before the chain existed carry no hash and are reported as unsealed, not as breaks,
as long as no sealed row precedes them in their case."""
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# The link in SQL, for PostgreSQL: %(prev)s, %(case)s and the digest parameter are spliced in by the caller.
LINK_SQL = "encode(sha256(convert_to(coalesce({prev}, '') || '|' || {case}::text || '|' || {digest}, 'UTF8')), 'hex')"


def _canonical_data(data) -> str:
    # Normalised through a JSON round trip first, as the database returns it (keys become strings).
    return json.dumps(json.loads(json.dumps(data or {})), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def event_digest(*, at, actor_id, actor_unit_id, action, source_state, target_state, note, internal, data) -> str:
    """The digest of a history row's content, everything but its case and its place in the chain."""
    content = [
        (at - EPOCH) // MICROSECOND, actor_id, actor_unit_id, action, source_state, target_state, note,
        bool(internal), _canonical_data(data),
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def event_digest_of(event) -> str:
    return event_digest(at=event.at, actor_id=event.actor_id, actor_unit_id=event.actor_unit_id,
                        action=event.action, source_state=event.source_state, target_state=event.target_state,
                        note=event.note, internal=event.internal, data=event.data)


def chain_link(*, previous: str, case_id: int, digest: str) -> str:
    return hashlib.sha256(f"{previous or ''}|{case_id}|{digest}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    case_id: int
    event_id: int
    reason: str


@dataclass
class ChainReport:
    rows: int = 0
    unsealed: int = 0
    breaks: list[ChainBreak] = None
    # Cases whose earlier rows were archived (partitions detached, core/partitions.py): their first
    # remaining row's hash is taken as the start of what is left, which is checked from there on.
    continued: int = 0

    def __post_init__(self):
        self.breaks = self.breaks or []


def history_chain_verify(rows, *, archived: bool = False) -> ChainReport:
    """Check rows (dicts of CaseEvent's fields, ordered by case and id) and report every break.
    `archived`: the oldest history was detached, so a case's first row here may have had predecessors."""
    report = ChainReport()
    case_id, previous, sealed, first = None, "", False, False
    for row in rows:
        report.rows += 1
        if row["case_id"] != case_id:
            case_id, previous, sealed, first = row["case_id"], "", False, True
        elif first:
            first = False
        stored = row["chain_hash"]
        if not stored:
            if sealed:
                report.breaks.append(ChainBreak(case_id, row["id"], "unsealed row after sealed rows"))
            else:
                report.unsealed += 1
            previous = ""
            continue
        expected = chain_link(previous=previous, case_id=case_id, digest=event_digest(
            **{name: row[name] for name in ("at", "actor_id", "actor_unit_id", "action", "source_state",
                                            "target_state", "note", "internal", "data")}))
        if stored != expected and first and archived:
            report.continued += 1
        elif stored != expected:
            report.breaks.append(ChainBreak(case_id, row["id"], "hash does not match the row and its predecessor"))
        previous, sealed = stored, True
    return report
