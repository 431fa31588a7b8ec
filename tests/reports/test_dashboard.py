"""The supervisor dashboard: today's figures, KPIs of SPEC section 8, red lines, charts, drill-down
to the cases behind each figure, scope per center, and a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import services
from deadlines.models import CaseClock
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def dashboard(client, user, **params):
    client.force_login(user)
    return client.get("/dashboard/", params)


def drill(client, metric, **params):
    response = client.get("/dashboard/cases/", {"metric": metric, **params})
    assert response.status_code == 200, response.content[:300]
    return {case.number for case in response.context["page"].object_list}


def make_overdue(case, clock="handling"):
    due_at = timezone.now() - timedelta(hours=2)
    CaseClock.objects.filter(case=case, clock=clock, stopped_at__isnull=True).update(
        due_at=due_at, due_date=timezone.localdate(due_at), warn_at=due_at - timedelta(days=1)
    )


def test_today_figures_and_units_with_drill_down(client, org):
    queued = journeys.to_registered(org)
    handling = journeys.to_handling(org)
    late = journeys.to_handling(org)
    make_overdue(late)
    response = dashboard(client, org.supervisor)
    assert response.status_code == 200
    today = response.context["today"]
    assert today["intake_today"] == 3 and today["queue"] == 1 and today["open"] == 3 and today["overdue"] == 1
    assert drill(client, "queue") == {queued.number}
    assert drill(client, "overdue") == {late.number}
    assert drill(client, "open") == {queued.number, handling.number, late.number}
    row = response.context["units"][0]
    assert row["handling_unit__name"] == org.station.name and row["open"] == 2 and row["overdue"] == 1
    page = response.content.decode()
    assert "各单位在办情况" in page and "三条红线" in page and "vendor/echarts/echarts.min.js" in page


def test_kpis_contact_completion_satisfaction_resolution(client, org):
    good = journeys.to_archived(org)  # contacted and replied in time, satisfied and resolved
    unhappy = journeys.to_approved(org)
    services.case_follow_up(case=unhappy, by=org.supervisor, satisfaction="dissatisfied", resolved=False)
    late = journeys.to_handling(org, contacted=False)
    make_overdue(late, "contact")
    make_overdue(late, "handling")
    # The contact KPI counts deadlines falling in the period: the on-time ones fall in the coming days.
    period = {"end": (timezone.localdate() + timedelta(days=15)).isoformat()}
    kpi = dashboard(client, org.supervisor, **period).context["kpi"]
    # contact: good and unhappy on time, late not contacted past its deadline
    assert (kpi["contact_on_time"], kpi["contact_due"]) == (2, 3)
    assert (kpi["completion_on_time"], kpi["completion_due"]) == (2, 3)
    assert kpi["satisfaction_rate"] == 50.0 and kpi["resolution_rate"] == 50.0
    assert kpi["dissatisfied"] == 1 and kpi["overdue_in_period"] == 1
    assert drill(client, "contact_late", **period) == {late.number}
    assert drill(client, "contact_due", **period) == {good.number, unhappy.number, late.number}
    assert drill(client, "completion_late", **period) == {late.number}
    assert drill(client, "dissatisfied", **period) == {unhappy.number}
    assert drill(client, "satisfied", **period) == {good.number}
    assert drill(client, "overdue_in_period", **period) == {late.number}
    # Ending today, the on-time contact deadlines (due in the coming days) are not yet counted.
    assert dashboard(client, org.supervisor).context["kpi"]["contact_due"] == 1


def test_repeat_cases_are_a_red_line(client, org):
    journeys.to_registered(org)
    repeat = journeys.to_registered(org)  # same complainant, respondent and matter: detected at registration
    journeys.to_registered(org, complainant_phone="13900139000")
    assert dashboard(client, org.supervisor).context["kpi"]["repeat"] == 1
    assert drill(client, "repeat") == {repeat.number}


def test_charts_data_and_their_drill_down(client, org):
    from tests.factories import CategoryFactory

    food = CategoryFactory(code="01", name="食品")
    dining = CategoryFactory(code="0101", name="餐饮服务", parent=food)
    case = journeys.to_dispatched(org, category=dining)
    journeys.to_registered(org)
    charts = dashboard(client, org.supervisor).context["charts"]
    assert sum(charts["trend"]["y"]) == 2
    assert charts["category"] == [{"name": "食品", "value": 1, "id": food.pk}]
    assert charts["unit"]["x"] == [org.station.name] and charts["unit"]["y"] == [1]
    assert drill(client, "category", value=food.pk) == {case.number}
    assert drill(client, "unit", value=org.station.pk) == {case.number}
    assert len(charts["trend"]["x"]) == 30 and charts["trend"]["y"][-1] == 2  # every day, zeros included
    assert len(drill(client, "day", value=charts["trend"]["x"][-1])) == 2
    assert drill(client, "day", value=charts["trend"]["x"][0]) == set()


def test_filters_by_unit_category_and_period(client, org):
    mine = journeys.to_dispatched(org)
    services.case_dispatch(case=journeys.to_registered(org), unit=org.far_station, by=org.supervisor)
    response = dashboard(client, org.supervisor, unit=org.district.pk)
    assert response.context["kpi"]["received"] == 1
    assert drill(client, "received", unit=org.district.pk) == {mine.number}
    old = (timezone.localdate() - timedelta(days=60)).isoformat()
    older = (timezone.localdate() - timedelta(days=40)).isoformat()
    assert dashboard(client, org.supervisor, start=old, end=older).context["kpi"]["received"] == 0


def test_bad_period_shows_the_field_error(client, org):
    response = dashboard(client, org.supervisor, start="2026-11-20", end="2026-11-01")
    assert response.status_code == 400
    assert "开始日期不能晚于结束日期" in response.content.decode()


def test_district_center_sees_only_its_units(client, org):
    journeys.to_dispatched(org)
    far = services.case_dispatch(case=journeys.to_registered(org), unit=org.far_station, by=org.supervisor)
    response = dashboard(client, org.district_supervisor)
    assert response.status_code == 200
    assert response.context["kpi"]["received"] == 1
    assert far.number not in drill(client, "received")


def test_units_may_not_open_the_dashboard(client, org):
    assert dashboard(client, org.handler).status_code == 403
    assert client.get("/dashboard/cases/", {"metric": "open"}).status_code == 403


def test_unknown_metric_is_404(client, org):
    client.force_login(org.supervisor)
    assert client.get("/dashboard/cases/", {"metric": "nonsense"}).status_code == 404


def test_empty_dashboard_has_empty_states(client, org):
    page = dashboard(client, org.supervisor).content.decode()
    assert "该期间没有登记工单" in page and "各单位暂无在办工单" in page and "期间无数据" in page


def test_dashboard_query_count_does_not_grow_with_data(client, org):
    journeys.to_archived(org)
    client.force_login(org.supervisor)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    for _ in range(4):
        journeys.to_handling(org)
        services.case_dispatch(case=journeys.to_registered(org), unit=org.far_station, by=org.supervisor)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dashboard/").status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    # The sampled follow-ups of the live part are read first (reports.selectors._cases_in_period), and the
    # statutory clock figures apart from the others (selectors_rollups._clock_aggregates).
    assert len(many) <= 22


def test_average_handling_time_in_working_days_and_open_ledger_items(client, org):
    from datetime import datetime
    from unittest import mock
    from zoneinfo import ZoneInfo

    from complaints import services
    from supervision.models import RedLineItem

    def at(*args):
        return mock.patch("django.utils.timezone.now", return_value=datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai")))

    with at(2026, 9, 30, 9):  # dispatched on the eve of National Day
        case = journeys.to_handling(org)
    with at(2026, 10, 9, 15):  # 2 working days later: 10-08 and 10-09
        services.case_reply(case=case, by=org.handler, text="经调查,商家已同意退款,投诉人无异议。")
    RedLineItem.objects.create(case=case, reason="overdue", opened_at=case.replied_at, month=date(2026, 10, 1))

    client.force_login(org.supervisor)
    response = client.get("/dashboard/", {"start": "2026-10-01", "end": "2026-10-31"})
    assert response.context["kpi"]["average_handling_days"] == 2.0
    assert response.context["kpi"]["ledger_open"] == 1
    assert 'id="fig-ledger-open">1<' in response.content.decode()
