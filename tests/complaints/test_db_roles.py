"""The application runs as a database role that owns nothing (complaints/db_roles.py): it writes
history but can neither rewrite, empty nor unguard it; and TRUNCATE is refused even to the owner."""
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from complaints import services
from complaints.db_roles import APPEND_ONLY_TABLES, tables_app_deletes
from complaints.models import CaseEvent
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def _as_role(role, statement, params=None):
    # SET LOCAL ROLE inside a savepoint: a refused statement rolls back to it, and the role with it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(statement, params)


@pytest.fixture
def app_role(db):
    """A role made for this test, with the grants of `db_roles_grant`. Roles belong to the whole
    cluster, so the name is unique; it is created in the test's transaction, whose rollback drops
    it again whatever happens."""
    role = f"cases_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("db_roles_grant", role=role)  # as the tables' owner, as the suite connects
    return role


@pytest.mark.postgres
def test_the_app_role_writes_history_but_cannot_rewrite_empty_or_unguard_it(org, app_role):
    case = journeys.to_dispatched(org)
    before = case.events.count()

    # The application works as this role: a transition writes the case, its clocks and history.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        services.case_accept(case=case, by=org.handler)
    assert case.events.count() == before + 1

    refused = {
        "TRUNCATE complaints_caseevent": "permission denied",
        "ALTER TABLE complaints_caseevent DISABLE TRIGGER complaints_caseevent_append_only": "must be owner",
        "ALTER TABLE complaints_caseevent DISABLE TRIGGER ALL": "must be owner",
        "UPDATE complaints_caseevent SET note = 'x'": "permission denied",
        "DELETE FROM complaints_caseevent": "permission denied",
        "TRUNCATE complaints_case CASCADE": "permission denied",
    }
    for statement, reason in refused.items():
        with pytest.raises(DatabaseError, match=reason):
            _as_role(app_role, statement)
    assert case.events.count() == before + 1


@pytest.mark.postgres
def test_even_the_owner_cannot_truncate_the_history(org):
    journeys.to_dispatched(org)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'complaints_caseevent'")
        assert cursor.fetchone()[0] == connection.settings_dict["USER"]  # the suite connects as the owner
        # Check the inserts' deferred foreign keys now: TRUNCATE refuses pending checks before any trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for statement in ("TRUNCATE complaints_caseevent", "TRUNCATE complaints_case CASCADE"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert CaseEvent.objects.count() == 3


@pytest.mark.postgres
def test_the_app_role_deletes_only_where_the_application_does(app_role):
    def privileges(table):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT array_agg(p ORDER BY p) FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', "
                "'TRUNCATE']) p WHERE has_table_privilege(%s, %s, p)", [app_role, table],
            )
            return cursor.fetchone()[0]

    assert privileges("complaints_caseevent") == ["INSERT", "SELECT"]
    assert privileges("complaints_case") == ["INSERT", "SELECT", "UPDATE"]  # a case is never deleted
    assert privileges("django_session") == ["DELETE", "INSERT", "SELECT", "UPDATE"]  # log-out, look-up
    assert privileges("routing_routingrule") == ["DELETE", "INSERT", "SELECT", "UPDATE"]  # the admin
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_sequence_privilege(%s, 'complaints_case_id_seq', 'USAGE')", [app_role])
        assert cursor.fetchone()[0]
        # Tables of later migrations: the common grants come by default privileges.
        cursor.execute("CREATE TABLE complaints_later_table (id bigserial PRIMARY KEY)")
    assert privileges("complaints_later_table") == ["INSERT", "SELECT", "UPDATE"]


@pytest.mark.postgres
def test_granting_again_changes_nothing(app_role):
    call_command("db_roles_grant", role=app_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, 'complaints_caseevent', 'DELETE')", [app_role])
        assert cursor.fetchone()[0] is False


def test_history_is_never_among_the_tables_the_application_deletes_from():
    deletes = tables_app_deletes()
    assert not deletes & APPEND_ONLY_TABLES
    assert "complaints_case" not in deletes and "django_session" in deletes
