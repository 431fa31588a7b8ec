"""The weekly overdue notice (每周通报): what it counts at the week's boundary, extension-overdue apart,
units worst first, the case list with working days overdue, the summary, scope and access, export."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from complaints import services
from deadlines.models import CaseClock
from deadlines.workdays import SHANGHAI, end_of_day
from reports.periods import week_parse
from reports.selectors_notice import notice_cases_page, notice_figures, notice_summary, weekly_notice
from supervision.models import RedLineItem
from tests.complaints import journeys

pytestmark = pytest.mark.django_db

WEEK = "2026-W45"  # Monday 2 November to Sunday 8 November 2026, no holidays
PERIOD = week_parse(WEEK)
AFTER = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def handling(org, phone: str, unit=None):
    """A case in handling at `unit` (the org's station by default), its handler having signed."""
    if unit is None:
        return journeys.to_handling(org, complainant_phone=phone)
    case = services.case_dispatch(case=journeys.to_registered(org, complainant_phone=phone), unit=unit,
                                  by=org.supervisor)
    handler = {org.other_station: org.other_handler, org.far_station: org.far_handler}[unit]
    return services.case_accept(case=case, by=handler)


def set_clock(case, *, due: date | None = None, due_at: datetime | None = None, stopped=None, extended=0,
              paused=None, original_due_at=None, kind="handling"):
    due_at = due_at or end_of_day(due)
    CaseClock.objects.filter(case=case, clock=kind).update(
        due_at=due_at, due_date=due or due_at.date(), stopped_at=stopped, extended_days=extended, paused_at=paused,
        original_due_at=original_due_at)


@pytest.fixture
def week_cases(org):
    """Hand-built deadlines around week 45, each case telling one rule."""
    c = {}
    c["open"] = handling(org, "13800000001")
    set_clock(c["open"], due=date(2026, 11, 4))  # Wednesday: open at the week's end, 2 working days over
    c["late"] = handling(org, "13800000002")
    set_clock(c["late"], due=date(2026, 11, 3), stopped=at(6))  # replied late within the week
    c["late_after"] = handling(org, "13800000003")
    set_clock(c["late_after"], due=date(2026, 11, 3), stopped=at(10))  # still open at Sunday 24:00
    c["before"] = handling(org, "13800000004")
    set_clock(c["before"], due=date(2026, 10, 28), stopped=at(30, month=10))  # late, but the week before
    c["next_week"] = handling(org, "13800000005")
    set_clock(c["next_week"], due_at=end_of_day(date(2026, 11, 8)) + timedelta(seconds=1))  # just after the end
    c["last_minute"] = handling(org, "13800000006")
    set_clock(c["last_minute"], due_at=at(8, 23))  # an urgent case due Sunday 23:00
    c["extended"] = handling(org, "13800000007")
    set_clock(c["extended"], due=date(2026, 11, 5), extended=5, original_due_at=end_of_day(date(2026, 10, 29)))
    c["paused"] = handling(org, "13800000008")
    set_clock(c["paused"], due=date(2026, 11, 4), paused=at(1))  # testing under way: not overdue
    c["other"] = handling(org, "13800000009", unit=org.other_station)
    set_clock(c["other"], due=date(2026, 11, 2))
    c["far"] = handling(org, "13800000010", unit=org.far_station)
    set_clock(c["far"], due=date(2026, 11, 2))
    return c


def test_overdue_at_the_weeks_end_and_late_in_the_week(org, week_cases):
    data = weekly_notice(scope=org.center, period=PERIOD, now=AFTER)
    listed = {case["number"]: case for case in data["cases"]}
    c = week_cases
    assert set(listed) == {c[k].number for k in ("open", "late", "late_after", "last_minute", "extended", "other", "far")}
    assert listed[c["open"].number]["status"] == "open" and listed[c["open"].number]["days_overdue"] == 2
    assert listed[c["late"].number]["status"] == "late" and listed[c["late"].number]["days_overdue"] == 3
    # Replied only on the next Tuesday: at Sunday 24:00 it was open, three working days over.
    assert listed[c["late_after"].number]["status"] == "open" and listed[c["late_after"].number]["days_overdue"] == 3
    assert listed[c["extended"].number]["status"] == "extended"
    row = listed[c["open"].number]
    assert row["unit_name"] == org.station.name and row["handler"] and row["clocks"] == ["handling"]
    assert row["due_date"] == "2026-11-04"
    assert data["totals"]["overdue"] == 7 and data["units_overdue"] == 3
    assert (data["totals"]["open"], data["totals"]["late"], data["totals"]["extended"]) == (5, 1, 1)


def test_units_worst_first_with_extension_overdue_apart(org, week_cases):
    data = weekly_notice(scope=org.center, period=PERIOD, now=AFTER)
    station, *others = data["units"]
    assert station["unit_name"] == org.station.name
    assert (station["overdue"], station["open"], station["late"], station["extended"]) == (5, 3, 1, 1)
    assert [row["unit_name"] for row in others] == sorted([org.other_station.name, org.far_station.name])
    assert data["totals"] == {"overdue": 7, "open": 5, "late": 1, "extended": 1, "stage_replies": 1,
                              "ledger_open": 0}
    # The cases follow the units' order, most overdue first within a unit.
    assert [case["unit_name"] for case in data["cases"]][:5] == [org.station.name] * 5


def test_stage_replies_and_ledger_are_counted_as_they_stood_at_the_weeks_end(org, week_cases):
    extended = week_cases["extended"]
    answered = handling(org, "13800000011")
    set_clock(answered, due=date(2026, 11, 20), extended=5, original_due_at=end_of_day(date(2026, 10, 30)))
    services.case_stage_reply(case=answered, by=org.handler, text="已委托检测")  # today: after the week
    RedLineItem.objects.create(case=extended, reason="overdue", opened_at=at(5), month=date(2026, 11, 1))
    RedLineItem.objects.create(case=week_cases["open"], reason="overdue", opened_at=at(3), month=date(2026, 11, 1),
                               closed_at=at(6))
    RedLineItem.objects.create(case=week_cases["late"], reason="dissatisfied", opened_at=at(12),
                               month=date(2026, 11, 1))
    row = weekly_notice(scope=org.center, period=PERIOD, now=AFTER)["units"][0]
    # The stage reply came after the week: at its end both extended cases still owed one.
    assert (row["stage_replies"], row["ledger_open"]) == (2, 1)


def test_a_district_center_sees_only_its_units(client, org, week_cases):
    data = weekly_notice(scope=org.district, period=PERIOD, now=AFTER)
    assert {row["unit_name"] for row in data["units"]} == {org.station.name, org.other_station.name}
    assert week_cases["far"].number not in {case["number"] for case in data["cases"]}
    client.force_login(org.district_supervisor)
    page = client.get("/dashboard/notice/", {"week": WEEK})
    assert page.status_code == 200 and org.far_station.name not in page.content.decode()
    # Another district's scope is not theirs to ask for.
    assert client.get("/dashboard/notice/", {"week": WEEK, "scope": org.far_district.pk}).status_code == 404


def test_handling_units_are_refused(client, org):
    client.force_login(org.handler)
    assert client.get("/dashboard/notice/").status_code == 403
    assert client.get("/dashboard/notice/export/").status_code == 403


def test_summary_paragraph(org, week_cases):
    text = notice_summary(weekly_notice(scope=org.center, period=PERIOD, now=AFTER))
    assert text.startswith("本周（11月2日至11月8日）共有3个单位7件工单超期")
    assert "在办超期5件、逾期完成1件、延期后仍超期1件" in text
    assert f"{org.station.name}（5件）" in text and "阶段性回复" in text


def test_the_week_so_far_is_computed_now(client, org):
    case = journeys.to_handling(org)
    set_clock(case, due_at=timezone.now() - timedelta(hours=1))
    client.force_login(org.supervisor)
    response = client.get("/dashboard/notice/")
    assert response.status_code == 200 and response.context["snapshot"] is None
    assert response.context["data"]["totals"]["overdue"] == 1
    assert "本周至今" in response.context["summary"]
    # The running week agrees with the dashboard's red "overdue" figure.
    assert client.get("/dashboard/").context["today"]["overdue"] == 1


def test_page_drills_down_to_a_units_cases(client, org, week_cases):
    client.force_login(org.supervisor)
    response = client.get("/dashboard/notice/", {"week": WEEK, "unit": org.other_station.pk})
    numbers = [case["number"] for case in response.context["page"].object_list]
    assert numbers == [week_cases["other"].number]
    row = next(row for row in response.context["units"] if row["unit_id"] == org.other_station.pk)
    assert f"unit={org.other_station.pk}" in row["drill"] and row["drill"].endswith("#cases")
    response = client.get("/dashboard/notice/", {"week": WEEK, "status": "late"})
    assert [case["number"] for case in response.context["page"].object_list] == [week_cases["late"].number]


def test_future_and_malformed_weeks_are_404(client, org):
    client.force_login(org.supervisor)
    assert client.get("/dashboard/notice/", {"week": "2099-W01"}).status_code == 404
    assert client.get("/dashboard/notice/", {"week": "next"}).status_code == 404


def test_export_holds_the_pages_rows(client, org, week_cases):
    client.force_login(org.supervisor)
    page = client.get("/dashboard/notice/", {"week": WEEK})
    response = client.get("/dashboard/notice/export/", {"week": WEEK})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["通报", "按单位", "超期工单"]
    assert list(book["通报"].values)[1][0] == page.context["summary"]
    units = list(book["按单位"].values)[1:]
    assert [row[:5] for row in units[:-1]] == [
        (row["unit_name"], row["overdue"], row["open"], row["late"], row["extended"]) for row in page.context["units"]]
    assert units[-1][:2] == ("合计", 7)
    cases = list(book["超期工单"].values)[1:]
    listed = weekly_notice(scope=org.center, period=PERIOD, now=timezone.now())["cases"]
    assert [row[0] for row in cases] == [case["number"] for case in listed]
    assert cases[0][5] == listed[0]["days_overdue"]
    assert {case["number"] for case in page.context["page"].object_list} == {case["number"] for case in listed}


def test_constant_queries_per_page(client, org):
    def get():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/dashboard/notice/", {"week": WEEK}).status_code == 200
        return len(queries)

    client.force_login(org.supervisor)
    one = handling(org, "13900000001")
    set_clock(one, due=date(2026, 11, 3))
    get()
    few = get()
    for i, unit in enumerate([None, org.other_station, org.far_station, None, org.other_station]):
        case = handling(org, f"1390000010{i}", unit=unit)
        set_clock(case, due=date(2026, 11, 3), extended=i % 2)
    assert get() == few


def pages(org, *, size: int, **filters) -> list[list[dict]]:
    """Every page of the notice's case list, following the next-page cursors."""
    out, cursor = [], None
    while True:
        page = notice_cases_page(scope=org.center, period=PERIOD, now=AFTER, cursor=cursor, size=size, **filters)
        out.append(page.object_list)
        if not page.has_next:
            return out
        cursor = page.next_cursor


def test_page_figures_equal_the_whole_notices(org, week_cases):
    """The page's set-based figures are those of the notice built case by case."""
    for scope in (org.center, org.district):
        whole = weekly_notice(scope=scope, period=PERIOD, now=AFTER)
        assert notice_figures(scope=scope, period=PERIOD, now=AFTER) == {k: v for k, v in whole.items() if k != "cases"}
    running = timezone.now()
    whole = weekly_notice(scope=org.center, period=week_parse(WEEK), now=running)
    assert notice_figures(scope=org.center, period=week_parse(WEEK), now=running)["totals"] == whole["totals"]


def test_case_pages_never_skip_or_repeat_a_case(org, week_cases):
    """Two cases a page, ties on the first deadline included: every case of the notice once, as
    the notice lists it, oldest overdue deadline first; the same for a unit's and a status's list."""
    whole = {case["number"]: case for case in weekly_notice(scope=org.center, period=PERIOD, now=AFTER)["cases"]}
    listed = [case for page in pages(org, size=2) for case in page]
    assert len(listed) == len(whole) == 7 and {case["number"] for case in listed} == set(whole)
    assert all(case == whole[case["number"]] for case in listed)
    assert all(len(page) == 2 for page in pages(org, size=2)[:-1])
    firsts = [min(CaseClock.objects.filter(case__number=case["number"]).values_list("due_at", flat=True))
              for case in listed]
    assert firsts == sorted(firsts)
    for filters in ({"unit_id": org.station.pk}, {"status": "late"}, {"status": "open"}, {"status": "extended"}):
        listed = [case["number"] for page in pages(org, size=1, **filters) for case in page]
        expected = [number for number, case in whole.items()
                    if case["unit_id"] == filters.get("unit_id", case["unit_id"])
                    and case["status"] == filters.get("status", case["status"])]
        assert sorted(listed) == sorted(expected) and len(set(listed)) == len(listed), filters


def test_the_page_lists_fifty_cases_and_links_the_next_page(client, org):
    for i in range(53):
        set_clock(handling(org, f"1370000{i:04d}"), due=date(2026, 11, 2 + i % 5))
    client.force_login(org.supervisor)
    response = client.get("/dashboard/notice/", {"week": WEEK})
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.has_next and response.context["page_total"] == 53
    assert "下一页" in response.content.decode()
    rest = client.get("/dashboard/notice/", {"week": WEEK, "after": page.next_cursor}).context["page"].object_list
    assert len(rest) == 3
    assert not {c["number"] for c in rest} & {c["number"] for c in page.object_list}
