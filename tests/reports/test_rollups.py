"""The daily rollups (issue 17, item 3): the dashboard's and the monthly ranking's figures read from
them equal the live count of the same cases, period by period and slice by slice: before the days
are closed, after, after late changes to closed days (counted live until rebuilt), and after the
rebuild. Every figure those pages show is compared, ratios included."""
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from complaints.models import Case
from deadlines.models import CaseClock
from deadlines.workdays import SHANGHAI, end_of_day, local_date
from reports import selectors, selectors_rollups
from reports.models import DailyFigures, DailyHandling, MonthlyFigures, RankingWeights, RollupDirtyDay, RollupState
from reports.scopes import scope_cases
from reports.selectors_ranking import unit_ranking
from reports.services_rollups import month_after, report_rollups_refresh
from tests.factories import AreaFactory, CategoryFactory
from tests.reports.analysis_cases import received

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = local_date(NOW)
_n = count()


def day(offset: int, hour: int = 10) -> datetime:
    return datetime.combine(TODAY + timedelta(days=offset), time(hour), tzinfo=SHANGHAI)


def clock(case, kind, *, due: int, stopped: int | None, hour: int = 12):
    due_at = end_of_day(TODAY + timedelta(days=due)) if kind != "contact" else day(due, 18)
    values = {"due_at": due_at, "due_date": local_date(due_at), "stopped_at": None if stopped is None else day(stopped, hour)}
    if CaseClock.objects.filter(case=case, clock=kind).update(**values):
        return
    CaseClock.objects.create(case=case, clock=kind, started_at=case.received_at, limit_amount=7,
                             limit_unit="working_days", **values)


def make_case(org, received_on: int, *, unit, category=None, channel="phone", area=None, **later):
    """A case received `received_on` days from today, dispatched the same day, with its contact and
    handling deadlines; `later` sets its other events (days from today) and outcomes."""
    case = received(org, day(received_on, 9 + next(_n) % 8), unit=unit, category=category, channel=channel,
                    respondent_area=area)
    n = next(_n)
    clock(case, "contact", due=received_on + 1, stopped=received_on + (n % 3))  # on time, on time, late
    handling_stop = later.pop("replied", None)
    clock(case, "handling", due=received_on + 5, stopped=handling_stop)
    fields = {"dispatched_at": day(received_on, 11)}
    if handling_stop is not None:
        fields["replied_at"] = day(handling_stop)
    if "followed" in later:
        fields.update(followed_up_at=day(later.pop("followed")), satisfaction=later.pop("satisfaction"),
                      resolved=later.pop("resolved"))
    if "accepted" in later:
        fields.update(acceptance="accepted" if n % 2 else "not_accepted", acceptance_decided_at=day(later["accepted"]))
        clock(case, "statutory_accept", due=received_on + 7, stopped=later.pop("accepted"))
    if "mediated" in later:
        fields.update(mediation_outcome="agreement" if n % 2 else "terminated", mediation_ended_at=day(later.pop("mediated")),
                      amount_recovered=Decimal("120.50") * (n % 3))
    if "reported" in later:
        fields.update(report_decision="case_opened" if n % 2 else "not_opened", report_decided_at=day(later["reported"]))
        clock(case, "statutory_report_decision", due=received_on + 3, stopped=later.pop("reported"))
    fields.update(later)
    Case.objects.filter(pk=case.pk).update(**fields)
    return case


