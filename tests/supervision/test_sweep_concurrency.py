"""Two sweeps at the same moment on PostgreSQL: each escalation step still happens once."""
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from complaints.models import Notification
from supervision.models import Escalation
from supervision.sweep import deadlines_sweep
from tests.complaints.journeys import to_handling
from tests.concurrency import run_together
from tests.factories import time_limits_seed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def time_limits(db):
    time_limits_seed()


def test_parallel_sweeps_issue_each_step_once(org, time_limits):
    cases = [to_handling(org, complainant_phone=f"1380000{n:04d}") for n in range(5)]
    now = max(c.clocks.get(clock="handling").due_at for c in cases) + timedelta(days=5)
    results = run_together(*[lambda: deadlines_sweep(now=now)] * 4)

    assert not [r for r in results if isinstance(r, Exception)], results
    for case in cases:
        clock = case.clocks.get(clock="handling")
        assert sorted(Escalation.objects.filter(clock=clock).values_list("level", flat=True)) == [1, 2, 3]
    orders = Notification.objects.filter(kind=Notification.Kind.SUPERVISION_ORDER, title__contains="办理")
    assert orders.count() == 2 * len(cases)  # unit + leader, once each


def test_the_database_itself_refuses_a_duplicate_step(org, time_limits):
    case = to_handling(org)
    clock = case.clocks.get(clock="handling")
    deadlines_sweep(now=clock.due_at + timedelta(minutes=1))
    step = Escalation.objects.get(clock=clock, level=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(case=case, clock=clock, level=1, unit=step.unit, due_at=step.due_at,
                                  created_at=step.created_at)
