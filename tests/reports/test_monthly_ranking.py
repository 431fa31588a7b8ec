"""The monthly unit ranking (月度排名): each unit's KPIs as the dashboard defines them, the composite
score from the center's weights (admin), ranks and their change against last month, drill-down,
scope and access, the Excel export and a constant number of queries."""

from datetime import date, datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from complaints import services
from complaints.models import Case
from deadlines.models import CaseClock
from deadlines.workdays import SHANGHAI, end_of_day
from reports.models import RankingWeights, ReportSnapshot
from reports.periods import month_parse
from reports.selectors_ranking import monthly_ranking
from tests.complaints import journeys
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONTH = "2026-08"  # no holidays: working days are Monday to Friday
PERIOD = month_parse(MONTH)
AFTER = datetime(2026, 9, 2, 8, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 8, day, hour, 0, tzinfo=SHANGHAI)


def august_case(org, phone, *, unit=None, replied: int | None = 5, satisfaction="", resolved=None):
    """Dispatched on Monday 3 August, contacted on the 4th (due the 5th), handling due Friday the 14th;
    replied on `replied` (None: still in handling) and followed up on the 25th if a satisfaction is given."""
    case = journeys.to_registered(org, complainant_phone=phone)
    unit = unit or org.station
    case = services.case_dispatch(case=case, unit=unit, by=org.supervisor)
    handler = {org.station: org.handler, org.other_station: org.other_handler, org.far_station: org.far_handler}[unit]
    case = services.case_accept(case=case, by=handler)
    services.case_record_contact(case=case, by=handler, means="phone", content="已联系")
    CaseClock.objects.filter(case=case, clock="contact").update(
        due_at=end_of_day(date(2026, 8, 5)), due_date=date(2026, 8, 5), stopped_at=at(4))
    CaseClock.objects.filter(case=case, clock="handling").update(
        due_at=end_of_day(date(2026, 8, 14)), due_date=date(2026, 8, 14), stopped_at=at(replied) if replied else None)
    fields = {"dispatched_at": at(3), "replied_at": at(replied) if replied else None}
    if satisfaction:
        fields.update(followed_up_at=at(25), satisfaction=satisfaction, resolved=resolved)
    Case.objects.filter(pk=case.pk).update(**fields)
    return case


@pytest.fixture
def august(org):
    """Station: two cases done well. Other station: one late and dissatisfied. Far station: one overdue."""
    return {
        "good": [august_case(org, f"1380000000{i}", satisfaction="satisfied", resolved=True) for i in range(2)],
        "late": august_case(org, "13800000010", unit=org.other_station, replied=20, satisfaction="dissatisfied",
                            resolved=False),
        "fine": august_case(org, "13800000011", unit=org.other_station, satisfaction="satisfied", resolved=True),
        "overdue": august_case(org, "13800000020", unit=org.far_station, replied=None),
    }


def rows_by_unit(data):
    return {row["unit_name"]: row for row in data["units"]}


def test_each_units_figures_and_composite_rank(org, august):
    data = monthly_ranking(scope=org.center, period=PERIOD, now=AFTER, weights=RankingWeights.current().as_dict())
    rows = rows_by_unit(data)
    station, other, far = rows[org.station.name], rows[org.other_station.name], rows[org.far_station.name]
    assert (station["volume"], station["completion_rate"], station["contact_rate"], station["satisfaction_rate"],
            station["resolution_rate"], station["average_handling_days"], station["overdue"]) == \
        (2, 100.0, 100.0, 100.0, 100.0, 2.0, 0)
    assert (other["volume"], other["completion_rate"], other["satisfaction_rate"], other["resolution_rate"],
            other["average_handling_days"], other["overdue"]) == (2, 50.0, 50.0, 50.0, 7.5, 1)
    assert (far["volume"], far["completion_rate"], far["contact_rate"], far["satisfaction_rate"],
            far["average_handling_days"], far["overdue"]) == (1, 0.0, 100.0, None, None, 1)
    # Default weights 10/25/15/20/15/5/10: see RankingWeights; the far station's missing rates are left out.
    assert (station["score"], other["score"], far["score"]) == (100.0, 55.0, 33.3)
    assert [row["unit_name"] for row in data["units"]] == [org.station.name, org.other_station.name, org.far_station.name]
    assert [row["rank"] for row in data["units"]] == [1, 2, 3]


def test_weights_come_from_the_admin(client, org, august):
    admin = UserFactory(username="root", unit=None, role="", is_staff=True, is_superuser=True)
    client.force_login(admin)
    weights = RankingWeights.current()
    form = {name: 0 for name in RankingWeights.INDICATORS} | {"volume": 1}
    response = client.post(f"/admin/reports/rankingweights/{weights.pk}/change/", form)
    assert response.status_code == 302
    data = monthly_ranking(scope=org.center, period=PERIOD, now=AFTER, weights=RankingWeights.current().as_dict())
    rows = rows_by_unit(data)
    # Volume alone: the two stations with two cases share first place, the far one is third.
    assert (rows[org.station.name]["rank"], rows[org.other_station.name]["rank"], rows[org.far_station.name]["rank"]) \
        == (1, 1, 3)
    response = client.post(f"/admin/reports/rankingweights/{weights.pk}/change/",
                           {name: 0 for name in RankingWeights.INDICATORS})
    assert response.status_code == 200 and "至少有一项指标的权重大于0" in response.content.decode()


