"""The dashboard's "now" row and per-unit table read from the kept counts (complaints.OpenCaseTally,
reports/selectors_today.py) equal the live count over every case (reports/selectors.py), for every
unit subtree and category filter, as cases move and as time passes (deadlines turning yellow and red
without a write), after the tallies are compacted and after a rebuild."""
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints import services
from complaints.models import Case, OpenCaseTally
from complaints.selectors_inbox import deadline_window
from complaints.services.pauses import case_clocks_pause
from complaints.services.tallies import open_tallies_compact
from deadlines.models import CaseClock
from reports import selectors, selectors_today
from reports.selectors_rollups import dashboard_slice
from reports.tasks import report_rollups_refresh_task
from tests.complaints import journeys
from tests.factories import CategoryFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the counts are kept on PostgreSQL")

LATER = [timedelta(0), timedelta(minutes=50), timedelta(hours=5), timedelta(days=2), timedelta(days=40)]


def set_due(case, clock, delta, *, warn_before=timedelta(days=1)):
    due_at = timezone.now() + delta
    CaseClock.objects.filter(case=case, clock=clock, stopped_at__isnull=True).update(
        due_at=due_at, due_date=timezone.localdate(due_at),
        warn_at=None if warn_before is None else due_at - warn_before)


def handled_by(org, unit, handler, **fields):
    case = services.case_dispatch(case=journeys.to_registered(org, **fields), unit=unit, by=org.supervisor)
    return services.case_accept(case=case, by=handler)


def file_under(case, category):
    Case.objects.filter(pk=case.pk).update(category=category)


@pytest.fixture
def city(org):
    """Cases of 佛山's consumer complaints across three stations, a top category and its child,
    every state, and deadlines past, in the current hour, soon and far."""
    food = CategoryFactory(code="440600-01", name="食品")
    catering = CategoryFactory(code="440600-0101", name="餐饮服务", parent=food)
    beauty = CategoryFactory(code="440600-02", name="美容美发")
    cases = {
        "received": journeys.to_received(org),
        "queued": journeys.to_registered(org, respondent_name="佛山市禅城区某餐厅"),
        "signing": journeys.to_dispatched(org, respondent_name="佛山市南海区某超市"),
        "late": journeys.to_handling(org, respondent_name="佛山市顺德区某美容店"),
        "late_and_soon": journeys.to_handling(org, contacted=False, respondent_name="佛山市三水区某健身房"),
        "this_hour": handled_by(org, org.other_station, org.other_handler, respondent_name="佛山市高明区某酒楼"),
        "soon": handled_by(org, org.far_station, org.far_handler, respondent_name="佛山市南海区某培训机构"),
        "no_warning": handled_by(org, org.far_station, org.far_handler, respondent_name="佛山市禅城区某药店"),
        "paused": journeys.to_handling(org, respondent_name="佛山市顺德区某电器行"),
        "replied": journeys.to_replied(org, respondent_name="佛山市禅城区某家具城"),
        "archived": journeys.to_archived(org),
        "declined": journeys.to_declined(org),
    }
    set_due(cases["late"], "handling", timedelta(hours=-30))
    set_due(cases["late_and_soon"], "contact", timedelta(hours=-2))  # red contact, yellow handling
    set_due(cases["late_and_soon"], "handling", timedelta(hours=6))
    set_due(cases["this_hour"], "handling", timedelta(minutes=20), warn_before=timedelta(minutes=10))
    set_due(cases["soon"], "handling", timedelta(hours=4))
    set_due(cases["no_warning"], "handling", timedelta(days=3), warn_before=None)
    set_due(cases["paused"], "handling", timedelta(hours=-1))
    case_clocks_pause(case=cases["paused"], by=org.supervisor, reason="产品送检，检测机构出具报告需20日")
    for name, category in (("queued", food), ("late", catering), ("late_and_soon", catering),
                           ("this_hour", food), ("soon", beauty), ("replied", catering)):
        file_under(cases[name], category)
    # Received yesterday: open, but not today's intake.
    Case.objects.filter(pk=cases["soon"].pk).update(received_at=timezone.now() - timedelta(days=1))
    return {"cases": cases, "categories": [None, food, catering, beauty]}


