"""Partitioning the history, notifications and webhook deliveries by month (complaints 0031,
integration 0005) loses nothing and stops nobody: rows written with the plain tables are all found
afterwards, the old table itself becomes the partition of the past (nothing copied), ids keep
growing, the hash chain verifies, and notices written while it runs all arrive."""
import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from complaints import services
from complaints.models import Case, CaseEvent, Notification
from integration.models import ExternalSystem, WebhookDelivery
from tests.complaints import journeys

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Just before the partitioning: the other migrations stay, so today's models (and factories) fit.
BEFORE = [("complaints", "0031_caseevent_chain_head_index"), ("integration", "0005_full_width_punctuation")]
TABLES = ("complaints_caseevent", "complaints_notification", "complaints_webhookdelivery")


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def kind_and_oid(table) -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind, oid FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()


def partition_tables(table) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT inhrelid::int FROM pg_inherits WHERE inhparent = %s::regclass", [table])
        return {oid for (oid,) in cursor.fetchall()}


def old_rows(org) -> dict:
    """Cases with their history (one case begun two years ago), notices and webhook deliveries,
    written by the real services while the tables are plain."""
    cases = [journeys.to_handling(org) for _ in range(3)]
    old = journeys.to_dispatched(org)
    old.received_at = two_years_ago = timezone.now() - timedelta(days=731)  # a history is dated from its receipt on
    Case.objects.filter(pk=old.pk).update(received_at=two_years_ago)
    services.case_event_record(case=old, actor=org.handler, action=CaseEvent.Action.NOTICE, note="两年前的知会",
                               at=timezone.now() - timedelta(days=730))
    system = ExternalSystem.objects.create(code="mig-partition", name="分区迁移", acting_user=org.clerk, scopes=[])
    deliveries = [WebhookDelivery.objects.create(system=system, case=case, event="case.accepted", payload={"n": n})
                  for n, case in enumerate(cases)]
    notices = [Notification.objects.create(kind="notice", recipient_unit=org.station, case=case, title=f"知会{n}")
               for n, case in enumerate(cases)]
    return {"events": set(CaseEvent.objects.values_list("pk", flat=True)), "deliveries": [d.pk for d in deliveries],
            "notices": [n.pk for n in notices], "cases": [*cases, old], "system": system}


class Intake(threading.Thread):
    """Notices written from another connection, one after another, while the migration runs."""

    def __init__(self, unit):
        super().__init__(daemon=True)
        self.unit, self.written, self.errors, self.stop = unit, [], [], threading.Event()

    def run(self):
        try:
            while not self.stop.is_set():
                try:
                    notice = Notification.objects.create(kind="notice", recipient_unit=self.unit, title="迁移中")
                    self.written.append(notice.pk)
                except Exception as error:  # noqa: BLE001 (every failure is the finding)
                    self.errors.append(repr(error))
        finally:
            connections.close_all()


def test_rows_written_before_partitioning_are_all_found_after_it_and_intake_goes_on(org):
    try:
        migrate(BEFORE)
        assert {kind_and_oid(table)[0] for table in TABLES} == {"r"}
        written = old_rows(org)
        old_oids = {table: kind_and_oid(table)[1] for table in TABLES}
        last_event = max(written["events"])

        intake = Intake(org.station)
        intake.start()
        try:
            migrate(latest())
        finally:
            intake.stop.set()
            intake.join(30)
        assert intake.errors == [] and len(intake.written) > 0

        for table in TABLES:
            kind, _ = kind_and_oid(table)
            assert kind == "p"
            assert old_oids[table] in partition_tables(table)  # the old table itself: nothing was copied
        assert set(CaseEvent.objects.values_list("pk", flat=True)) == written["events"]
        assert CaseEvent.objects.filter(note="两年前的知会").count() == 1
        assert Notification.objects.filter(pk__in=written["notices"] + intake.written).count() == (
            len(written["notices"]) + len(intake.written))
        assert sorted(intake.written) == intake.written  # one id sequence throughout

        out = io.StringIO()
        call_command("history_verify", stdout=out)
        assert f"{len(written['events'])} history rows checked" in out.getvalue()
        assert " 0 break(s)" in out.getvalue()

        # Work goes on with the partitioned tables: history appended with higher ids, deliveries updated.
        case = services.case_accept(case=journeys.to_dispatched(org), by=org.handler)
        assert min(case.events.values_list("pk", flat=True)) > last_event
        WebhookDelivery.objects.filter(pk=written["deliveries"][0]).update(status="delivered", attempts=1)
        delivered = WebhookDelivery.objects.get(pk=written["deliveries"][0])
        assert (delivered.status, delivered.attempts, delivered.payload) == ("delivered", 1, {"n": 0})
        assert WebhookDelivery.objects.create(system=written["system"], case=case, event="case.accepted",
                                              payload={}).pk > max(written["deliveries"])
        call_command("history_verify", stdout=io.StringIO())
        events = CaseEvent.objects.count()

        # And back: the plain tables again, every row kept.
        migrate(BEFORE)
        assert {kind_and_oid(table)[0] for table in TABLES} == {"r"}
        assert CaseEvent.objects.count() == events
        call_command("history_verify", stdout=io.StringIO())
    finally:
        migrate(latest())
