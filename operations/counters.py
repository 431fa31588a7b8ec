"""Request counters shared by every web process: kept in the cache (Redis in production, the file
cache otherwise), because Prometheus scrapes one gunicorn worker at a time and each must report the
site's totals. A cache that cannot be reached costs the count, never the request."""
from __future__ import annotations

import logging

from django.core.cache import cache

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


def request_count(*, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "OTHER"
    status_class = f"{min(max(status // 100, 2), 5)}xx"
    try:
        _incr(_key(method, status_class, "count"), 1)
        _incr(_key(method, status_class, "ms"), int(seconds * 1000))
    except Exception as exc:  # noqa: BLE001 - the cache is down: the request goes on uncounted
        logger.debug("request not counted: %s", exc)


def request_counts() -> list[tuple[str, str, int, float]]:
    """(method, status class, requests, seconds) for every pair seen."""
    keys = [(m, c) for m in (*METHODS, "OTHER") for c in CLASSES]
    values = cache.get_many([_key(m, c, what) for m, c in keys for what in ("count", "ms")])
    rows = []
    for method, status_class in keys:
        count = values.get(_key(method, status_class, "count"))
        if count:
            rows.append((method, status_class, int(count), values.get(_key(method, status_class, "ms"), 0) / 1000))
    return rows