def test_rank_change_against_last_months_published_ranking(org, august):
    ReportSnapshot.objects.create(
        kind=ReportSnapshot.Kind.MONTHLY_RANKING, period_start=date(2026, 7, 1), period_end=date(2026, 7, 31),
        scope=org.center, created_at=AFTER,
        data={"units": [{"unit_id": org.far_station.pk, "rank": 1}, {"unit_id": org.station.pk, "rank": 2}]})
    rows = rows_by_unit(monthly_ranking(scope=org.center, period=PERIOD, now=AFTER,
                                        weights=RankingWeights.current().as_dict()))
    assert (rows[org.station.name]["previous_rank"], rows[org.station.name]["rank_change"]) == (2, 1)
    assert (rows[org.far_station.name]["previous_rank"], rows[org.far_station.name]["rank_change"]) == (1, -2)
    assert (rows[org.other_station.name]["previous_rank"], rows[org.other_station.name]["rank_change"]) == (None, None)


def test_rank_change_computed_when_last_month_was_not_published(org, august):
    july = august_case(org, "13800000030", unit=org.far_station)
    Case.objects.filter(pk=july.pk).update(dispatched_at=datetime(2026, 7, 6, 10, tzinfo=SHANGHAI))
    rows = rows_by_unit(monthly_ranking(scope=org.center, period=PERIOD, now=AFTER,
                                        weights=RankingWeights.current().as_dict()))
    # In July only the far station had a case dispatched: it was first then.
    assert rows[org.far_station.name]["previous_rank"] == 1 and rows[org.far_station.name]["rank_change"] == -2


def test_counts_drill_down_to_their_cases(client, org, august):
    client.force_login(org.supervisor)
    page = client.get("/dashboard/ranking/", {"month": MONTH})
    assert page.status_code == 200
    other = next(row for row in page.context["data"]["units"] if row["unit_id"] == org.other_station.pk)
    late = client.get(other["drill"]["completion_late"])
    assert [case.number for case in late.context["page"].object_list] == [august["late"].number]
    volume = client.get(other["drill"]["volume"])
    assert {case.number for case in volume.context["page"].object_list} == {august["late"].number,
                                                                            august["fine"].number}
    far = next(row for row in page.context["data"]["units"] if row["unit_id"] == org.far_station.pk)
    assert [c.number for c in client.get(far["drill"]["overdue"]).context["page"].object_list] == \
        [august["overdue"].number]


def test_a_district_center_ranks_only_its_units(client, org, august):
    client.force_login(org.district_supervisor)
    response = client.get("/dashboard/ranking/", {"month": MONTH})
    assert [row["unit_name"] for row in response.context["data"]["units"]] == [org.station.name,
                                                                             org.other_station.name]
    assert client.get("/dashboard/ranking/", {"month": MONTH, "scope": org.center.pk}).status_code == 404
    cases = "/dashboard/ranking/cases/"
    assert client.get(cases, {"month": MONTH, "unit": org.far_station.pk, "metric": "dispatched"}).status_code == 404


def test_handling_units_are_refused(client, org):
    client.force_login(org.handler)
    for url in ("/dashboard/ranking/", "/dashboard/ranking/export/", "/dashboard/ranking/cases/"):
        assert client.get(url).status_code == 403


def test_export_holds_the_pages_rows(client, org, august):
    client.force_login(org.supervisor)
    page = client.get("/dashboard/ranking/", {"month": MONTH})
    response = client.get("/dashboard/ranking/export/", {"month": MONTH})
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["月度排名", "权重"]
    rows = list(book["月度排名"].values)
    assert rows[0][:5] == ("名次", "上月名次", "名次变化", "承办单位", "综合得分")
    assert [row[:7] for row in rows[1:]] == [
        (r["rank"], r["previous_rank"], r["rank_change"], r["unit_name"], r["score"], r["volume"], r["completion_rate"])
        for r in page.context["data"]["units"]]
    assert ("按期办结率权重", 25) in list(book["权重"].values)


def test_constant_queries_per_page(client, org):
    def get():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/dashboard/ranking/", {"month": MONTH}).status_code == 200
        return len(queries)

    client.force_login(org.supervisor)
    august_case(org, "13900000001", satisfaction="satisfied", resolved=True)
    get()
    few = get()
    for i, unit in enumerate([org.other_station, org.far_station, org.station, org.far_station]):
        august_case(org, f"1390000010{i}", unit=unit, replied=20 if i % 2 else 6, satisfaction="dissatisfied",
                    resolved=False)
    assert get() == few
