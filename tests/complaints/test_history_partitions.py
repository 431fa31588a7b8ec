"""The history, notifications and webhook deliveries are partitioned by month on PostgreSQL
(core/partitions.py): the beat task makes the coming months' partitions, each as guarded as the
table (append-only history included), an insert for a month without one is kept, and old months are
detached for archive only past the retention."""
import io
import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from complaints import services
from complaints.models import CaseEvent, Notification
from core import partitions
from core.tasks import partitions_ensure_task
from tests.complaints import journeys

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _as_role(role, statement):
    with transaction.atomic(), connection.cursor() as cursor:
        if role:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
        # Check the inserts' deferred foreign keys now: TRUNCATE refuses pending checks before any trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)


def _partition_of(model, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _privileges(role, table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(p ORDER BY p) FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', "
                       "'TRUNCATE']) p WHERE has_table_privilege(%s, %s, p)", [role, table])
        return cursor.fetchone()[0]


@pytest.fixture
def app_role(db):
    """The application's role with the grants of `db_roles_grant`, given before the task runs (as in
    production: the grants are applied at migrate, partitions come later)."""
    role = f"cases_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("db_roles_grant", role=role)
    return role


@pytest.fixture
def later_month(settings):
    """A month beyond those the migration made, whose partitions the beat task makes now."""
    settings.PARTITIONS_AHEAD_MONTHS = 5
    month = partitions.month_start(timezone.now(), 5)
    assert partitions_ensure_task()  # something was made
    return month


def test_the_beat_task_makes_each_tables_partition_ahead_and_rows_land_in_it(org, later_month, settings):
    assert "core.tasks.partitions_ensure_task" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    suffix = f"_p{later_month:%Y%m}"
    for table in partitions.PARTITIONED:
        assert table + suffix in {p["name"] for p in partitions.partitions_list(table)}
    assert partitions_ensure_task() == []  # run again: nothing missing

    case = journeys.to_dispatched(org)
    event = services.case_event_record(case=case, actor=org.handler, action=CaseEvent.Action.NOTICE,
                                       note="下月知会", at=later_month + timedelta(days=2))
    assert _partition_of(CaseEvent, event.pk) == "complaints_caseevent" + suffix
    notice = Notification.objects.create(kind="notice", recipient_unit=org.station, title="下月通知",
                                         created_at=later_month + timedelta(hours=1))
    assert _partition_of(Notification, notice.pk) == "complaints_notification" + suffix
    assert list(case.events.order_by("id"))[-1] == event
    assert Notification.objects.get(pk=notice.pk).title == "下月通知"
    call_command("history_verify", stdout=io.StringIO())  # raises on a break


def test_a_partition_made_by_the_task_refuses_update_delete_and_truncate(org, app_role, later_month):
    partition = f"complaints_caseevent_p{later_month:%Y%m}"
    case = journeys.to_dispatched(org)
    event = services.case_event_record(case=case, actor=org.handler, action=CaseEvent.Action.NOTICE,
                                       note="下月知会", at=later_month + timedelta(days=1))
    assert _partition_of(CaseEvent, event.pk) == partition
    assert _privileges(app_role, partition) == ["INSERT", "SELECT"]
    assert _privileges(app_role, "complaints_caseevent") == ["INSERT", "SELECT"]

    for table in ("complaints_caseevent", partition):
        for statement in (f"UPDATE {table} SET note = 'x'", f"DELETE FROM {table}", f"TRUNCATE {table}"):
            with pytest.raises(DatabaseError, match="permission denied"):
                _as_role(app_role, statement)
            # The owner is stopped too, by the triggers (the row ones cloned, the TRUNCATE one made by the task).
            with pytest.raises(DatabaseError, match="append-only"):
                _as_role(None, statement)
    assert CaseEvent.objects.get(pk=event.pk).note == "下月知会"
    assert case.events.count() == 4


def test_granting_again_keeps_the_history_partitions_read_and_insert_only(app_role, later_month):
    call_command("db_roles_grant", role=app_role)
    for partition in partitions.partitions_list("complaints_caseevent"):
        assert _privileges(app_role, partition["name"]) == ["INSERT", "SELECT"]
    notifications = [p["name"] for p in partitions.partitions_list("complaints_notification")]
    assert {tuple(_privileges(app_role, name)) for name in notifications} == {
        tuple(_privileges(app_role, "complaints_notification"))}


def test_a_row_for_a_month_without_partition_is_kept_in_the_default_partition(org):
    month = partitions.month_start(timezone.now(), 8)
    notice = Notification.objects.create(kind="notice", recipient_unit=org.station, title="远期通知",
                                         created_at=month + timedelta(days=3))
    assert _partition_of(Notification, notice.pk) == "complaints_notification_default"
    made = partitions.partitions_ensure("complaints_notification", months_ahead=9)
    # That month stays in the default partition (moving rows is not the task's business); the others come.
    assert f"blocked complaints_notification_p{month:%Y%m}" in made
    assert f"created complaints_notification_p{partitions.month_start(month, 1):%Y%m}" in made
    assert Notification.objects.get(pk=notice.pk).title == "远期通知"
    out = io.StringIO()
    call_command("history_partitions", "--table", "complaints_notification", stdout=out)
    assert "complaints_notification_default default, 1 rows (rows of months without a partition" in out.getvalue()


def test_nothing_within_the_retention_is_detached(settings):
    settings.PARTITIONS_RETENTION_MONTHS = 24
    allowed = partitions.month_start(timezone.now(), -24)
    too_new = partitions.month_start(allowed, 1)
    with pytest.raises(CommandError, match="refused"):
        call_command("history_partitions", "--detach-before", f"{too_new:%Y-%m}", stdout=io.StringIO())
    out = io.StringIO()
    call_command("history_partitions", "--detach-before", f"{allowed:%Y-%m}", stdout=out)
    assert "complaints_caseevent: no partition ends by" in out.getvalue()  # the first partition reaches today
    assert len(partitions.partitions_list("complaints_caseevent")) >= 5


def test_old_history_detached_for_archive_leaves_the_rest_verifiable(org, settings, monkeypatch):
    first = partitions.partitions_list("complaints_caseevent")[0]
    assert first["lower"] is None  # the table from before partitioning, up to its boundary
    case = journeys.to_dispatched(org)
    later = services.case_event_record(case=case, actor=org.handler, action=CaseEvent.Action.NOTICE,
                                       note="归档后仍在", at=first["upper"] + timedelta(days=3))
    # Two years on, with a year's retention, the months of the first partition may go.
    settings.PARTITIONS_RETENTION_MONTHS = 12
    monkeypatch.setattr(timezone, "now", lambda: later.at + timedelta(days=730))
    out = io.StringIO()
    call_command("history_partitions", "--table", "complaints_caseevent", "--detach-before",
                 f"{first['upper'].astimezone(partitions.zone()):%Y-%m}", stdout=out)
    assert f"detached {first['name']}" in out.getvalue()
    assert list(case.events.all()) == [later]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {first['name']} WHERE case_id = %s", [case.pk])
        assert cursor.fetchone()[0] == 3  # the archive keeps them
    verified = io.StringIO()
    call_command("history_verify", stdout=verified)
    assert "0 break(s), 1 case(s) continued from archived history" in verified.getvalue()


def test_the_app_role_can_only_ask_for_month_partitions_not_for_privileges(app_role):
    with pytest.raises(DatabaseError, match="not partitioned by month"):
        _as_role(app_role, "SELECT partitions_ensure('complaints_case', 'Asia/Shanghai', current_date, 1)")
    # The grant copier runs with the caller's rights: the application gains nothing from it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        cursor.execute("SELECT partitions_copy_acl('routing_routingrule', 'complaints_caseevent')")
    assert _privileges(app_role, "complaints_caseevent") == ["INSERT", "SELECT"]
