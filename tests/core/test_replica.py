"""Reports read from the read replica (core/replica.py): from a real streaming replica while the
primary takes writes (CI sets DATABASE_REPLICA_URL, scripts/replica_setup.sh), and from the primary
when the replica is down."""
import re
import time

import pytest
from django.db import connections

from core.replica import REPLICA, replica_health_reset
from tests.factories import case_received, time_limits_seed

REPORT = "/dashboard/cases/"
NOTICE = "本页数据来自只读副本"


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return set(re.findall(r'href="/cases/([^/"]+)/"', response.content.decode()))


def _value(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def replayed_up_to_now() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = _value("default", "SELECT pg_current_wal_lsn()::text")
    for _ in range(200):
        if _value(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    raise AssertionError("the replica did not replay the primary's writes within 10 s")


@pytest.fixture
def replica_reads(settings):
    settings.REPLICA_AS_MIRROR = False
    replica_health_reset()
    yield settings
    replica_health_reset()


@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_report_is_served_from_the_replica_and_says_so_while_replay_is_paused(client, org, replica_reads):
    # Seconds, not a minute, for the test's sake; a shared, busy primary keeps the replica a
    # fraction of a second behind at any moment.
    replica_reads.REPLICA_STALE_SECONDS = 2
    assert _value(REPLICA, "SELECT pg_is_in_recovery()")
    time_limits_seed()
    first = case_received(by=org.clerk, respondent_name="副本可见的店").number
    client.force_login(org.supervisor)
    replayed_up_to_now()

    page = client.get(REPORT, {"metric": "received"})
    assert first in listed(page) and NOTICE not in page.content.decode()
    assert int(page["X-Replica-Lag-Seconds"]) < 2  # served from the replica, current

    _value(REPLICA, "SELECT pg_wal_replay_pause()::text")
    try:
        second = case_received(by=org.clerk, respondent_name="尚未重放的店").number
        time.sleep(2.5)
        # The primary has it (the case page reads the primary: a user reads their own writes) ...
        assert client.get(f"/cases/{second}/").status_code == 200
        # ... the report, from the paused replica, does not yet, and says how fresh it is.
        stale = client.get(REPORT, {"metric": "received"})
        assert listed(stale) >= {first} and second not in listed(stale)
        assert NOTICE in stale.content.decode() and int(stale["X-Replica-Lag-Seconds"]) >= 2
    finally:
        _value(REPLICA, "SELECT pg_wal_replay_resume()::text")
    replayed_up_to_now()

    fresh = client.get(REPORT, {"metric": "received"})
    assert {first, second} <= listed(fresh) and NOTICE not in fresh.content.decode()


@pytest.mark.postgres
# (replica listed: pytest-django leaves a test's allowed databases patched into later tests)
@pytest.mark.django_db(databases=["default", "replica"])
def test_a_dead_replica_costs_one_short_attempt_and_the_primary_serves(client, org, replica_reads, monkeypatch):
    # A replica where nothing listens.
    # (No pool: Django keeps pools per alias, and the suite's mirror alias already has a live one.)
    primary = connections["default"].settings_dict
    options = {key: value for key, value in primary.get("OPTIONS", {}).items() if key != "pool"}
    dead = type(connections["default"])({**primary, "HOST": "127.0.0.1", "PORT": "1", "OPTIONS": options}, REPLICA)
    monkeypatch.setattr("core.replica.connections", {REPLICA: dead})
    tried = []
    connect = dead.get_new_connection
    monkeypatch.setattr(dead, "get_new_connection", lambda params: tried.append(1) or connect(params))
    time_limits_seed()
    number = case_received(by=org.clerk).number
    client.force_login(org.supervisor)

    for _ in range(3):
        page = client.get(REPORT, {"metric": "received"})
        assert number in listed(page) and NOTICE not in page.content.decode()
        assert "X-Replica-Lag-Seconds" not in page
    assert len(tried) == 1  # the health flag: not one connect timeout per request
