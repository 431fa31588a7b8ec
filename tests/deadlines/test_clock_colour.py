"""One rule colours a clock (deadlines.selectors.clock_colour): the case page's two panels, the inbox,
the API and the database filters all agree, whether or not the sweep has run since."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from deadlines.models import CaseClock
from deadlines.selectors import NONE, RED, YELLOW, clock_colour, clocks_coloured
from supervision.sweep import deadlines_sweep
from tests.complaints import journeys

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=SH)


def clock(**fields) -> CaseClock:
    values = {"started_at": NOW - timedelta(days=5), "due_at": NOW + timedelta(days=2),
              "warn_at": NOW + timedelta(days=1)} | fields
    return CaseClock(clock="handling", limit_amount=10, limit_unit="working_days", **values)


# --- the rule, without a database -------------------------------------------------------------------


def test_a_running_clock_is_none_then_yellow_at_warn_at_then_red_at_due_at():
    running = clock()
    assert clock_colour(running, now=NOW) == NONE
    assert clock_colour(running, now=running.warn_at) == YELLOW
    assert clock_colour(running, now=running.due_at - timedelta(seconds=1)) == YELLOW
    assert clock_colour(running, now=running.due_at) == RED


def test_paused_stopped_and_pending_clocks_have_no_colour():
    late = NOW + timedelta(days=30)
    assert clock_colour(clock(paused_at=NOW), now=late) == NONE
    assert clock_colour(clock(stopped_at=NOW), now=late) == NONE
    assert clock_colour(clock(due_at=None, warn_at=None), now=late) == NONE


def test_the_sweeps_stored_flag_does_not_decide_the_colour():
    assert clock_colour(clock(warning="red"), now=NOW) == NONE
    assert clock_colour(clock(warning="none", due_at=NOW - timedelta(hours=1)), now=NOW) == RED


# --- every place that shows it --------------------------------------------------------------------


def panel_colours(page: str, section: str) -> dict[str, str]:
    """Clock kind → colour of the clock rows in one panel of the case page (the running clocks)."""
    html = re.search(rf'<section class="card" id="{section}">(.*?)</section>', page, re.S).group(1)
    rows = re.findall(r'<tr class="(?:clock-(\w+))?[^"]*" data-clock="(\w+)" data-colour="(\w+)"', html)
    return {kind: colour for status, kind, colour in rows if status in ("", "running", "overdue", "paused", "pending")}


def case_page(client, user, case) -> str:
    client.force_login(user)
    return client.get(f"/cases/{case.number}/").content.decode()


@pytest.mark.django_db
def test_a_clock_past_warn_at_before_the_sweep_is_yellow_in_both_panels(client, org):
    case = journeys.to_handling(org)
    now = timezone.now()
    CaseClock.objects.filter(case=case, clock="handling").update(warn_at=now - timedelta(minutes=5),
                                                                  due_at=now + timedelta(hours=6))
    assert CaseClock.objects.get(case=case, clock="handling").warning == "none"  # no sweep yet

    page = case_page(client, org.supervisor, case)
    deadlines_panel, supervision_panel = panel_colours(page, "deadlines"), panel_colours(page, "supervision")
    assert deadlines_panel["handling"] == supervision_panel["handling"] == YELLOW
    assert deadlines_panel == supervision_panel
    assert "临期（黄）" in page and "即将到期" in page


@pytest.mark.django_db
def test_a_flag_the_sweep_left_behind_does_not_colour_the_supervision_panel(client, org):
    case = journeys.to_handling(org)
    handling = CaseClock.objects.get(case=case, clock="handling")
    # Swept as of its deadline: the stored flag says red, but the deadline is still days away.
    deadlines_sweep(now=handling.due_at + timedelta(minutes=1))
    assert CaseClock.objects.get(pk=handling.pk).warning == "red"

    page = case_page(client, org.supervisor, case)
    expected = clock_colour(handling, now=timezone.now())
    assert expected != RED
    deadlines_panel, supervision_panel = panel_colours(page, "deadlines"), panel_colours(page, "supervision")
    assert deadlines_panel["handling"] == supervision_panel["handling"] == expected
    assert deadlines_panel == supervision_panel


@pytest.mark.django_db
def test_the_inbox_the_api_and_the_filters_give_the_same_colour(client, org):
    from rest_framework.test import APIClient

    yellow_case, red_case = journeys.to_handling(org), journeys.to_handling(org, contacted=False)
    now = timezone.now()
    CaseClock.objects.filter(case=yellow_case, clock="handling").update(warn_at=now - timedelta(minutes=1),
                                                                         due_at=now + timedelta(hours=2))
    CaseClock.objects.filter(case=red_case, clock="contact").update(warn_at=now - timedelta(days=1),
                                                                     due_at=now - timedelta(minutes=1))

    client.force_login(org.handler)
    rows = {row.case.number: row.deadline.colour for row in client.get("/inbox/").context["rows"]}
    assert rows[yellow_case.number] == YELLOW and rows[red_case.number] == RED

    api = APIClient()
    api.force_authenticate(org.handler)
    for case, kind, colour in ((yellow_case, "handling", YELLOW), (red_case, "contact", RED)):
        clocks = {c["clock"]: c for c in api.get(f"/api/v1/cases/{case.number}/").json()["clocks"]}
        assert clocks[kind]["colour"] == colour
        assert clocks[kind]["status"] == ("overdue" if colour == RED else "running")

    everything = list(CaseClock.objects.all())
    at = timezone.now()
    for colour in (YELLOW, RED):
        filtered = set(CaseClock.objects.filter(clocks_coloured(colour, now=at)).values_list("pk", flat=True))
        assert filtered == {c.pk for c in everything if clock_colour(c, now=at) == colour}
