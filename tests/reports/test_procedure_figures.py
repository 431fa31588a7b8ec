"""The statutory track's figures (受理率, acceptance decisions on time, 调解成功率, amount recovered,
立案率, report decisions on time) on the dashboard, the unit KPIs and the monthly ranking, each
opening the cases behind it."""
from datetime import date

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import StatutoryGround
from reports import selectors
from reports.metrics import METRICS
from reports.selectors_ranking import unit_ranking
from tests.complaints import journeys
from tests.complaints.procedure_support import REPORT, accepted_complaint, at, ground
from tests.reports.test_dashboard import drill, make_overdue

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(org):
    """June's statutory work at the station: two complaints mediated (one agreement of 1,500 yuan,
    one terminated), one refused, one report opened, one not opened, one report left overdue."""
    with at(2026, 6, 10, 10, 0):
        agreed = accepted_complaint(org)
        services.case_mediation_record(case=agreed, by=org.handler, outcome="agreement", amount_recovered="1500",
                                       agreement_text="商家退还预付款1500元")
        terminated = accepted_complaint(org)
        services.case_mediation_record(case=terminated, by=org.handler, outcome="terminated",
                                       ground=ground(terminated, StatutoryGround.Track.MEDIATION_END, "party_absent"))
        refused = journeys.to_dispatched(org)
        services.case_refuse_acceptance(case=refused, by=org.handler,
                                        ground=ground(refused, StatutoryGround.Track.NOT_ACCEPT, "out_of_remit"))
        opened = journeys.to_dispatched(org, **REPORT)
        services.case_report_decide(case=opened, by=org.handler, opened=True)
        not_opened = journeys.to_dispatched(org, **{**REPORT, "complainant_phone": "13600136000"})
        services.case_report_decide(case=not_opened, by=org.handler, opened=False, ground=ground(
            not_opened, StatutoryGround.Track.REPORT_NOT_OPEN, "minor_corrected"))
        waiting = journeys.to_dispatched(org, **{**REPORT, "complainant_phone": "13500135000"})
    with at(2026, 6, 29, 10, 0):
        make_overdue(waiting, "statutory_report_decision")
    return {"agreed": agreed, "refused": refused, "opened": opened, "waiting": waiting}


JUNE = {"start": "2026-06-01", "end": "2026-06-30"}


def test_the_dashboard_shows_the_statutory_figures_and_their_cases(client, org, decided):
    client.force_login(org.supervisor)
    with at(2026, 6, 29, 12, 0):
        response = client.get("/dashboard/", JUNE)
        kpi = response.context["kpi"]
        assert (kpi["acceptance_decided"], kpi["accepted"], kpi["acceptance_rate"]) == (3, 2, 66.7)
        assert (kpi["acceptance_due"], kpi["acceptance_on_time"], kpi["acceptance_on_time_rate"]) == (3, 3, 100.0)
        assert (kpi["mediation_ended"], kpi["mediation_agreed"], kpi["mediation_success_rate"]) == (2, 1, 50.0)
        assert kpi["amount_recovered"] == 1500.0
        assert (kpi["report_decided"], kpi["report_opened"], kpi["report_opening_rate"]) == (2, 1, 50.0)
        # The report left without a decision past its clock counts against the on-time rate.
        assert (kpi["report_decision_due"], kpi["report_decision_on_time"]) == (3, 2)
        page = response.content.decode()
        assert 'id="kpi-acceptance"' in page and "调解成功率" in page and 'id="fig-amount-recovered"' in page

        for name in ("acceptance_decided", "accepted", "mediation_ended", "mediation_agreed", "report_decided",
                     "report_opened", "acceptance_due", "acceptance_on_time", "report_decision_due",
                     "report_decision_on_time"):
            assert len(drill(client, name, **JUNE)) == kpi[name], name
        assert drill(client, "amount_recovered", **JUNE) == {decided["agreed"].number}
        assert decided["waiting"].number in drill(client, "report_decision_due", **JUNE)
        assert decided["waiting"].number not in drill(client, "report_decision_on_time", **JUNE)
    assert METRICS["amount_recovered"].total == "amount_recovered"


def test_the_monthly_ranking_carries_the_statutory_figures_per_unit(client, org, decided):
    period = selectors.Period(start=date(2026, 6, 1), end=date(2026, 6, 30))
    with at(2026, 6, 29, 12, 0):
        rows = unit_ranking(scope=org.center, period=period, now=timezone.now(), weights={"volume": 10})
    station = next(row for row in rows if row["unit_id"] == org.station.pk)
    assert (station["acceptance_rate"], station["mediation_success_rate"], station["report_opening_rate"]) == (
        66.7, 50.0, 50.0)
    assert station["amount_recovered"] == 1500.0
    client.force_login(org.supervisor)
    with at(2026, 7, 1, 9, 0):
        page = client.get("/dashboard/ranking/", {"month": "2026-06", "scope": org.center.pk}).content.decode()
    assert "受理率" in page and "立案率" in page and "metric=mediation_agreed" in page
