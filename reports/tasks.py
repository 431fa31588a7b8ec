"""Periodic tasks of the reports app: thin wrappers around reports/services_snapshots.py."""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def report_snapshots_publish_task() -> int:
    """Publish last week's notice (on Monday morning) and last month's ranking (on the 1st), and any
    of the recent ones a missed run left out; running again publishes nothing twice."""
    from reports.services_snapshots import report_snapshots_publish_due

    return report_snapshots_publish_due()


@shared_task(acks_late=True)
def case_export_task(export_id: int) -> int:
    """Write a requested month's case export (reports/services_exports.py)."""
    from reports.services_exports import case_export_run

    return case_export_run(export_id=export_id).rows_done


@shared_task
def report_rollups_refresh_task() -> int:
    """Close the days that have ended and rebuild those a late change touched (reports/rollups.py);
    and merge the dashboard's kept deadline counts of the hours before the last one (an hour of
    margin for a page counting at a moment just past), so its reads stay a few rows per unit."""
    from datetime import timedelta

    from django.utils import timezone

    from complaints.services.tallies import open_tallies_compact
    from reports.services_rollups import report_rollups_refresh

    open_tallies_compact(before=timezone.now() - timedelta(hours=1))
    return report_rollups_refresh()