@pytest.fixture
def world(org):
    food = CategoryFactory(code="01", name="食品")
    dining = CategoryFactory(code="0101", name="餐饮服务", parent=food)
    beauty = CategoryFactory(code="02", name="美容美发")
    city = AreaFactory(code="4407", name="江门市")
    district = AreaFactory(code="440703", name="蓬江区", parent=city)
    units = [org.station, org.other_station, org.far_station]
    categories = [dining, food, beauty, None]
    channels = ["phone", "web", "wechat"]
    areas = [district, city, None]
    cases = []
    for i, received_on in enumerate([-12, -10, -9, -9, -8, -6, -5, -5, -4, -3, -2, -2, -1, -1, 0, 0]):
        later = {}
        if i % 2:
            later.update(replied=min(received_on + 3, 0), followed=min(received_on + 4, 0),
                         satisfaction=["satisfied", "dissatisfied", "basically_satisfied"][i % 3], resolved=i % 3 != 1)
        if i % 3 == 0:
            later.update(accepted=min(received_on + 2, 0), mediated=min(received_on + 6, 0))
        if i % 4 == 1:
            later.update(reported=min(received_on + 4, 0), is_repeat=True)
        cases.append(make_case(org, received_on, unit=units[i % 3], category=categories[i % 4],
                               channel=channels[i % 3], area=areas[i % 3], **later))
    return {"cases": cases, "food": food, "beauty": beauty, "district": district}


PERIODS = [(-12, -1), (-7, 0), (-3, -3), (-30, 3), (0, 0), (-9, -5)]


def period(start, end):
    return selectors.Period(start=TODAY + timedelta(days=start), end=TODAY + timedelta(days=end))


def slices(org, world):
    return [{}, {"unit": org.district}, {"unit": org.far_station}, {"category": world["food"]},
            {"channel": "web"}, {"area": world["district"]}, {"category": world["beauty"], "channel": "phone"}]


def assert_rollups_equal_live(org, world, periods=None):
    periods = [(p.start, p.end) for p in periods] if periods else \
        [(TODAY + timedelta(days=start), TODAY + timedelta(days=end)) for start, end in PERIODS]
    for filters in slices(org, world):
        cases = selectors.dashboard_cases(visible_to=org.supervisor, **filters)
        dims = selectors_rollups.dashboard_slice(visible_to=org.supervisor, **filters)
        assert dims is not None
        for start, end in periods:
            p = selectors.Period(start=start, end=end)
            rolled = selectors_rollups.dashboard_figures(cases=cases, dims=dims, period=p, now=NOW)
            live = {"kpi": selectors.kpi_summary(cases=cases, period=p, now=NOW),
                    "trend": selectors.chart_trend(cases=cases, period=p),
                    "by_category": selectors.chart_by_category(cases=cases, period=p),
                    "by_unit": sorted(selectors.chart_by_unit(cases=cases, period=p),
                                      key=lambda r: (-r["n"], r["handling_unit__name"]))}
            assert rolled == live, (filters, start, end)
    weights = RankingWeights.current().as_dict()
    for scope in (org.center, org.district):
        for start, end in periods:
            p = selectors.Period(start=start, end=end)
            rolled = selectors_rollups.kpi_by_unit(cases=scope_cases(scope), dims=selectors_rollups.scope_slice(scope),
                                                   period=p, now=NOW)
            assert rolled == selectors.kpi_by_unit(cases=scope_cases(scope), period=p, now=NOW), (scope, start, end)
            assert unit_ranking(scope=scope, period=p, now=NOW, weights=weights)  # the page's rows, from the rollups


def rolled_through(p):
    return selectors_rollups.split_period(p, NOW)[0]


