"""Tamper evidence: every history row is chained to its case's previous row; `history_verify` finds
a row edited, deleted or unsealed behind the application's back (append-only trigger disabled)."""
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from complaints.models import CaseEvent
from supervision.sweep import deadlines_sweep
from tests.complaints.journeys import to_handling

pytestmark = pytest.mark.django_db


def _verify() -> str:
    out = io.StringIO()
    call_command("history_verify", stdout=out)
    return out.getvalue()


def _behind_the_triggers(sql: str, params) -> None:
    """What an intruder with the table owner's rights could do: switch the guard off and write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's way around every trigger (the append-only ones of 0012 and 0020 included).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute(sql, params)


@pytest.fixture
def overdue_case(org):
    """A case through intake, registration, dispatch, acceptance and contact, then swept overdue
    (the sweep writes its history rows in one set-based statement)."""
    case = to_handling(org)
    clock = case.clocks.get(clock="handling", stopped_at__isnull=True)
    deadlines_sweep(now=clock.due_at + timedelta(minutes=1))
    return case


def test_every_row_written_by_services_intake_and_the_sweep_is_chained(overdue_case):
    rows = list(CaseEvent.objects.filter(case=overdue_case).order_by("id"))
    assert len(rows) >= 5 and all(len(row.chain_hash) == 64 for row in rows)
    assert CaseEvent.Action.SUPERVISE in {row.action for row in rows}
    assert len({row.chain_hash for row in rows}) == len(rows)
    assert "0 break(s)" in _verify()


def test_an_edited_row_is_reported(overdue_case):
    target = CaseEvent.objects.filter(case=overdue_case, action=CaseEvent.Action.DISPATCH).get()
    _behind_the_triggers("UPDATE complaints_caseevent SET note = %s WHERE id = %s", ["分流至会城所", target.pk])
    out = io.StringIO()
    with pytest.raises(CommandError, match="chain broken in 1 place"):
        call_command("history_verify", stdout=out)
    assert f"BREAK case {overdue_case.number} history row {target.pk}" in out.getvalue()


def test_a_deleted_row_is_reported_at_its_successor(overdue_case):
    rows = list(CaseEvent.objects.filter(case=overdue_case).order_by("id"))
    _behind_the_triggers("DELETE FROM complaints_caseevent WHERE id = %s", [rows[1].pk])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("history_verify", stdout=out)
    assert f"history row {rows[2].pk}" in out.getvalue()


def test_a_rehashed_row_breaks_the_next_one(overdue_case):
    from complaints.history_chain import chain_link, event_digest_of

    rows = list(CaseEvent.objects.filter(case=overdue_case).order_by("id"))
    forged = rows[1]
    forged.note = "伪造的说明"
    new_hash = chain_link(previous=rows[0].chain_hash, case_id=overdue_case.pk, digest=event_digest_of(forged))
    _behind_the_triggers("UPDATE complaints_caseevent SET note = %s, chain_hash = %s WHERE id = %s",
                         [forged.note, new_hash, forged.pk])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("history_verify", stdout=out)
    assert f"history row {rows[2].pk}:" in out.getvalue() and f"history row {rows[1].pk}:" not in out.getvalue()


def test_rows_older_than_the_chain_are_counted_not_reported(org):
    case = to_handling(org)
    legacy = CaseEvent.objects.filter(case=case).order_by("id").first()
    _behind_the_triggers("UPDATE complaints_caseevent SET chain_hash = '' WHERE case_id = %s", [case.pk])
    assert legacy.pk and "0 break(s)" in _verify() and "(unsealed)" in _verify()


def test_a_row_dated_long_before_the_receipt_is_refused_and_the_chain_stays_whole(overdue_case, org):
    # The chain's head is read from about the receipt on (each month partition since then), so a
    # row dated much earlier would be missed by the next one's link.
    from complaints import services

    with pytest.raises(ValueError, match="before its receipt"):
        services.case_event_record(case=overdue_case, actor=org.supervisor, action=CaseEvent.Action.NOTICE,
                                   note="补记", at=overdue_case.received_at - timedelta(days=32))
    services.case_event_record(case=overdue_case, actor=org.supervisor, action=CaseEvent.Action.NOTICE,
                               note="补记", at=overdue_case.received_at - timedelta(hours=1))
    services.case_event_record(case=overdue_case, actor=org.supervisor, action=CaseEvent.Action.NOTICE, note="再记")
    assert "0 break(s)" in _verify()
