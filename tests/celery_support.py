"""Real Celery worker and beat processes for tests against Redis and the test PostgreSQL database."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import time_limits_seed

ROOT = Path(__file__).resolve().parents[1]
SWEEP_INTERVAL = 1.0


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _run_celery(tmp_path, *, with_beat: bool, pool: tuple[str, ...] = ("--pool=solo", "--concurrency=1")):
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # no tasks left over from other runs
    env = {**os.environ, "DATABASE_URL": _database_url(), "VAR_DIR": str(tmp_path),
           "SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    commands = {"worker": [*celery, "worker", *pool, "--loglevel=INFO",
                           "--without-gossip", "--without-mingle", "--without-heartbeat"]}
    if with_beat:
        commands["beat"] = [*celery, "beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule")]
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in commands}
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT,
                         start_new_session=True)
        for name, command in commands.items()
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


@pytest.fixture
def celery_processes(tmp_path):
    """A worker and beat; yields the folder holding their logs."""
    yield from _run_celery(tmp_path, with_beat=True)


@pytest.fixture
def celery_worker_process(tmp_path):
    """A worker alone: whatever it does was asked for by the code under test, not by beat."""
    yield from _run_celery(tmp_path, with_beat=False)


@pytest.fixture
def celery_prefork_worker_process(tmp_path):
    """A worker as production runs it (deploy/systemd/cases12315-worker@.service): prefork, two
    child processes, each with Django's connection pool (DATABASE_POOL is on for PostgreSQL)."""
    yield from _run_celery(tmp_path, with_beat=False, pool=("--pool=prefork", "--concurrency=2"))


def wait_for(predicate, *, timeout: float) -> bool:
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
    time_limits_seed()
