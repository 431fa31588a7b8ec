"""Published reports (SPEC section 9, report snapshots): the beat task publishes each finished week's
notice and month's ranking once per scope, however often, late or concurrently it runs, and a
published report reads the same after the cases change."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction

from deadlines.models import CaseClock
from deadlines.workdays import SHANGHAI, end_of_day
from reports.models import ReportSnapshot
from reports.periods import week_parse
from reports.services_snapshots import WEEKS_BACK, report_snapshot_publish, report_snapshots_publish_due
from reports.tasks import report_snapshots_publish_task
from tests.complaints import journeys
from tests.concurrency import run_together

MONDAY = datetime(2026, 11, 9, 7, 30, tzinfo=SHANGHAI)  # the morning after week 2026-W45
WEEK = "2026-W45"


def overdue_case(org):
    case = journeys.to_handling(org)
    CaseClock.objects.filter(case=case, clock="handling").update(
        due_at=end_of_day(date(2026, 11, 4)), due_date=date(2026, 11, 4))
    return case


@pytest.mark.django_db
def test_published_once_however_often_the_task_runs(org):
    scopes = 3  # the center and the two district centers
    assert report_snapshots_publish_due(now=MONDAY) == (WEEKS_BACK + 3) * scopes
    assert report_snapshots_publish_due(now=MONDAY) == 0
    assert report_snapshots_publish_due(now=MONDAY + timedelta(hours=5)) == 0
    notices = ReportSnapshot.objects.filter(kind=ReportSnapshot.Kind.WEEKLY_NOTICE, scope=org.center)
    assert notices.count() == WEEKS_BACK
    assert notices.first().period_start == date(2026, 11, 2) and notices.first().period_end == date(2026, 11, 8)
    rankings = ReportSnapshot.objects.filter(kind=ReportSnapshot.Kind.MONTHLY_RANKING, scope=org.center)
    assert [r.period_start for r in rankings] == [date(2026, 10, 1), date(2026, 9, 1), date(2026, 8, 1)]


@pytest.mark.django_db
def test_a_missed_run_is_caught_up_without_duplicates(org):
    report_snapshots_publish_due(now=MONDAY)
    # The beat was down for two weeks and a month turned: the next run publishes what is missing only.
    later = MONDAY + timedelta(days=22)
    assert report_snapshots_publish_due(now=later) == (3 + 1) * 3
    weeks = ReportSnapshot.objects.filter(kind=ReportSnapshot.Kind.WEEKLY_NOTICE, scope=org.center)
    assert weeks.count() == WEEKS_BACK + 3
    assert len(set(weeks.values_list("period_start", flat=True))) == weeks.count()


@pytest.mark.django_db
def test_the_database_refuses_a_second_copy(org):
    period = week_parse(WEEK)
    snapshot, created = report_snapshot_publish(kind=ReportSnapshot.Kind.WEEKLY_NOTICE, period=period,
                                                scope=org.center, now=MONDAY)
    assert created and report_snapshot_publish(kind=snapshot.kind, period=period, scope=org.center)[1] is False
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportSnapshot.objects.create(kind=snapshot.kind, period_start=period.start, period_end=period.end,
                                      scope=org.center, data={}, created_at=MONDAY)


@pytest.mark.django_db
def test_a_published_notice_does_not_change_when_cases_do(client, org):
    case = overdue_case(org)
    report_snapshots_publish_due(now=MONDAY)
    client.force_login(org.supervisor)
    before = client.get("/dashboard/notice/", {"week": WEEK})
    assert before.context["snapshot"] is not None and before.context["data"]["totals"]["overdue"] == 1
    # Afterwards the case is replied, a new overdue case appears in that week, the unit is renamed.
    CaseClock.objects.filter(case=case, clock="handling").update(stopped_at=datetime(2026, 11, 5, tzinfo=SHANGHAI))
    overdue_case(org)
    org.station.name = "白沙所(更名)"
    org.station.save()
    report_snapshots_publish_due(now=MONDAY + timedelta(days=1))
    after = client.get("/dashboard/notice/", {"week": WEEK})
    assert after.context["data"] == before.context["data"]
    assert after.context["summary"] == before.context["summary"]
    assert "白沙市场监管所" in after.content.decode() and "已于 2026-11-09 07:30 发布" in after.content.decode()
    export = client.get("/dashboard/notice/export/", {"week": WEEK})
    assert export.status_code == 200


@pytest.mark.django_db
def test_the_task_and_its_beat_entry(org):
    entry = settings.CELERY_BEAT_SCHEDULE["report-snapshots-publish"]
    assert entry["task"] == report_snapshots_publish_task.name
    assert report_snapshots_publish_task() > 0 and report_snapshots_publish_task() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_publish_each_report_once(org):
    results = run_together(*[lambda: report_snapshots_publish_due(now=MONDAY)] * 3)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == (WEEKS_BACK + 3) * 3
    assert ReportSnapshot.objects.count() == (WEEKS_BACK + 3) * 3


@pytest.mark.django_db
def test_an_operator_can_publish_further_back(org):
    out = StringIO()
    call_command("reports_publish", "--weeks", "12", "--months", "0", stdout=out)
    assert "published 36 reports" in out.getvalue()
    call_command("reports_publish", "--weeks", "12", "--months", "0", stdout=out)
    assert ReportSnapshot.objects.count() == 36
