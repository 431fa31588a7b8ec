"""Per-process copies of small rule tables read on every intake (time limits, supervision settings,
the calendar's change check, role permissions).

A copy is trusted for `settings.RULES_CACHE_SECONDS` (default 5) and then read again. An edit saved
in this process clears the copies at once (signals); other web and worker processes see it within
those seconds. A rule a few seconds stale is acceptable: rules change a few times a year, and a case
is held to the rule in force on its receipt *date*, not to the second. Tests set the period to 0,
so every read goes to the database exactly as without the cache.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

T = TypeVar("T")

_all: list[TimedCopy] = []


def ttl() -> float:
    return getattr(settings, "RULES_CACHE_SECONDS", 5)


class TimedCopy(Generic[T]):
    """A value built by `load` and kept for `ttl()` seconds (per process)."""

    def __init__(self, load: Callable[[], T]):
        self._load = load
        self._value: T | None = None
        self._until = 0.0
        self._lock = threading.Lock()
        _all.append(self)

    def get(self) -> T:
        now = time.monotonic()
        if self._value is None or now >= self._until:
            with self._lock:
                value = self._load()
                self._value, self._until = value, now + ttl()
            return value
        return self._value

    def clear(self) -> None:
        self._value, self._until = None, 0.0


def clear_all(**_kwargs) -> None:
    """Signal receiver: a rule table changed in this process."""
    for copy in _all:
        copy.clear()
