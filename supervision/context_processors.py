"""Template context: a banner when the official holiday schedule is missing for a year in reach, and
the to-do figure of the menu."""
from django.conf import settings
from django.core.cache import cache

from complaints import access
from complaints.ratelimit import CACHE_ERRORS
from deadlines.workdays import calendar_coverage_warning
from supervision.todo import center_todo_count


def calendar_warning(request) -> dict:
    # Only staff see the banner; anonymous pages (the public progress look-up) must stay cheap.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"calendar_warning": None}
    # The banner asks for the schedule to be entered in the admin: only for those who can. Everyone
    # else sees the clocks it affects marked "截止日待定" where they are shown.
    if not (user.is_staff and user.has_perm("deadlines.change_holidayschedule")):
        return {"calendar_warning": None}
    # One fingerprint query; the calendar itself is cached per process (workdays.load_calendar).
    return {"calendar_warning": calendar_coverage_warning(ahead_days=settings.CALENDAR_WARNING_DAYS)}


def todo_count(request) -> dict:
    """The to-do list's figure in the menu, for those who oversee units (supervision/todo.py).
    Counted at most every TODO_COUNT_CACHE_SECONDS per user: the menu is on every page, the page
    itself counts live."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.oversees_units(user):
        return {}
    key = f"todo-count:{user.pk}:{user.unit_id}"
    try:
        count = cache.get(key)
    except CACHE_ERRORS:
        count = None
    if count is None:
        count = center_todo_count(user=user)
        try:
            cache.set(key, count, timeout=settings.TODO_COUNT_CACHE_SECONDS)
        except CACHE_ERRORS:
            pass  # the figure is shown anyway; the next page counts again
    return {"todo_count": count}
