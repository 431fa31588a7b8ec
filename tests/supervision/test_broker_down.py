"""Nothing is lost when the broker is down: transitions commit without it, and the first sweep that
runs once it is back catches up on every deadline passed meanwhile."""
from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError

from complaints import services
from complaints.models import Case, Notification
from config.celery import app
from deadlines.models import CaseClock
from supervision.models import Escalation
from supervision.tasks import deadlines_sweep_task
from tests.complaints.journeys import to_handling, to_registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    keys = ("broker_url", "broker_connection_retry", "broker_connection_max_retries", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", broker_connection_retry=False,
                    broker_connection_max_retries=0, broker_transport_options={"max_retries": 0})
    _forget_connections()
    yield
    app.conf.update(saved)
    _forget_connections()


def _forget_connections():
    # Celery caches its connection and producer pools; drop them so the broker URL is read again.
    app._pool = None
    app.amqp._producer_pool = None


def test_transitions_commit_and_the_next_sweep_catches_up(org, broker_down, django_capture_on_commit_callbacks):
    # Beat cannot hand the sweep to a worker while the broker is down ...
    with pytest.raises(OperationalError):
        deadlines_sweep_task.apply_async(retry=False)

    # ... but intake and transitions still commit, with their clocks stored on the rows.
    with django_capture_on_commit_callbacks(execute=True):
        handling = to_handling(org)
        waiting = to_registered(org, complainant_phone="13900000001")
        services.case_dispatch(case=waiting, unit=org.other_station, by=org.supervisor)
    assert Case.objects.get(pk=handling.pk).state == Case.State.HANDLING
    assert Case.objects.get(pk=waiting.pk).state == Case.State.DISPATCHED

    # Days pass with no sweep; the first one afterwards (run here as the worker would) sees all.
    latest_due = CaseClock.objects.filter(stopped_at__isnull=True, clock="handling").order_by("-due_at")[0].due_at
    deadlines_sweep_task.apply(kwargs={"now": (latest_due + timedelta(days=4)).isoformat()}).get()

    for case in (handling, waiting):
        handling_clock = case.clocks.get(clock="handling")
        assert sorted(Escalation.objects.filter(clock=handling_clock).values_list("level", flat=True)) == [1, 2, 3]
        assert Notification.objects.filter(case=case, kind=Notification.Kind.SUPERVISION_ORDER).exists()
    # the contact clock of the case nobody accepted is caught up too
    assert Escalation.objects.filter(case=waiting, clock__clock="contact", level=1).exists()
