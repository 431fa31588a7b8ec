"""Returns per handling unit (退回统计): counted from the history, each district center its own units,
every count drilling down to the returns behind it, closed to handling units."""
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import services
from complaints.routing_selectors import unit_return_counts
from tests.complaints.journeys import to_registered

pytestmark = pytest.mark.django_db


def returned(org, *, unit, by, reason: str, phone: str = "", case=None, via_district=False):
    """A case dispatched to `unit` (by the center, or through the district center) and returned by it."""
    case = case or to_registered(org, complainant_phone=phone, respondent_name=f"商户{phone}")
    if via_district:
        case = services.case_dispatch(case=case, unit=org.district, by=org.supervisor)
        case = services.case_redispatch(case=case, unit=unit, by=org.district_supervisor)
    else:
        case = services.case_dispatch(case=case, unit=unit, by=org.supervisor)
    return services.case_return(case=case, by=by, reason=reason)


@pytest.fixture
def returns(org):
    """The station returns twice one case the center sent it (back to the center's queue each time,
    the reason once typed with blanks), and three others; its neighbour, a far station and the
    district center itself return one each."""
    twice = returned(org, unit=org.station, by=org.handler, reason="非本所管辖", phone="13600000001")
    returned(org, unit=org.station, by=org.handler, reason=" 非本所管辖 ", case=twice)
    via_district = returned(org, unit=org.station, by=org.handler, reason="地址不在本所辖区",
                            phone="13600000002", via_district=True)
    others = [returned(org, unit=org.station, by=org.handler, reason=reason, phone=f"1360000001{i}")
              for i, reason in enumerate(["属其他部门职责", "经营者已注销"])]
    neighbour = returned(org, unit=org.other_station, by=org.other_handler, reason="非本所管辖", phone="13600000020")
    far = returned(org, unit=org.far_station, by=org.far_handler, reason="不属本区", phone="13600000030")
    by_district = services.case_return(
        case=services.case_dispatch(case=to_registered(org, complainant_phone="13600000040"), unit=org.district,
                                    by=org.supervisor),
        by=org.district_supervisor, reason="不属本区管辖")
    return SimpleNamespace(twice=twice, via_district=via_district, others=others, neighbour=neighbour, far=far,
                           by_district=by_district)


def figures(response) -> dict[str, tuple[int, int]]:
    """Per unit row as shown: unit name → (returns, cases)."""
    assert response.status_code == 200, response.content[:300]
    rows = re.findall(r'<tr id="returns-unit-\d+"><td[^>]*>([^<]+)</td>\s*<td[^>]*><a href="[^"]*" class="count">(\d+)'
                      r'</a></td>\s*<td[^>]*>(\d+)</td>', response.content.decode())
    return {name: (int(n), int(cases)) for name, n, cases in rows}


def listed(response) -> list[tuple[str, bool]]:
    """The returns listed, as (case number, whether it links to the case page)."""
    assert response.status_code == 200, response.content[:300]
    cells = re.findall(r'<td data-label="工单编号">(<a href="/cases/[^"]+">)?(\d+)', response.content.decode())
    return [(number, bool(link)) for link, number in cells]


def drill_links(response) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="(/dashboard/returns/cases/\?[^"]+)"',
                                                              response.content.decode())]


def test_counts_per_unit_match_the_history(client, org, returns):
    client.force_login(org.supervisor)
    response = client.get("/dashboard/returns/")

    assert figures(response) == {org.station.name: (5, 4), org.other_station.name: (1, 1),
                                 org.far_station.name: (1, 1), org.district.name: (1, 1)}
    history = unit_return_counts()
    assert {row["actor_unit_id"]: row["returns"] for row in response.context["rows"]} == history
    assert 'id="returns-total">8<' in response.content.decode()
    # The same reason typed with blanks counts once, most frequent first, at most three per unit.
    station = next(row for row in response.context["rows"] if row["actor_unit_id"] == org.station.pk)
    assert station["reasons"][0] == {"reason": "非本所管辖", "n": 2, "drill": station["reasons"][0]["drill"]}
    assert len(station["reasons"]) == 3 and all(r["n"] == 1 for r in station["reasons"][1:])


