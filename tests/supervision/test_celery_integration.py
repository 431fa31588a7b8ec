"""A real Celery worker and beat (subprocesses) against Redis and the test PostgreSQL database:
an overdue case is escalated exactly once, however many times beat fires the sweep."""
import importlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import CaseClock, Notification
from supervision.models import Escalation
from tests.complaints.journeys import to_handling

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SWEEP_INTERVAL = 1.0


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_processes(tmp_path):
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # no tasks left over from other runs
    env = {**os.environ, "DATABASE_URL": _database_url(), "VAR_DIR": str(tmp_path),
           "SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("worker", "beat")}
    processes = [
        subprocess.Popen([*celery, "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO",
                          "--without-gossip", "--without-mingle", "--without-heartbeat"],
                         cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen([*celery, "beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule")],
                         cwd=ROOT, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT, start_new_session=True),
    ]
    yield tmp_path
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for log in logs.values():
        log.close()


def _wait_for(predicate, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def time_limits(db):
    """The policy rows come from a data migration, which an earlier transactional test may have
    flushed away."""
    from django.apps import apps

    importlib.import_module("supervision.migrations.0002_seed_time_limits").seed(apps, None)


def test_worker_and_beat_escalate_an_overdue_case_exactly_once(org, time_limits, celery_processes):
    case = to_handling(org)
    assert case.clocks.filter(clock="handling").exists()
    past = timezone.now() - timedelta(minutes=5)
    CaseClock.objects.filter(case=case, clock="handling").update(due_at=past, warn_at=past - timedelta(hours=1))

    escalated = _wait_for(lambda: Escalation.objects.filter(case=case).exists(), timeout=40)
    logs = "\n".join(p.read_text()[-3000:] for p in sorted(celery_processes.glob("*.log")))
    assert escalated, f"no escalation within 40 s; logs:\n{logs}"

    # Let beat fire the sweep several more times: nothing is issued twice.
    sweeps_done = _wait_for(lambda: (celery_processes / "worker.log").read_text().count("succeeded") >= 4,
                            timeout=15)
    assert sweeps_done, (celery_processes / "worker.log").read_text()[-3000:]
    assert list(Escalation.objects.filter(case=case).values_list("clock__clock", "level")) == [("handling", 1)]
    orders = Notification.objects.filter(case=case, kind=Notification.Kind.SUPERVISION_ORDER)
    assert len(orders) == 2
    assert {(n.recipient_unit_id, n.recipient_user_id) for n in orders} == {(org.station.pk, None),
                                                                              (None, org.leader.pk)}
