"""Backup and restore as the README tells an operator: scripts/backup.sh dumps the database and the
evidence, scripts/restore.sh puts them into a fresh database, and every case, clock and history row
(and the evidence file) is there, the history still append-only."""
import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from complaints.models import Attachment, Case, CaseEvent
from deadlines.models import CaseClock
from tests.complaints import journeys
from tests.factories import time_limits_seed

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_a_dump_restored_into_a_fresh_database_has_every_case_clock_and_history_row(org, tmp_path, _media_root):
    time_limits_seed()  # a transactional test starts from a flushed database: the limits are put back
    journeys.to_archived(org)
    journeys.to_replied(org)
    received = journeys.to_received(org)
    attachment = Attachment(case=received, description="购物小票", uploaded_by=org.clerk)
    attachment.file.save("小票.jpg", ContentFile(b"jpeg-receipt"), save=True)
    cases = sorted(Case.objects.values_list("pk", "number", "state", "version"))
    clocks = sorted(CaseClock.objects.values_list("pk", "case_id", "clock", "due_at"))
    history = sorted(CaseEvent.objects.values_list("pk", "case_id", "action", "at"))
    assert len(cases) == 3 and clocks and len(history) > 10

    source = connection.settings_dict["NAME"]
    env = {**os.environ, "DATABASE_URL": _url(source), "MEDIA_ROOT": str(_media_root)}
    env.pop("MIGRATION_DATABASE_URL", None)
    backup = subprocess.run(["bash", "scripts/backup.sh", str(tmp_path / "backup")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]
    media_archive = next((tmp_path / "backup").glob("media-*.tar.gz"))

    fresh = f"restore_{uuid.uuid4().hex[:10]}"
    restored_media = tmp_path / "restored-media"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restore = subprocess.run(["bash", "scripts/restore.sh", dump, str(media_archive)], cwd=ROOT,
                                 env={**env, "DATABASE_URL": _url(fresh), "MEDIA_ROOT": str(restored_media)},
                                 capture_output=True, text=True, timeout=300)
        assert restore.returncode == 0, restore.stderr
        url = _url(fresh)
        assert sorted(_rows(url, "SELECT id, number, state, version FROM complaints_case")) == cases
        assert sorted(_rows(url, f"SELECT id, case_id, clock, due_at FROM {CaseClock._meta.db_table}")) == clocks
        assert sorted(_rows(url, f"SELECT id, case_id, action, at FROM {CaseEvent._meta.db_table}")) == history
        assert (restored_media / attachment.file.name).read_bytes() == b"jpeg-receipt"
        # The restored history is still append-only (complaints/migrations/0020's triggers came along).
        with pytest.raises(psycopg.Error), psycopg.connect(url) as conn, conn.cursor() as cursor:
            cursor.execute(f"UPDATE {CaseEvent._meta.db_table} SET note = 'edited'")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
