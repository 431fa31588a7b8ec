"""The proposal at registration, the queue, one-click acceptance, override and batch dispatch."""
import pytest

from complaints import services
from complaints.models import Case, CaseEvent
from complaints.services import dispatch_queue
from tests.complaints import journeys
from tests.routing.conftest import rule

pytestmark = pytest.mark.django_db


def test_registration_stores_the_proposal_and_its_reason(world):
    r = rule(area=world.baisha, unit=world.org.station)
    case = journeys.to_registered(world.org, respondent_area=world.village)
    assert case.routing.proposed_unit == world.org.station and case.routing.rule == r
    assert f"规则#{r.pk}" in case.routing.reason


def test_changing_the_area_before_dispatch_recomputes_the_proposal(world):
    rule(area=world.baisha, unit=world.org.station)
    case = journeys.to_registered(world.org, respondent_area=world.baisha)
    services.case_update_details(case=case, by=world.org.clerk, fields={"respondent_area": world.huicheng})
    case.routing.refresh_from_db()
    assert case.routing.proposed_unit == world.org.far_station


def test_queue_shows_proposals_and_cases_no_rule_covers(client, world):
    rule(area=world.baisha, unit=world.org.station)
    covered = journeys.to_registered(world.org, respondent_area=world.baisha)
    unmatched = journeys.to_registered(world.org, respondent_area=None)
    client.force_login(world.org.supervisor)
    page = client.get("/cases/queue/").content.decode()
    assert covered.number in page and unmatched.number in page
    assert "白沙市场监管所" in page and "无匹配规则" in page
    only_unmatched = client.get("/cases/queue/?unmatched=1").content.decode()
    assert unmatched.number in only_unmatched and covered.number not in only_unmatched


def test_handlers_may_not_open_the_queue(client, world):
    client.force_login(world.org.handler)
    assert client.get("/cases/queue/").status_code == 403


def test_center_accepts_the_proposal_with_one_click(client, world):
    rule(area=world.baisha, unit=world.org.station)
    case = journeys.to_registered(world.org, respondent_area=world.baisha)
    client.force_login(world.org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "按建议分流到白沙市场监管所" in page
    client.post(f"/cases/{case.number}/routing/accept/", {"version": case.version})
    case.refresh_from_db()
    assert case.state == Case.State.DISPATCHED and case.handling_unit == world.org.station
    event = case.events.get(action=CaseEvent.Action.DISPATCH)
    assert event.note.startswith("按分流建议") and event.data["unit"] == world.org.station.code


def test_center_may_override_the_proposal(world):
    rule(area=world.baisha, unit=world.org.station)
    case = journeys.to_registered(world.org, respondent_area=world.baisha)
    services.case_dispatch(case=case, unit=world.org.other_station, by=world.org.supervisor)
    assert case.handling_unit == world.org.other_station


def test_a_case_without_proposal_cannot_be_accepted(world):
    case = journeys.to_registered(world.org, respondent_area=None)
    with pytest.raises(Exception, match="无匹配规则"):
        dispatch_queue.case_dispatch_proposed(case=case, by=world.org.supervisor)
    assert case.state == Case.State.REGISTERED


def test_batch_dispatch_sends_each_to_its_proposal_and_reports_the_rest(client, world):
    rule(area=world.baisha, unit=world.org.station)
    rule(area=world.huicheng, unit=world.org.far_station)
    first = journeys.to_registered(world.org, respondent_area=world.baisha)
    second = journeys.to_registered(world.org, respondent_area=world.huicheng)
    urgent = journeys.to_registered(world.org, respondent_area=world.baisha, grade="urgent")
    unmatched = journeys.to_registered(world.org, respondent_area=None)
    client.force_login(world.org.supervisor)
    response = client.post("/cases/queue/dispatch/", {
        "numbers": [first.number, second.number, urgent.number, unmatched.number]}, follow=True)
    page = response.content.decode()
    states = dict(Case.objects.values_list("number", "handling_unit__code"))
    assert states[first.number] == "S0101" and states[second.number] == "S0201"
    assert states[urgent.number] is None and states[unmatched.number] is None
    assert "已分流 2 件" in page
    assert f"{urgent.number} 未分流" in page and f"{unmatched.number} 未分流" in page
    assert "须在工单页指定办理时限" in page  # where the limit can be given


def test_batch_to_one_unit_tells_where_an_urgent_case_gets_its_limit(client, world):
    urgent = journeys.to_registered(world.org, respondent_area=None, grade="urgent")
    client.force_login(world.org.supervisor)
    page = client.post("/cases/queue/dispatch/", {"numbers": [urgent.number], "unit": world.org.station.pk},
                       follow=True).content.decode()
    assert f"{urgent.number} 未分流：紧急、重大工单须在工单页指定办理时限后分流" in page
    assert Case.objects.get(pk=urgent.pk).handling_unit is None


def test_batch_dispatch_to_one_chosen_unit(client, world):
    cases = [journeys.to_registered(world.org, respondent_area=None) for _ in range(3)]
    client.force_login(world.org.supervisor)
    client.post("/cases/queue/dispatch/", {"numbers": [c.number for c in cases], "unit": world.org.district.pk})
    assert set(Case.objects.values_list("handling_unit", flat=True)) == {world.org.district.pk}


def test_the_queue_gives_the_reason_in_the_readers_language(client, world):
    r = rule(area=world.baisha, unit=world.org.station)
    case = journeys.to_registered(world.org, respondent_area=world.village)
    client.force_login(world.org.supervisor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/cases/queue/"})
    page = client.get("/cases/queue/").content.decode()
    assert case.number in page
    assert f"rule #{r.pk}" in page and f"规则#{r.pk}" not in page
    assert f"规则#{r.pk}" in case.routing.reason  # stored in the site's language
