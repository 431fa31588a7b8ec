"""Per-system request limits, so that one runaway client (a bridge stuck in a retry loop) cannot
crowd out the others or the center's own staff."""
import time

from rest_framework.throttling import BaseThrottle

from complaints.ratelimit import counter_incr

from .auth import request_system

WINDOW_SECONDS = 60


class ExternalSystemRateThrottle(BaseThrottle):
    """At most `ExternalSystem.requests_per_minute` calls per system in each clock minute (set in the
    admin; empty means no limit, and then nothing is counted). Counted in the shared cache (Redis in
    production, so all web processes count together) with one atomic increment per call, and per
    process while the cache is unreachable (complaints/ratelimit.py: intake never stops for it); a
    fixed window lets a client spend up to twice the limit across a minute boundary, which is fine
    for a guard rail. Users (people) are not limited here."""

    def allow_request(self, request, view) -> bool:
        system = request_system(request)
        limit = system.requests_per_minute if system is not None else None
        if not limit:
            return True
        now = time.time()
        # Twice the window: the entry outlives its minute, so a late incr never restarts the count.
        count = counter_incr(key=f"api-rate:{system.pk}:{int(now // WINDOW_SECONDS)}",
                             window_seconds=2 * WINDOW_SECONDS)
        self.retry_after = WINDOW_SECONDS - now % WINDOW_SECONDS
        return count <= limit

    def wait(self) -> float:
        return self.retry_after
