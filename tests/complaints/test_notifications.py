import pytest

from complaints.models import Notification
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def test_dispatch_notifies_the_unit_and_it_can_mark_it_read(client, org, mailoutbox, django_capture_on_commit_callbacks):
    org.handler.email = "handler@example.cn"
    org.handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = journeys.to_dispatched(org)
    note = Notification.objects.get(recipient_unit=org.station)
    assert case.number in note.title
    assert mailoutbox and mailoutbox[0].to == ["handler@example.cn"]

    client.force_login(org.handler)
    page = client.get("/notifications/").content.decode()
    assert case.number in page and 'class="badge">1<' in page
    client.post("/notifications/", {"ids": [note.pk]})
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_other_units_do_not_see_the_notification(client, org):
    journeys.to_dispatched(org)
    client.force_login(org.other_handler)
    assert "待签收" not in client.get("/notifications/").content.decode()
