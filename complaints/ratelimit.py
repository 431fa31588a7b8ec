"""A fixed-window attempt counter in the cache, to slow down guessing on public pages."""

from django.core.cache import cache


def attempts_exceeded(*, limits: dict[str, int]) -> bool:
    """True when any key already reached its limit of attempts in the running window."""
    counts = cache.get_many([f"ratelimit:{key}" for key in limits])
    return any(counts.get(f"ratelimit:{key}", 0) >= limit for key, limit in limits.items())


def attempt_record(*, keys: list[str], window_seconds: int) -> None:
    for key in keys:
        name = f"ratelimit:{key}"
        # add() starts the window only if none is running; incr() then counts within it.
        if not cache.add(name, 1, timeout=window_seconds):
            try:
                cache.incr(name)
            except ValueError:  # expired between add() and incr()
                cache.add(name, 1, timeout=window_seconds)
