"""Every figure of the registry (reports/metrics.py) counts exactly the cases its drill-down lists:
a supervisor who clicks a number finds that many cases behind it."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import Case
from deadlines.models import CaseClock
from deadlines.workdays import local_date
from reports import selectors
from reports.metrics import KPI_CASE_METRICS, KPI_CLOCK_METRICS, METRICS, TODAY_METRICS
from tests.complaints import journeys
from tests.reports.test_dashboard import drill, make_overdue

pytestmark = pytest.mark.django_db


@pytest.fixture
def month_of_work(org):
    """A center's month in miniature: archived and satisfied, dissatisfied and unresolved, contacted
    late, never contacted and overdue, a repeat complaint, one waiting for dispatch."""
    journeys.to_archived(org)
    unhappy = journeys.to_approved(org)
    services.case_follow_up(case=unhappy, by=org.supervisor, satisfaction="dissatisfied", resolved=False)
    late = journeys.to_handling(org, contacted=False)
    make_overdue(late, "contact")
    make_overdue(late, "handling")
    slow = journeys.to_handling(org, contacted=False)
    CaseClock.objects.filter(case=slow, clock="contact").update(due_at=timezone.now() - timedelta(days=1))
    services.case_record_contact(case=Case.objects.get(pk=slow.pk), by=org.handler, means="phone",
                                 content="已电话联系,投诉人同意等待检测结果")
    journeys.to_registered(org, complainant_phone="13800138000")  # same complainant, same shop: a repeat
    return org


def test_each_figure_counts_the_cases_its_list_shows(client, month_of_work):
    org = month_of_work
    today = local_date(timezone.now())
    period = selectors.Period(start=today - timedelta(days=29), end=today)
    client.force_login(org.supervisor)
    response = client.get("/dashboard/", {"start": period.start.isoformat(), "end": period.end.isoformat()})
    figures = {**response.context["today"], **response.context["kpi"]}
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    checked = 0
    for name in (*TODAY_METRICS, *KPI_CASE_METRICS, *KPI_CLOCK_METRICS):
        if METRICS[name].total:  # a sum (the amount recovered), not a count: tests/reports/test_procedure_figures.py
            continue
        listed = drill(client, name, **params)
        assert len(listed) == figures[name], f"{name}: figure {figures[name]}, list {len(listed)}"
        checked += figures[name] > 0
    assert checked >= 10  # the data gives most figures something to count
    # The late lists are the due lists less the on-time ones, from the same definitions.
    for due, on_time, late in (("contact_due", "contact_on_time", "contact_late"),
                               ("completion_due", "completion_on_time", "completion_late")):
        assert drill(client, late, **params) == drill(client, due, **params) - drill(client, on_time, **params)
        assert len(drill(client, late, **params)) >= 1


def test_every_metric_has_a_title_and_an_unknown_one_is_404(client, org):
    assert all(str(metric.title) for metric in METRICS.values())
    client.force_login(org.supervisor)
    assert client.get("/dashboard/cases/", {"metric": "no_such_figure"}).status_code == 404
