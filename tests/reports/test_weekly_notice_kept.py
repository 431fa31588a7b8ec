"""The running week's notice from kept figures (reports/selectors_notice_kept.py, issue 17) equals
the notice counted over the overdue clocks: its figures per unit and each status, and its case
list page by page, for the center and for a district center."""
from datetime import date, datetime, timedelta
from functools import partial

import pytest
from django.utils import timezone

from complaints.models import Case
from deadlines.models import CaseClock
from deadlines.workdays import SHANGHAI
from reports.periods import week_parse
from reports.selectors_notice import notice_case_ids_counted, notice_cases_page, notice_figures, weekly_notice
from reports.selectors_notice_kept import kept_cases_page, kept_notice_applies
from tests.complaints import journeys
from tests.reports.test_weekly_notice import handling, set_clock

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # nearest deadlines are kept on PostgreSQL

PERIOD = week_parse("2026-W47")  # Monday 16 to Sunday 22 November 2026
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI)  # Friday morning of that week


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def running_week(org):
    """One case per rule of the week so far, at three units of two district centers."""
    c = {}
    c["red"] = handling(org, "13900000001")
    set_clock(c["red"], due=date(2026, 11, 18))  # overdue since Wednesday: open
    c["red_long"] = handling(org, "13900000002")
    set_clock(c["red_long"], due=date(2026, 10, 30))  # overdue since before the week: open
    c["red_this_hour"] = handling(org, "13900000003")
    set_clock(c["red_this_hour"], due_at=at(20, 9))  # passed at 9:00, in the current hour's live count
    c["red_extended"] = handling(org, "13900000004")
    set_clock(c["red_extended"], due=date(2026, 11, 19), extended=5)  # extended, overdue all the same
    c["late"] = handling(org, "13900000005")
    set_clock(c["late"], due=date(2026, 11, 16), stopped=at(18))  # replied late this week
    c["late_extended"] = handling(org, "13900000006")
    set_clock(c["late_extended"], due=date(2026, 11, 16), stopped=at(17), extended=3)
    c["late_and_red"] = handling(org, "13900000007", unit=org.other_station)
    set_clock(c["late_and_red"], kind="contact", due_at=at(16, 18), stopped=at(17))  # contacted late
    set_clock(c["late_and_red"], due=date(2026, 11, 19))  # and its handling deadline passed
    c["late_last_week"] = handling(org, "13900000008")
    set_clock(c["late_last_week"], due=date(2026, 11, 11), stopped=at(13))
    c["paused"] = handling(org, "13900000009")
    set_clock(c["paused"], due=date(2026, 11, 18), paused=at(17))  # testing under way: not overdue
    c["not_yet"] = handling(org, "13900000010", unit=org.far_station)
    set_clock(c["not_yet"], due=date(2026, 11, 21))
    c["on_time"] = handling(org, "13900000011", unit=org.far_station)
    set_clock(c["on_time"], due=date(2026, 11, 19), stopped=at(18))
    c["far_red"] = handling(org, "13900000012", unit=org.far_station)
    set_clock(c["far_red"], due=date(2026, 11, 17))
    # Replied, so out of the inbox's states, with a running deadline left past due: red all the same.
    c["replied_red"] = journeys.to_replied(org, complainant_phone="13900000013")
    CaseClock.objects.create(case=c["replied_red"], clock="redo", started_at=at(16), due_at=at(19, 18),
                             due_date=date(2026, 11, 19), limit_amount=3, limit_unit="working_days")
    return c


def _pages(fetch, **filters) -> list[int]:
    ids, cursor = [], None
    while True:
        page = fetch(cursor=cursor, size=2, **filters)
        ids += [row["case_id"] for row in page.object_list]
        if not page.has_next:
            return ids
        cursor = page.next_cursor


def test_the_running_weeks_kept_figures_equal_the_counted_ones(org, running_week):
    assert kept_notice_applies(period=PERIOD, now=NOW)
    assert Case.objects.get(pk=running_week["replied_red"].pk).state not in ("dispatched", "handling")
    for scope in (org.center, org.district):
        whole = weekly_notice(scope=scope, period=PERIOD, now=NOW)
        assert notice_figures(scope=scope, period=PERIOD, now=NOW) == {k: v for k, v in whole.items() if k != "cases"}
    totals = notice_figures(scope=org.center, period=PERIOD, now=NOW)["totals"]
    assert (totals["overdue"], totals["open"], totals["late"], totals["extended"]) == (9, 6, 1, 2)
    station = next(row for row in notice_figures(scope=org.center, period=PERIOD, now=NOW)["units"]
                   if row["unit_id"] == org.station.pk)
    assert (station["overdue"], station["open"], station["late"], station["extended"]) == (7, 4, 1, 2)


def test_the_running_weeks_pages_list_the_counted_cases_in_order(org, running_week):
    numbers = {case.pk: case.number for case in running_week.values()}
    for scope in (org.center, org.district):
        for filters in ({}, {"unit_id": org.station.pk}, {"unit_id": org.far_station.pk}, {"status": "open"},
                        {"status": "late"}, {"status": "extended"}, {"unit_id": org.station.pk, "status": "open"}):
            filters = {"unit_id": None, "status": "", **filters}
            kept = _pages(partial(kept_cases_page, scope=scope, period=PERIOD, now=NOW), **filters)
            counted = _pages(partial(notice_case_ids_counted, scope=scope, period=PERIOD, as_of=NOW), **filters)
            assert kept == counted and len(set(kept)) == len(kept), (scope, filters, [numbers.get(i) for i in kept])
    listed = [case["number"] for case in notice_cases_page(scope=org.center, period=PERIOD, now=NOW, size=50)]
    assert listed[0] == running_week["red_long"].number  # the oldest overdue deadline first
    assert running_week["paused"].number not in listed and running_week["late_last_week"].number not in listed


def test_a_week_already_ended_is_counted(org):
    assert not kept_notice_applies(period=PERIOD, now=PERIOD.end_at + timedelta(seconds=1))
    assert kept_notice_applies(period=week_parse(timezone.localdate().strftime("%G-W%V")), now=timezone.now())
