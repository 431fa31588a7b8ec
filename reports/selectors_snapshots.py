"""Reading published reports (snapshots): the one published for a period, and the latest ones."""
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from routing.models import Unit

from .snapshots import ReportSnapshot


def snapshot_published(*, kind: str, period_start: date, scope: Unit) -> ReportSnapshot | None:
    return ReportSnapshot.objects.filter(kind=kind, period_start=period_start, scope=scope).first()


def snapshots_recent(*, kind: str, scope: Unit, limit: int) -> QuerySet[ReportSnapshot]:
    """The latest published reports of a scope, for the list beside a report (figures left unread)."""
    return ReportSnapshot.objects.filter(kind=kind, scope=scope).defer("data").order_by("-period_start")[:limit]


def snapshot_status(snapshot: ReportSnapshot | None) -> str:
    """What an export says of the figures it holds."""
    if snapshot is None:
        return _("实时计算，未发布")
    return _("已发布 %(at)s") % {"at": timezone.localtime(snapshot.created_at).strftime("%Y-%m-%d %H:%M")}
