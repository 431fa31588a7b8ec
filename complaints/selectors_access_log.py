"""Reading the personal-data access log (complaints/access_log.py writes it)."""
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import PersonalDataAccess


def personal_data_access_search(
    *, number: str = "", username: str = "", date_from: date | None = None, date_to: date | None = None,
    alerts_only: bool = False,
) -> QuerySet[PersonalDataAccess]:
    """The log, newest first, narrowed by case number, viewer, day range (local days, inclusive)
    and whether the showing is an alert."""
    rows = PersonalDataAccess.objects.select_related("user", "unit", "case")
    if number:
        rows = rows.filter(case__number=number)
    if username:
        rows = rows.filter(user__username=username)
    zone = timezone.get_current_timezone()
    if date_from:
        rows = rows.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        rows = rows.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    if alerts_only:
        rows = rows.filter(alert=True)
    return rows
