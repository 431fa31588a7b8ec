"""The dispatch forms on a case page offer only units the acting unit may dispatch to, and an action
that takes the case out of the unit's sight lands on the inbox rather than on a 404."""
import pytest

from complaints import services
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def to_district(org):
    return services.case_dispatch(case=journeys.to_registered(org), unit=org.district, by=org.supervisor)


def options(page: str, select_name: str) -> str:
    start = page.index(f'name="{select_name}"')
    return page[start:page.index("</select>", start)]


def test_district_center_is_offered_only_its_own_units_to_redispatch_to(client, org):
    case = to_district(org)
    client.force_login(org.district_supervisor)
    choices = options(client.get(f"/cases/{case.number}/").content.decode(), "redispatch-unit")
    assert org.station.name in choices and org.other_station.name in choices
    for foreign in (org.far_station, org.far_district, org.center, org.district, org.external):
        assert foreign.name not in choices


def test_center_is_offered_every_internal_unit_to_dispatch_to(client, org):
    case = journeys.to_registered(org)
    client.force_login(org.supervisor)
    choices = options(client.get(f"/cases/{case.number}/").content.decode(), "dispatch-unit")
    assert org.far_station.name in choices and org.district.name in choices
    assert org.external.name not in choices


def test_redispatch_to_another_districts_unit_is_a_field_error_not_a_403(client, org):
    case = to_district(org)
    client.force_login(org.district_supervisor)
    response = client.post(f"/cases/{case.number}/act/redispatch/", {
        "version": case.version, "redispatch-unit": org.far_station.pk})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.handling_unit == org.district


def test_returning_a_case_lands_on_the_inbox_not_on_a_404(client, org):
    case = journeys.to_dispatched(org)
    client.force_login(org.handler)
    response = client.post(f"/cases/{case.number}/act/return/", {
        "version": case.version, "return-reason": "非本所管辖"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/inbox/"
    assert "操作成功" in response.content.decode()


def test_a_declined_case_says_it_was_never_dispatched_instead_of_an_empty_card(client, org):
    case = journeys.to_declined(org)
    client.force_login(org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    routing = page[page.index('id="routing"'):]
    assert "未分流" in routing[:routing.index("</section>")]
    dispatched = journeys.to_dispatched(org, respondent_name="另一家店")
    assert 'id="routing-empty"' not in client.get(f"/cases/{dispatched.number}/").content.decode()


@pytest.mark.parametrize("url", ["/cases/queue/", "/cases/", "/notifications/", "/supervision/red-lines/"])
def test_list_cells_carry_their_column_name_for_the_phone_layout(client, org, url):
    # At phone width the table head is hidden; each cell shows its column name from data-label.
    import re

    services.case_return(case=journeys.to_dispatched(org), by=org.handler, reason="非本所管辖")
    journeys.to_registered(org)  # the same matter again: a repeat, on the red-line ledger
    client.force_login(org.handler if url == "/notifications/" else org.supervisor)
    page = client.get(url).content.decode()
    body = page[page.index("<tbody>"):]
    body = body[:body.index("</tbody>")]
    assert "data-label" in body
    for bare in re.finditer(r"<td>", body):  # only a checkbox cell may go without a name
        assert re.match(r"<td>\s*(<input type=\"checkbox\"|</td>)", body[bare.start():]), body[bare.start():][:80]
