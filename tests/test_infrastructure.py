"""The embedded defaults (SQLite in WAL mode, filesystem broker) and the optional Redis service."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_with_defaults(code: str, var_dir: Path) -> dict:
    """Run ``code`` in a fresh interpreter with DATABASE_URL/REDIS_URL unset; return its JSON output."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"}}
    env.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings")
    prelude = "import json, django\ndjango.setup()\n"
    proc = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_sqlite_default_uses_wal_and_busy_timeout(tmp_path):
    out = run_with_defaults(
        """
        from django.db import connection
        with connection.cursor() as cur:
            cur.execute("PRAGMA journal_mode")
            mode = cur.fetchone()[0]
            cur.execute("PRAGMA busy_timeout")
            timeout = cur.fetchone()[0]
        print(json.dumps({"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"]),
                          "mode": mode, "timeout": timeout}))
        """,
        tmp_path,
    )
    assert out["vendor"] == "sqlite"
    assert out["name"] == str(tmp_path / "db.sqlite3")
    assert out["mode"].lower() == "wal"
    assert out["timeout"] >= 5000  # milliseconds


def test_filesystem_broker_round_trip_without_server(tmp_path):
    out = run_with_defaults(
        """
        from config.celery import app
        app.send_task("infra.ping", args=[42])
        with app.connection_for_read() as conn:
            queue = conn.SimpleQueue("celery")
            msg = queue.get(timeout=10)
            body = {"transport": conn.transport.driver_type, "task": msg.headers["task"],
                    "args": msg.payload[0]}
            msg.ack()
            queue.close()
        print(json.dumps(body))
        """,
        tmp_path,
    )
    assert out == {"transport": "filesystem", "task": "infra.ping", "args": [42]}
    assert (tmp_path / "broker").is_dir()


@pytest.mark.redis
def test_configured_redis_answers_ping(settings):
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
    assert client.ping() is True
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