def assert_kept_equal_live(org, city):
    units = [None, org.center, org.district, org.station, org.far_district, org.far_station]
    for unit in units:
        for category in city["categories"]:
            cases = selectors.dashboard_cases(visible_to=org.supervisor, unit=unit, category=category)
            dims = dashboard_slice(visible_to=org.supervisor, unit=unit, category=category)
            assert selectors_today.kept_answers(dims)
            for later in LATER:
                window = deadline_window(now=timezone.now() + later)
                where = (unit, category, later)
                assert selectors_today.dashboard_now(cases=cases, dims=dims, window=window) == (
                    selectors.dashboard_today(cases=cases, window=window),
                    selectors.dashboard_by_unit(cases=cases, window=window)), where


def test_kept_figures_equal_the_live_count_as_cases_move(org, city):
    assert_kept_equal_live(org, city)
    today, _units = selectors_today.dashboard_now(
        cases=selectors.dashboard_cases(visible_to=org.supervisor),
        dims=dashboard_slice(visible_to=org.supervisor), window=deadline_window(now=timezone.now()))
    # received, queued and the ten taken up or replied, less the one received yesterday.
    # Yellow: only "soon" ("this_hour" turns yellow in ten minutes, "late_and_soon" is red).
    assert today == {"intake_today": 11, "queue": 1, "open": 10, "due_soon": 1, "overdue": 2}

    cases = city["cases"]
    services.case_reply(case=cases["late"], by=org.handler, text="经调查，商家已同意退还预付卡余额3000元。")
    services.case_dispatch(case=cases["queued"], unit=org.far_station, by=org.supervisor)
    services.case_transfer_out(case=cases["received"], by=org.clerk, department=org.external, note="属住建部门职责")
    file_under(cases["soon"], city["categories"][1])
    replied = services.case_approve_reply(case=cases["replied"], by=org.supervisor)
    replied = services.case_follow_up(case=replied, by=org.supervisor, satisfaction="satisfied", resolved=True,
                                      note="投诉人表示满意")
    services.case_archive(case=replied, by=org.supervisor)
    assert_kept_equal_live(org, city)


def test_compacting_and_rebuilding_keep_the_figures(org, city):
    def hour_rows_before(moment):
        return OpenCaseTally.objects.filter(tab__in=("due", "warn"), bucket__gt=datetime(1970, 1, 2, tzinfo=UTC),
                                            bucket__lt=moment).count()

    assert hour_rows_before(timezone.now() - timedelta(hours=2)) > 0  # "late", due 30 hours ago
    report_rollups_refresh_task()  # merges the hours before the last one
    assert hour_rows_before(timezone.now() - timedelta(hours=2)) == 0
    assert_kept_equal_live(org, city)
    open_tallies_compact(before=timezone.now())  # and the last one too
    # A case moved off a merged hour after the compaction.
    services.case_reply(case=city["cases"]["late"], by=org.handler, text="经调查，商家已同意退还预付卡余额3000元。")
    assert_kept_equal_live(org, city)

    with connection.cursor() as cursor:
        cursor.execute("SELECT complaints_inbox_rebuild()")  # rebuilds these tallies too
    assert OpenCaseTally.objects.filter(count__lt=0).count() == 0
    assert_kept_equal_live(org, city)


def test_a_viewer_who_sees_some_cases_is_counted_live(org, city):
    cases = selectors.dashboard_cases(visible_to=org.district_supervisor)
    dims = dashboard_slice(visible_to=org.district_supervisor)
    assert not selectors_today.kept_answers(dims)
    window = deadline_window(now=timezone.now())
    today, units = selectors_today.dashboard_now(cases=cases, dims=dims, window=window)
    assert (today, units) == (selectors.dashboard_today(cases=cases, window=window),
                              selectors.dashboard_by_unit(cases=cases, window=window))
    names = {row["handling_unit__name"] for row in units}
    assert names == {org.station.name, org.other_station.name}