@pytest.mark.postgres  # the rollups are PostgreSQL's (rollups_supported); SQLite reads live
def test_rollup_figures_equal_live_figures_before_and_after_late_changes(org, world):
    assert_rollups_equal_live(org, world)  # nothing closed yet: all live
    assert rolled_through(period(-12, 0)) is None

    assert report_rollups_refresh(now=NOW) >= 12
    assert RollupState.objects.get().closed_through == local_date(NOW - timedelta(minutes=15)) - timedelta(days=1)
    assert DailyFigures.objects.filter(day=TODAY - timedelta(days=9)).exists()
    # The replies of closed days, filed by reply day and dispatch day (case 3: received and
    # dispatched 9 days ago, replied 6 days ago).
    assert DailyHandling.objects.filter(day=TODAY - timedelta(days=6), dispatched_day=TODAY - timedelta(days=9)).exists()
    assert RollupDirtyDay.objects.count() == 0
    assert rolled_through(period(-12, 0)).end >= TODAY - timedelta(days=2)
    figures = selectors_rollups.dashboard_figures(cases=selectors.dashboard_cases(visible_to=org.supervisor),
                                                  dims=selectors_rollups.Slice(), period=period(-12, 0), now=NOW)
    assert figures["kpi"]["received"] == 16 and figures["kpi"]["followed_up"] == 8
    assert_rollups_equal_live(org, world)

    # Late changes to closed days: a follow-up recorded for the 5th day back, a case moved to another
    # unit and category, a deadline extended off its day, a mediation ended earlier.
    cases = world["cases"]
    Case.objects.filter(pk=cases[6].pk).update(followed_up_at=day(-5, 15), satisfaction="satisfied", resolved=True)
    Case.objects.filter(pk=cases[2].pk).update(handling_unit=org.station, category=world["beauty"])
    CaseClock.objects.filter(case=cases[4], clock="handling").update(due_at=end_of_day(TODAY + timedelta(days=4)))
    Case.objects.filter(pk=cases[9].pk).update(mediation_outcome="agreement", mediation_ended_at=day(-2),
                                               amount_recovered=Decimal("999.00"))
    # A reply recorded with an earlier moment (case 7: replied 2 days ago, now 4), and a dispatch
    # corrected to a day later (case 3, replied 6 days ago): the handling time of both changes.
    Case.objects.filter(pk=cases[7].pk).update(replied_at=day(-4))
    Case.objects.filter(pk=cases[3].pk).update(dispatched_at=day(-8, 9))
    dirty = set(RollupDirtyDay.objects.values_list("day", flat=True))
    assert {TODAY - timedelta(days=d) for d in (5, 9, 3, 2, 4, 6)} <= dirty
    assert rolled_through(period(-12, 0)).end < TODAY - timedelta(days=9)  # the touched days counted live
    assert_rollups_equal_live(org, world)

    report_rollups_refresh(now=NOW)
    assert RollupDirtyDay.objects.count() == 0
    assert rolled_through(period(-12, 0)).end >= TODAY - timedelta(days=2)
    assert_rollups_equal_live(org, world)
    # Running again changes nothing.
    assert report_rollups_refresh(now=NOW) == 0
    assert_rollups_equal_live(org, world)


def test_changes_dated_today_mark_nothing_and_the_task_is_scheduled(org, world):
    report_rollups_refresh(now=NOW)
    make_case(org, 0, unit=org.station, replied=0, followed=0, satisfaction="satisfied", resolved=True)
    assert RollupDirtyDay.objects.count() == 0
    assert settings.CELERY_BEAT_SCHEDULE["report-rollups-refresh"]["task"] == "reports.tasks.report_rollups_refresh_task"


def overdue(org, p):
    """overdue_in_period of one station's cases: (from the rollups, counted live)."""
    cases = selectors.dashboard_cases(visible_to=org.supervisor, unit=org.station)
    dims = selectors_rollups.dashboard_slice(visible_to=org.supervisor, unit=org.station)
    return (selectors_rollups.kpi_summary(cases=cases, dims=dims, period=p, now=NOW)["overdue_in_period"],
            selectors.kpi_summary(cases=cases, period=p, now=NOW)["overdue_in_period"])


