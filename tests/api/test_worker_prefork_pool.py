"""The worker as production runs it (prefork, two child processes) with Django's PostgreSQL
connection pool: a pool opened in one process must never be used by another, so each child has
its own, and a burst of work orders, then a second one after the first was done, is registered
whole, with no pool timeout and no connection error in the worker's log."""
import pytest

from complaints.models import Case, CaseEvent
from integration import services as integration
from tests.api.payloads import work_order
from tests.celery_support import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BURST = 12


def _burst(hotline, monkeypatch, *, start: int) -> list[int]:
    pks = []
    for n in range(start, start + BURST):
        # Each create asks the worker afresh, so the burst is many tasks shared by both children.
        monkeypatch.setattr(integration, "_last_kick", float("-inf"))
        response = hotline.client.post("/api/v1/cases/", work_order(f"GD-2026-{n:04d}", complainant_phone=f"139{n:08d}"),
                                       format="json")
        assert response.status_code == 201, response.content
        pks.append(Case.objects.get(number=response.json()["number"]).pk)
    return pks


def _all_registered(pks: list[int]) -> bool:
    return Case.objects.filter(pk__in=pks, state=Case.State.REGISTERED).count() == len(pks)


def test_a_prefork_worker_with_pooled_connections_registers_every_burst(
        hotline, time_limits, celery_prefork_worker_process, monkeypatch):
    log = celery_prefork_worker_process / "worker.log"
    first = _burst(hotline, monkeypatch, start=1)
    assert wait_for(lambda: _all_registered(first), timeout=60), log.read_text()[-4000:]

    # The children have closed and reopened their pools between tasks: a second burst still works.
    second = _burst(hotline, monkeypatch, start=101)
    assert wait_for(lambda: _all_registered(second), timeout=60), log.read_text()[-4000:]

    text = log.read_text()
    assert "prefork" in text  # the worker's banner: the children really are forked processes
    for failure in ("PoolTimeout", "OperationalError", "InterfaceError", "Traceback"):
        assert failure not in text, text[-4000:]
    registered = CaseEvent.objects.filter(case_id__in=first + second, action="register")
    assert registered.count() == 2 * BURST  # each case once, though both children looked for work
