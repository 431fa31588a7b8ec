"""The inbox's kept tab counts (complaints.InboxTally, kept by the database as cases move) equal a
live count of the cases and their clocks, through the lifecycle, the sweep and the passing of time."""
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints import services
from complaints.models import InboxTally
from complaints.selectors_inbox import TABS, deadline_window, inbox_case_list, inbox_live_counts, inbox_tab_counts
from complaints.selectors_inbox_counts import inbox_kept_counts
from complaints.services.pauses import case_clocks_pause, case_clocks_resume
from complaints.services.routing import case_cohandlers_assign
from deadlines.models import CaseClock
from supervision.sweep import deadlines_sweep
from tests.complaints import journeys

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the counts are kept on PostgreSQL")

# Moments the counts are compared at: now, later today, and days ahead (deadlines pass meanwhile).
LATER = [timedelta(0), timedelta(hours=3), timedelta(days=2), timedelta(days=9), timedelta(days=40)]


def set_due(case, clock, delta, *, warn_before=timedelta(days=1)):
    due_at = timezone.now() + delta
    CaseClock.objects.filter(case=case, clock=clock, stopped_at__isnull=True).update(
        due_at=due_at, due_date=timezone.localdate(due_at), warn_at=due_at - warn_before)


def assert_kept_equal_live(org):
    for user in (org.handler, org.other_handler, org.far_handler):
        for later in LATER:
            window = deadline_window(now=timezone.now() + later)
            kept = inbox_kept_counts(unit_id=user.unit_id, now=window.now)
            assert kept == inbox_live_counts(user=user, window=window), (user, later)


def test_kept_counts_follow_the_lifecycle_and_the_sweep(org):
    signing = journeys.to_dispatched(org, respondent_name="甲商店")
    uncontacted = journeys.to_handling(org, contacted=False, respondent_name="乙商店")
    overdue = journeys.to_handling(org, respondent_name="丙商店")
    soon = journeys.to_handling(org, respondent_name="丁商店")
    set_due(overdue, "handling", timedelta(hours=-5))
    set_due(soon, "handling", timedelta(hours=10))
    assert_kept_equal_live(org)
    counts = inbox_tab_counts(user=org.handler, window=deadline_window(now=timezone.now()))
    assert counts["all"] == 4 and counts["sign"] == 1 and counts["contact"] == 1 and counts["handling"] == 3
    assert counts["overdue"] == 1 and counts["due_soon"] == 1

    deadlines_sweep()  # turns clocks red and yellow, escalates
    assert_kept_equal_live(org)

    services.case_accept(case=signing, by=org.handler)
    services.case_record_contact(case=uncontacted, by=org.handler, means="phone", content="已电话联系投诉人")
    case_cohandlers_assign(case=soon, by=org.supervisor, units=[org.other_station])
    assert_kept_equal_live(org)
    assert inbox_kept_counts(unit_id=org.other_station.pk, now=timezone.now())["cohandling"] == 1

    case_clocks_pause(case=overdue, by=org.supervisor, reason="产品送检，检测机构出具报告需20日")
    assert_kept_equal_live(org)
    case_clocks_resume(case=overdue, by=org.supervisor)
    assert_kept_equal_live(org)

    replied = services.case_reply(case=soon, by=org.handler, text="经调查，商家已同意退还预付卡余额3000元。")
    assert_kept_equal_live(org)
    services.case_return_for_redo(case=replied, by=org.supervisor, reason="未写明依据")
    assert_kept_equal_live(org)
    assert inbox_kept_counts(unit_id=org.station.pk, now=timezone.now())["redo"] == 1

    services.case_reply(case=overdue, by=org.handler, text="经调查，商家已同意退还预付卡余额3000元。")
    journeys.to_archived(org)
    deadlines_sweep(now=timezone.now() + timedelta(days=3))
    assert_kept_equal_live(org)

    # A rebuild from scratch finds the counts the triggers kept.
    kept = sorted(InboxTally.objects.exclude(count=0).values_list("unit_id", "tab", "bucket", "count"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT complaints_inbox_rebuild()")
    assert sorted(InboxTally.objects.exclude(count=0).values_list("unit_id", "tab", "bucket", "count")) == kept


def test_a_deadline_passing_moves_the_case_to_overdue_without_a_write(org):
    case = journeys.to_handling(org)
    set_due(case, "handling", timedelta(minutes=30), warn_before=timedelta(minutes=40))
    now = timezone.now()
    before = inbox_kept_counts(unit_id=org.station.pk, now=now)
    after = inbox_kept_counts(unit_id=org.station.pk, now=now + timedelta(minutes=31))
    assert (before["overdue"], before["due_soon"]) == (0, 1)
    assert (after["overdue"], after["due_soon"]) == (1, 0)
    assert_kept_equal_live(org)


def test_the_stored_nearest_deadline_survives_a_stale_save(org):
    case = journeys.to_handling(org)
    set_due(case, "handling", timedelta(hours=-2))
    nearest = CaseClock.objects.filter(case=case, stopped_at__isnull=True).order_by("due_at").first().due_at
    case.save()  # an instance loaded before the clocks moved
    case.refresh_from_db()
    assert case.next_due_at == nearest


def test_a_searchs_tab_counts_are_the_cases_each_tab_lists(org):
    due_soon = journeys.to_handling(org, respondent_name="甲商店一号")
    set_due(due_soon, "handling", timedelta(hours=5))
    overdue = journeys.to_handling(org, respondent_name="甲商店二号")
    set_due(overdue, "handling", timedelta(hours=-2))
    journeys.to_dispatched(org, respondent_name="甲商店三号")
    journeys.to_handling(org, respondent_name="乙商店")
    for later in LATER:
        window = deadline_window(now=timezone.now() + later)
        counts = inbox_tab_counts(user=org.handler, window=window, search="甲商店")
        listed = {tab: inbox_case_list(user=org.handler, tab=tab, window=window, search="甲商店").count()
                  for tab in TABS}
        assert counts == listed, later
        assert counts["all"] == 3
    counts = inbox_tab_counts(user=org.handler, window=deadline_window(now=timezone.now()), search="甲商店")
    assert (counts["sign"], counts["due_soon"], counts["overdue"]) == (1, 1, 1)


@pytest.mark.django_db
def test_the_current_bucket_starts_where_the_database_puts_it(db):
    # The live count of the current hour and the kept rows before it meet at inbox_hour: were the
    # Python and SQL boundaries apart, a case due in between would be counted twice or not at all.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from complaints.selectors_inbox_counts import inbox_hour

    shanghai = ZoneInfo("Asia/Shanghai")
    for moment in (datetime(2026, 12, 2, 8, 0, tzinfo=shanghai), datetime(2026, 12, 2, 8, 59, 59, 999999, tzinfo=shanghai),
                   datetime(2026, 12, 31, 23, 30, tzinfo=shanghai), timezone.now()):
        with connection.cursor() as cursor:
            cursor.execute("SELECT complaints_inbox_hour(%s)", [moment])
            assert cursor.fetchone()[0] == inbox_hour(moment), moment
        assert inbox_hour(moment) <= moment < inbox_hour(moment) + timedelta(hours=1)
