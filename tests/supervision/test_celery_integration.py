"""A real Celery worker and beat (subprocesses) against Redis and the test PostgreSQL database:
an overdue case is escalated exactly once, however many times beat fires the sweep."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Notification
from deadlines.models import CaseClock
from supervision.models import Escalation
from tests.celery_support import wait_for
from tests.complaints.journeys import to_handling

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

def test_worker_and_beat_escalate_an_overdue_case_exactly_once(org, time_limits, celery_processes):
    case = to_handling(org)
    assert case.clocks.filter(clock="handling").exists()
    past = timezone.now() - timedelta(minutes=5)
    CaseClock.objects.filter(case=case, clock="handling").update(due_at=past, warn_at=past - timedelta(hours=1))

    escalated = wait_for(lambda: Escalation.objects.filter(case=case).exists(), timeout=40)
    logs = "\n".join(p.read_text()[-3000:] for p in sorted(celery_processes.glob("*.log")))
    assert escalated, f"no escalation within 40 s; logs:\n{logs}"

    # Let beat fire the sweep several more times: nothing is issued twice.
    sweeps_done = wait_for(lambda: (celery_processes / "worker.log").read_text().count("succeeded") >= 4,
                            timeout=15)
    assert sweeps_done, (celery_processes / "worker.log").read_text()[-3000:]
    assert list(Escalation.objects.filter(case=case).values_list("clock__clock", "level")) == [("handling", 1)]
    orders = Notification.objects.filter(case=case, kind=Notification.Kind.SUPERVISION_ORDER)
    assert len(orders) == 2
    assert {(n.recipient_unit_id, n.recipient_user_id) for n in orders} == {(org.station.pk, None),
                                                                              (None, org.leader.pk)}
