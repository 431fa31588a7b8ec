"""A real Celery worker (a subprocess, Redis broker, the test PostgreSQL database) registers a work
order moments after the API received it, prompted by the create itself rather than the beat entry."""
import pytest

from complaints.models import Case, CaseEvent
from integration import services as integration
from tests.api.payloads import work_order
from tests.celery_support import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_worker_registers_a_received_work_order(hotline, time_limits, celery_worker_process, monkeypatch):
    monkeypatch.setattr(integration, "_last_kick", float("-inf"))
    response = hotline.client.post("/api/v1/cases/", work_order(), format="json")
    assert response.status_code == 201 and response.json()["state"] == "received"
    case = Case.objects.get(number=response.json()["number"])

    registered = wait_for(lambda: Case.objects.get(pk=case.pk).state == Case.State.REGISTERED, timeout=30)
    logs = "\n".join(p.read_text()[-3000:] for p in sorted(celery_worker_process.glob("*.log")))
    assert registered, f"not registered within 30 s; logs:\n{logs}"
    assert CaseEvent.objects.filter(case=case, action="register").count() == 1
    assert "external_cases_register_task" in (celery_worker_process / "worker.log").read_text()
