import pytest

from complaints.models import CaseEvent
from complaints.models.events import AppendOnlyError
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def test_history_rows_cannot_be_changed_or_deleted(org):
    case = journeys.to_dispatched(org)
    event = case.events.first()
    event.note = "篡改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=case).update(note="篡改")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=case).delete()
    assert not CaseEvent.objects.filter(note="篡改").exists()


def test_history_says_who_did_what_from_which_unit(org):
    case = journeys.to_dispatched(org)
    dispatch = case.events.get(action="dispatch")
    assert dispatch.actor == org.supervisor
    assert dispatch.actor_unit == org.center
    assert (dispatch.source_state, dispatch.target_state) == ("registered", "dispatched")
    assert dispatch.data["unit_name"] == org.station.name


def test_admin_offers_no_way_to_edit_history(org, admin_client):
    case = journeys.to_dispatched(org)
    event = case.events.first()
    assert admin_client.get(f"/admin/complaints/caseevent/{event.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/complaints/caseevent/{event.pk}/change/", {"note": "x"})
    assert response.status_code == 403
    assert admin_client.get("/admin/complaints/caseevent/add/").status_code == 403


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_history_even_in_raw_sql(org):
    from django.db import DatabaseError, connection, transaction

    case = journeys.to_dispatched(org)
    for statement in ("UPDATE complaints_caseevent SET note = 'x' WHERE case_id = %s",
                      "DELETE FROM complaints_caseevent WHERE case_id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [case.pk])
    assert case.events.count() == 3