@pytest.mark.postgres
def test_overdue_in_period_follows_a_late_change_to_an_earlier_clock_of_the_case(org, world):
    """A case late on two deadlines counts once in a period: its rolled rows name the day of the
    overdue clock before each, so a change to the first must also rebuild the second's day."""
    case = make_case(org, -12, unit=org.station)
    clock(case, "contact", due=-11, stopped=-9)  # contacted late; the handling deadline (-7) also passed
    report_rollups_refresh(now=NOW)
    periods = {"both": period(-12, -1), "contact": period(-11, -11), "handling": period(-8, -6)}
    assert rolled_through(periods["both"]).end >= TODAY - timedelta(days=2)
    before = {name: overdue(org, p) for name, p in periods.items()}
    assert all(rolled == live for rolled, live in before.values()), before

    # The contact is corrected to have been on time: the case is now late only on its handling.
    CaseClock.objects.filter(case=case, clock="contact").update(stopped_at=day(-11, 9))
    handling_day = local_date(CaseClock.objects.get(case=case, clock="handling").due_at)
    assert handling_day in set(RollupDirtyDay.objects.values_list("day", flat=True))
    assert {name: overdue(org, p)[0] for name, p in periods.items()} == {
        name: overdue(org, p)[1] for name, p in periods.items()}
    report_rollups_refresh(now=NOW)
    after = {name: overdue(org, p) for name, p in periods.items()}
    assert all(rolled == live for rolled, live in after.values()), after
    assert after["contact"][1] == before["contact"][1] - 1  # the figure followed the change
    assert after["both"] == before["both"] and after["handling"] == before["handling"]
    # Every period's figures still equal the live count.
    assert_rollups_equal_live(org, world)


def test_a_deadline_due_later_today_counts_once_met_or_passed(org):
    """Today's live count reads only the clocks that can count by now (issue 17): one due at 18:00
    and met yesterday counts from the morning, one still running only once 18:00 has passed."""
    met, running = make_case(org, -1, unit=org.station), make_case(org, -1, unit=org.station)
    clock(met, "contact", due=0, stopped=-1)
    clock(running, "contact", due=0, stopped=None)
    cases = selectors.dashboard_cases(visible_to=org.supervisor)
    morning = selectors.kpi_summary(cases=cases, period=period(0, 0), now=day(0, 8))
    evening = selectors.kpi_summary(cases=cases, period=period(0, 0), now=day(0, 20))
    assert (morning["contact_due"], morning["contact_on_time"]) == (1, 1)
    assert (evening["contact_due"], evening["contact_on_time"]) == (2, 1)


@pytest.mark.postgres
def test_whole_months_are_read_from_their_monthly_sums_and_equal_the_live_figures(org, world):
    # Cases in the whole month before last, besides the world's of the last twelve days.
    month = ((TODAY.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)).replace(day=1)
    for offset, unit in ((0, org.station), (9, org.other_station), (20, org.far_station), (27, org.station)):
        received_on = (month + timedelta(days=offset) - TODAY).days
        make_case(org, received_on, unit=unit, category=world["food"], channel="web", area=world["district"],
                  replied=received_on + 3, followed=received_on + 4, satisfaction="satisfied", resolved=True)
    while report_rollups_refresh(now=NOW):
        pass
    assert MonthlyFigures.objects.filter(month=month).aggregate(n=Sum("received"))["n"] == 4
    year = selectors.Period(start=month - timedelta(days=5), end=TODAY - timedelta(days=1))
    parts = selectors_rollups._rolled_parts(selectors_rollups.Slice(), selectors_rollups.split_period(year, NOW)[0])
    assert {part.model for part in parts} == {MonthlyFigures, DailyFigures}
    assert_rollups_equal_live(org, world, periods=[year, selectors.Period(start=month, end=TODAY - timedelta(days=1))])

    # A late change to a day of a whole month: the month is counted live until its days are rebuilt,
    # then read from its sums again.
    in_month = Case.objects.filter(received_at__gte=day((month - TODAY).days, 0),
                                   received_at__lt=day((month_after(month) - TODAY).days, 0))
    assert in_month.update(satisfaction="dissatisfied") == 4
    assert selectors_rollups.split_period(year, NOW)[0].end < month + timedelta(days=31)
    assert_rollups_equal_live(org, world, periods=[year])
    report_rollups_refresh(now=NOW)
    assert_rollups_equal_live(org, world, periods=[year])
