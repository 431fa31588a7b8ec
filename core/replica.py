"""Reads that may be a little stale go to the read replica (DATABASE_REPLICA_URL, a PostgreSQL
streaming replica): the one home of that choice.

A door that may show data some seconds old (report pages, exports, API lists) runs its reads inside
`replica_reads()` (or under the `stale_ok` view decorator); `ReplicaRouter` then sends every read of
the block to the replica and every write to the primary. Everything else — the inbox, case pages,
intake, transitions, the sweep — never enters the block and reads the primary, so a user always
reads their own writes there.

The replica is asked how far behind it is once per block. Down or unreachable, the block reads the
primary instead, and the replica is not tried again for REPLICA_RETRY_SECONDS (a per-process flag),
so a dead replica costs one short connect timeout, not one per request."""
import logging
import math
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import Error, connections
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
# WAL replayed up to what was received: the replica is current however long ago the last commit
# was (on an idle primary, now() - the last replay's timestamp grows without any real lag).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass(frozen=True)
class Reading:
    alias: str
    lag_seconds: float = 0.0

    @property
    def from_replica(self) -> bool:
        return self.alias == REPLICA

    @property
    def stale_minutes(self) -> int | None:
        """Minutes behind the primary, when that is worth telling the reader (REPLICA_STALE_SECONDS)."""
        if not self.from_replica or self.lag_seconds <= settings.REPLICA_STALE_SECONDS:
            return None
        return max(1, math.ceil(self.lag_seconds / 60))


_reading: ContextVar[Reading | None] = ContextVar("replica_reading", default=None)
_down_until = {"at": 0.0}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _replica_reading() -> Reading:
    if not replica_configured() or settings.REPLICA_AS_MIRROR:
        # No replica, or the test suite's mirror of the primary: read the primary's connection (a
        # test's own uncommitted rows included).
        return Reading(alias="default")
    if time.monotonic() < _down_until["at"]:
        return Reading(alias="default")
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except Error as error:  # refused, timed out, or a kept connection the server closed
        logger.warning("read replica unavailable, reading the primary for %ss: %s",
                       settings.REPLICA_RETRY_SECONDS, error)
        _down_until["at"] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        connections[REPLICA].close()
        return Reading(alias="default")
    return Reading(alias=REPLICA, lag_seconds=lag)


def replica_health_reset() -> None:
    """Forget that the replica was down (tests, and an operator who restarted it)."""
    _down_until["at"] = 0.0


@contextmanager
def replica_reads():
    """Reads in this block may be stale: they go to the replica when it is up. Yields the Reading."""
    current = _reading.get()
    if current is not None:
        yield current
        return
    reading = _replica_reading()
    token = _reading.set(reading)
    try:
        yield reading
    finally:
        _reading.reset(token)


def current_reading() -> Reading | None:
    return _reading.get()


def stale_ok(view):
    """A view whose GET may be served from the replica. Its template sees `replica_stale_minutes`
    (core/context_processors.py); other methods write, and read the primary."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads() as reading:
            request.replica_reading = reading
            response = view(request, *args, **kwargs)
            # A lazily rendered page renders here, still reading the replica (an API response's
            # data is read already; its renderer is chosen later).
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()
        if reading.from_replica:
            response["X-Replica-Lag-Seconds"] = str(int(reading.lag_seconds))
        return response

    return wrapped


class ReplicaRouter:
    """Reads inside `replica_reads()` to the replica; all writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        reading = _reading.get()
        return reading.alias if reading is not None else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two servers

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
