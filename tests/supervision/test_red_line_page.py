"""The red-line ledger page: a refused closing keeps what was typed, and district centers keep the
ledger and the accountability list of their own units."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints import services
from deadlines.workdays import local_date
from supervision.models import Escalation, RedLineItem
from supervision.redlines import red_line_open
from supervision.services import red_line_close
from supervision.sweep import deadlines_sweep
from tests.complaints.journeys import to_registered

pytestmark = pytest.mark.django_db

LEDGER = f"/supervision/red-lines/?month={local_date(timezone.now()):%Y-%m}"


def dispatched(org, unit, phone: str):
    return services.case_dispatch(case=to_registered(org, complainant_phone=phone, respondent_name=f"商户{phone}"),
                                  unit=unit, by=org.supervisor)


def dissatisfied(org, unit, phone: str) -> RedLineItem:
    """A case handled by `unit` on the ledger for a dissatisfied complainant."""
    case = dispatched(org, unit, phone)
    red_line_open(case=case, reason=RedLineItem.Reason.DISSATISFIED, at=timezone.now())
    return RedLineItem.objects.get(case=case)


def test_an_item_closed_meanwhile_is_refused_beside_the_note_which_is_kept(client, org):
    item = dissatisfied(org, org.station, "13500000001")
    client.force_login(org.supervisor)
    red_line_close(item=item, by=org.district_supervisor, note="区中心已督促整改")  # someone else was quicker

    response = client.post(LEDGER, {"item": item.pk, "note": "已约谈商户,退款到位"})

    assert response.status_code == 400
    page = response.content.decode()
    row = page[page.index(f'id="close-{item.pk}"'):]
    row = row[:row.index("</form>")]
    assert "该事项已销号" in row and 'value="已约谈商户,退款到位"' in row
    item.refresh_from_db()
    assert item.close_note == "区中心已督促整改"


def test_a_blank_note_is_refused_beside_the_field_and_other_rows_stay_empty(client, org):
    item = dissatisfied(org, org.station, "13500000001")
    other = dissatisfied(org, org.other_station, "13500000002")
    client.force_login(org.supervisor)

    response = client.post(LEDGER, {"item": item.pk, "note": "   "})

    assert response.status_code == 400
    form = response.context["failed"]
    assert form.item_pk == item.pk and form["note"].errors == ["请写明销号说明。"]
    page = response.content.decode()
    assert 'data-field="note">请写明销号说明。' in page
    other_row = page[page.index(f'id="close-{other.pk}"'):]
    assert "error-text" not in other_row[:other_row.index("</form>")]
    item.refresh_from_db()
    assert item.closed_at is None


def test_a_district_center_sees_and_closes_the_items_of_its_own_units_only(client, org):
    own = dissatisfied(org, org.station, "13500000001")
    sibling = dissatisfied(org, org.other_station, "13500000002")
    far = dissatisfied(org, org.far_station, "13500000003")
    client.force_login(org.district_supervisor)

    response = client.get(LEDGER)
    assert response.status_code == 200
    page = response.content.decode()
    assert own.case.number in page and sibling.case.number in page and far.case.number not in page
    assert "本月未销号：2" in page

    assert client.post(LEDGER, {"item": far.pk, "note": "越权销号"}).status_code == 404
    far.refresh_from_db()
    assert far.closed_at is None

    client.post(LEDGER, {"item": own.pk, "note": "已约谈承办所并整改"})
    own.refresh_from_db()
    assert own.closed_at is not None and own.closed_by == org.district_supervisor


def test_a_district_center_sees_but_cannot_close_a_case_another_district_handles(client, org):
    # Registered by one of its units, so the case is visible; handled elsewhere, so not its to close.
    case = dispatched(org, org.far_station, "13500000009")
    case.registering_unit = org.station
    case.save(update_fields=["registering_unit"])
    red_line_open(case=case, reason=RedLineItem.Reason.DISSATISFIED, at=timezone.now())
    item = RedLineItem.objects.get(case=case)
    client.force_login(org.district_supervisor)

    page = client.get(LEDGER).content.decode()
    assert case.number in page and f'id="close-{item.pk}"' not in page
    assert client.post(LEDGER, {"item": item.pk, "note": "越权销号"}).status_code == 403
    with pytest.raises(PermissionDenied):
        red_line_close(item=item, by=org.district_supervisor, note="越权销号")
    item.refresh_from_db()
    assert item.closed_at is None


def test_handling_units_get_no_ledger_and_cannot_close(client, org):
    item = dissatisfied(org, org.station, "13500000001")
    client.force_login(org.handler)
    assert client.get(LEDGER).status_code == 403
    assert client.post(LEDGER, {"item": item.pk, "note": "自行销号"}).status_code == 403
    with pytest.raises(PermissionDenied):
        red_line_close(item=item, by=org.handler, note="自行销号")
    item.refresh_from_db()
    assert item.closed_at is None


def test_district_centers_get_the_links_units_do_not(client, org):
    client.force_login(org.district_supervisor)
    nav = client.get("/supervision/").content.decode()
    assert "/supervision/red-lines/" in nav and "/supervision/accountability/" in nav
    assert "/supervision/clusters/" not in nav
    client.force_login(org.handler)
    nav = client.get("/supervision/").content.decode()
    assert "/supervision/red-lines/" not in nav and "/supervision/accountability/" not in nav


def test_a_district_center_is_accountable_for_its_own_units_only(client, org):
    own = services.case_accept(case=dispatched(org, org.station, "13500000001"), by=org.handler)
    far = services.case_accept(case=dispatched(org, org.far_station, "13500000002"), by=org.far_handler)
    deadlines_sweep(now=max(c.clocks.get(clock="handling").due_at for c in (own, far)) + timedelta(minutes=1))
    assert Escalation.objects.filter(unit=org.far_station).exists()
    client.force_login(org.district_supervisor)

    response = client.get("/supervision/accountability/")

    assert response.status_code == 200
    assert [row["unit__name"] for row in response.context["data"]["by_unit"]] == [org.station.name]
    page = response.content.decode()
    assert own.number in page and far.number not in page