def test_the_period_counts_only_returns_made_in_it(client, org, returns):
    client.force_login(org.supervisor)
    past = {"start": (timezone.localdate() - timedelta(days=20)).isoformat(),
            "end": (timezone.localdate() - timedelta(days=1)).isoformat()}
    response = client.get("/dashboard/returns/", past)
    assert figures(response) == {} and "该期间没有退回的工单" in response.content.decode()
    assert listed(client.get("/dashboard/returns/cases/", past)) == []


def test_each_count_drills_down_to_the_returns_behind_it(client, org, returns):
    client.force_login(org.supervisor)
    page = client.get("/dashboard/returns/")
    links = drill_links(page)
    station = next(link for link in links if f"returned_by={org.station.pk}" in link and "reason" not in link)
    reason = next(link for link in links if f"returned_by={org.station.pk}" in link and "reason=" in link)

    shown = listed(client.get(station))
    assert sorted(number for number, _ in shown) == sorted(
        [returns.twice.number] * 2 + [returns.via_district.number] + [case.number for case in returns.others])
    assert all(link for _, link in shown)  # the center opens every case
    by_reason = client.get(reason)
    assert [number for number, _ in listed(by_reason)] == [returns.twice.number] * 2
    assert "非本所管辖" in by_reason.content.decode() and org.station.name in by_reason.content.decode()
    total = client.get(next(link for link in links if "returned_by" not in link))
    assert len(listed(total)) == 8


def test_a_district_center_sees_only_its_own_units(client, org, returns):
    client.force_login(org.district_supervisor)
    response = client.get("/dashboard/returns/")

    assert figures(response) == {org.station.name: (5, 4), org.other_station.name: (1, 1),
                                 org.district.name: (1, 1)}
    page = response.content.decode()
    assert org.far_station.name not in page and 'id="returns-total">7<' in page
    assert listed(client.get("/dashboard/returns/cases/", {"returned_by": org.far_station.pk})) == []
    assert returns.far.number not in client.get("/dashboard/returns/cases/").content.decode()
    # Choosing another district's unit is refused like on the dashboard.
    assert client.get("/dashboard/returns/", {"unit": org.far_station.pk}).status_code == 400

    # Its station's return of a case the center sent is counted and listed, but the case went back to
    # the center's queue: not linked, as the case page would refuse the district.
    shown = dict(listed(client.get("/dashboard/returns/cases/", {"returned_by": org.station.pk})))
    assert shown[returns.twice.number] is False and shown[returns.via_district.number] is True
    assert client.get(f"/cases/{returns.twice.number}/").status_code == 404


def test_the_unit_filter_narrows_to_a_subtree_and_is_kept_in_the_drill_down(client, org, returns):
    client.force_login(org.supervisor)
    response = client.get("/dashboard/returns/", {"unit": org.district.pk})
    assert set(figures(response)) == {org.station.name, org.other_station.name, org.district.name}
    total = next(link for link in drill_links(response) if "returned_by" not in link)
    assert f"unit={org.district.pk}" in total
    assert returns.far.number not in {number for number, _ in listed(client.get(total))}


def test_handling_units_are_refused(client, org, returns):
    client.force_login(org.handler)
    assert client.get("/dashboard/returns/").status_code == 403
    assert client.get("/dashboard/returns/cases/", {"returned_by": org.station.pk}).status_code == 403
    assert "/dashboard/returns/" not in client.get("/supervision/").content.decode()


def test_the_dashboard_and_the_supervision_menu_lead_to_it(client, org):
    client.force_login(org.district_supervisor)
    dashboard = client.get("/dashboard/", {"unit": org.station.pk}).content.decode()
    link = re.search(r'href="([^"]+)" id="returns-link"', dashboard).group(1).replace("&amp;", "&")
    assert link.startswith("/dashboard/returns/?") and f"unit={org.station.pk}" in link
    assert "/dashboard/returns/" in client.get("/supervision/").content.decode()


def test_the_page_costs_the_same_queries_however_many_units_and_reasons(client, org):
    returned(org, unit=org.station, by=org.handler, reason="非本所管辖", phone="13600000001")
    client.force_login(org.supervisor)
    client.get("/dashboard/returns/")
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/returns/")
    for i, (unit, handler) in enumerate([(org.other_station, org.other_handler), (org.far_station, org.far_handler)]):
        for j in range(3):
            returned(org, unit=unit, by=handler, reason=f"理由{j}", phone=f"137000000{i}{j}")
    with CaptureQueriesContext(connection) as many:
        assert len(figures(client.get("/dashboard/returns/"))) == 3
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
