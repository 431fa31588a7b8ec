"""Per-system request limits, so that one runaway client (a bridge stuck in a retry loop) cannot
crowd out the others or the center's own staff."""
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .auth import request_system

WINDOW_SECONDS = 60


class ExternalSystemRateThrottle(BaseThrottle):
    """At most `ExternalSystem.requests_per_minute` calls per system in each clock minute (set in the
    admin; empty means no limit, and then the cache is not even asked). Counted in the shared cache
    (Redis in production, so all web processes count together) with one atomic increment per call;
    a fixed window lets a client spend up to twice the limit across a minute boundary, which is
    fine for a guard rail. Users (people) are not limited here."""

    def allow_request(self, request, view) -> bool:
        system = request_system(request)
        limit = system.requests_per_minute if system is not None else None
        if not limit:
            return True
        now = time.time()
        key = f"api-rate:{system.pk}:{int(now // WINDOW_SECONDS)}"
        cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add and incr
            cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
            count = 1
        self.retry_after = WINDOW_SECONDS - now % WINDOW_SECONDS
        return count <= limit

    def wait(self) -> float:
        return self.retry_after
