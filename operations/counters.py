"""Request counters shared by every web process: kept in the cache (Redis in production, the file
cache otherwise), because Prometheus scrapes one gunicorn worker at a time and each must report the
site's totals. A cache that cannot be reached costs the count, never the request."""
from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

PREFIX = "metrics:requests"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
CLASSES = ("2xx", "3xx", "4xx", "5xx")
# Counters never expire: a restart of the cache is a counter reset, which Prometheus handles.
FOREVER = None


def _key(method: str, status_class: str, what: str) -> str:
    return f"{PREFIX}:{what}:{method}:{status_class}"


def _incr(key: str, by: int) -> None:
    cache.add(key, 0, timeout=FOREVER)
    try:
        cache.incr(key, by)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, by, timeout=FOREVER)


_redis = (None, None)  # (the cache backend, its Redis client) of this process


def _redis_client():
    """The Redis client under the default cache, made once per backend: Django's backend builds a
    new client object for each call (the largest part of the counting that runs on every request)."""
    global _redis
    backend = caches["default"]
    if _redis[0] is not backend:
        _redis = (backend, backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None)
    return _redis[1]


# Counts are added up in the process and written to the cache at most once a second: a write per
# request (a round trip to Redis, or two file replacements with the file cache) cost an API create
# more than a fifth of its time, and Prometheus scrapes far less often than that.
FLUSH_SECONDS = 1.0
_pending: dict[str, int] = {}
_pending_lock = threading.Lock()
_last_flush = float("-inf")


def request_count(*, method: str, status: int, seconds: float) -> None:
    global _last_flush
    method = method if method in METHODS else "OTHER"
    status_class = f"{min(max(status // 100, 2), 5)}xx"
    count, ms = _key(method, status_class, "count"), _key(method, status_class, "ms")
    now = time.monotonic()
    with _pending_lock:
        _pending[count] = _pending.get(count, 0) + 1
        _pending[ms] = _pending.get(ms, 0) + int(seconds * 1000)
        if now - _last_flush < FLUSH_SECONDS:
            return
        _last_flush = now
    _flush()


def _flush() -> None:
    """Write this process's pending counts to the cache; counts the cache refuses are dropped."""
    with _pending_lock:
        pending = dict(_pending)
        _pending.clear()
    if not pending:
        return
    try:
        client = _redis_client()
        if client is not None:
            # One round trip: INCRBY starts a missing counter at 0, as add() would, and stores the
            # plain integer the cache backend reads back (request_counts).
            pipe = client.pipeline(transaction=False)
            for key, by in pending.items():
                pipe.incrby(cache.make_and_validate_key(key), by)
            pipe.execute()
            return
        for key, by in pending.items():
            _incr(key, by)
    except Exception as exc:  # noqa: BLE001 - the cache is down: the request goes on uncounted
        logger.debug("requests not counted: %s", exc)


def request_counts() -> list[tuple[str, str, int, float]]:
    """(method, status class, requests, seconds) for every pair seen (this process's latest
    requests included; other processes' within a second)."""
    _flush()
    keys = [(m, c) for m in (*METHODS, "OTHER") for c in CLASSES]
    values = cache.get_many([_key(m, c, what) for m, c in keys for what in ("count", "ms")])
    rows = []
    for method, status_class in keys:
        count = values.get(_key(method, status_class, "count"))
        if count:
            rows.append((method, status_class, int(count), values.get(_key(method, status_class, "ms"), 0) / 1000))
    return rows
