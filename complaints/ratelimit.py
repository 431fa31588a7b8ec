"""Fixed-window counters: failed attempts on public pages (the progress look-up) and calls per minute
of an external system (integration/api/throttling.py).

Counted in the shared cache (Redis in production) so that all web processes count together. A limit
is a guard rail, not a reason to refuse work: when the cache cannot be reached, each process counts
on its own (a warning is logged), so intake and the look-up keep answering and the look-up still
slows down a guesser, if by up to the number of processes. After a failure the shared cache is left
alone for a few seconds, so that a dead Redis costs one connection attempt per process in that time
instead of one per request."""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is unreachable or too slow (socket errors are OSError).
CACHE_ERRORS = (RedisError, OSError)
SHARED_RETRY_SECONDS = 5.0

# The fallback: this process's own counts, bounded like any local-memory cache.
_local = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_state = threading.Lock()
_shared_down_until = 0.0


def _store():
    return _local if time.monotonic() < _shared_down_until else cache


def _shared_failed(exc: Exception) -> None:
    global _shared_down_until
    with _state:
        first = time.monotonic() >= _shared_down_until
        _shared_down_until = time.monotonic() + SHARED_RETRY_SECONDS
    if first:
        logger.warning(
            "rate-limit cache unreachable (%s: %s); counting in this process for %.0f s",
            exc.__class__.__name__, exc, SHARED_RETRY_SECONDS,
        )


def shared_cache_reset() -> None:
    """Ask the shared cache again at the next count (tests; nothing else needs it)."""
    global _shared_down_until
    with _state:
        _shared_down_until = 0.0
    _local.clear()


def _incr(store, name: str, window_seconds: int) -> int:
    # add() starts the window only if none is running; incr() then counts within it, atomically.
    store.add(name, 0, timeout=window_seconds)
    try:
        return store.incr(name)
    except ValueError:  # expired between add() and incr()
        store.add(name, 1, timeout=window_seconds)
        return 1


def counter_incr(*, key: str, window_seconds: int) -> int:
    """Count one more event under the cache key `key` in its window (started by the first one);
    returns the new count."""
    if _store() is cache:
        try:
            return _incr(cache, key, window_seconds)
        except CACHE_ERRORS as exc:
            _shared_failed(exc)
    return _incr(_local, key, window_seconds)


def attempts_exceeded(*, limits: dict[str, int]) -> bool:
    """True when any key already reached its limit of attempts in the running window."""
    names = {f"ratelimit:{key}": limit for key, limit in limits.items()}
    store = _store()
    try:
        counts = store.get_many(list(names))
    except CACHE_ERRORS as exc:
        _shared_failed(exc)
        counts = _local.get_many(list(names))
    return any(counts.get(name, 0) >= limit for name, limit in names.items())


def attempt_record(*, keys: list[str], window_seconds: int) -> None:
    for key in keys:
        counter_incr(key=f"ratelimit:{key}", window_seconds=window_seconds)


def client_ip(request) -> str:
    """The caller's address, for counting attempts and for the access log."""
    # X-Forwarded-For is believed only behind our own proxy, which appends the peer it saw last;
    # otherwise a guesser could name a new "client" with every request.
    if settings.TRACK_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def attempts_clear(*, keys: list[str]) -> None:
    """Forget the failures counted under `keys` (a successful login clears its account's count)."""
    names = [f"ratelimit:{key}" for key in keys]
    try:
        _store().delete_many(names)
    except CACHE_ERRORS as exc:
        _shared_failed(exc)
    _local.delete_many(names)
