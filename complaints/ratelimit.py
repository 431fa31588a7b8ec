"""A fixed-window attempt counter in the cache, to slow down guessing on public pages."""

from django.core.cache import cache


def attempts_exceeded(*, keys: list[str], limit: int, window_seconds: int) -> bool:
    """True when any key already reached `limit` attempts in its window."""
    counts = cache.get_many([f"ratelimit:{key}" for key in keys])
    return any(count >= limit for count in counts.values())


def attempt_record(*, keys: list[str], window_seconds: int) -> None:
    for key in keys:
        name = f"ratelimit:{key}"
        # add() starts the window only if none is running; incr() then counts within it.
        if not cache.add(name, 1, timeout=window_seconds):
            try:
                cache.incr(name)
            except ValueError:  # expired between add() and incr()
                cache.add(name, 1, timeout=window_seconds)
