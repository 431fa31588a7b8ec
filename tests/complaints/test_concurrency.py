"""Races on PostgreSQL: two people acting on one case, and many clerks registering at once."""
import pytest
from django_fsm import ConcurrentTransition

from complaints import services
from complaints.models import Case, CaseEvent
from core.errors import TransitionRefused
from tests.complaints import journeys
from tests.concurrency import run_together
from tests.factories import case_fields

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_accepts_one_wins_one_conflicts(org):
    case = journeys.to_dispatched(org)
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)

    results = run_together(
        lambda: services.case_accept(case=first, by=org.handler),
        lambda: services.case_accept(case=second, by=org.leader),
    )

    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, (ConcurrentTransition, TransitionRefused))]
    assert len(winners) == 1 and len(losers) == 1
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.ACCEPT).count() == 1
    assert Case.objects.get(pk=case.pk).state == Case.State.HANDLING


def test_two_concurrent_state_keeping_actions_one_wins(org):
    """Contact and stage reply keep the state; the version still lets only one of them through."""
    case = journeys.to_handling(org)
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)

    results = run_together(
        lambda: services.case_request_extension(case=first, by=org.handler, days=3, reason="检测"),
        lambda: services.case_request_extension(case=second, by=org.leader, days=5, reason="鉴定"),
    )

    assert sum(isinstance(r, ConcurrentTransition) for r in results) == 1
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.REQUEST_EXTENSION).count() == 1
    assert case.extension_requests.count() == 1


def test_concurrent_registrations_get_unique_numbers(org):
    results = run_together(*[
        (lambda: services.case_receive(by=org.clerk, fields=case_fields())[0]) for _ in range(12)
    ])

    assert all(isinstance(r, Case) for r in results), results
    numbers = [r.number for r in results]
    assert len(set(numbers)) == 12
    assert Case.objects.count() == 12
