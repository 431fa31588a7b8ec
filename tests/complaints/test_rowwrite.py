"""rows_insert writes a new case and its first rows in one batch (on PostgreSQL each row travels as
one JSON value the database spreads over the columns): what is read back is what was built, for
every kind of value a case, its history and its clocks carry, awkward text included."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from complaints.history_chain import history_chain_verify
from complaints.models import Case, CaseEvent
from complaints.rowwrite import rows_insert
from complaints.services.history import case_event_seal_first
from complaints.services.intake import case_build
from deadlines.models import CaseClock
from tests.factories import case_fields

AWKWARD = "引号\"'、反斜杠\\、百分号%s %(x)s、换行\n、制表\t、表情😀"


# Kept by the database, not built: the id, and the nearest deadlines the inbox triggers store
# (complaints/inbox_tally_sql.py) once the clocks exist.
DERIVED = {"id", "next_due_at", "next_warn_at"}


def _values(obj):
    # Children are written without reading their ids back (rows_insert): compared without them.
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if f.attname not in DERIVED}


def test_a_case_and_its_rows_read_back_as_they_were_built(org):
    at = timezone.now().replace(microsecond=123456)
    case, rows = case_build(by=org.clerk, at=at, fields=case_fields(facts=AWKWARD, demand="", respondent_name="某店%"))
    case.amount_recovered = Decimal("1234.56")
    event = next(row for row in rows if isinstance(row, CaseEvent))
    event.data = {**event.data, "nested": {"list": [1, 2.5, None, True, "文字"], "text": AWKWARD}}
    case_event_seal_first(event)  # sealed again over the content it now has
    rows_insert([case, *rows])

    assert _values(Case.objects.get(pk=case.pk)) == _values(case)
    stored_event = CaseEvent.objects.get(case=case)
    assert _values(stored_event) == _values(event)
    assert stored_event.data["nested"]["text"] == AWKWARD
    clocks = {row.clock: row for row in rows if isinstance(row, CaseClock)}
    stored_clocks = {clock.clock: clock for clock in CaseClock.objects.filter(case=case)}
    assert clocks and stored_clocks.keys() == clocks.keys()
    assert all(_values(stored_clocks[name]) == _values(clock) for name, clock in clocks.items())
    assert all(clock.due_at > at - timedelta(days=1) for clock in stored_clocks.values())
    # The history row written this way is chained as the Python side sealed it.
    report = history_chain_verify(CaseEvent.objects.filter(case=case).order_by("id").values(
        "id", "case_id", "chain_hash", "at", "actor_id", "actor_unit_id", "action", "source_state",
        "target_state", "note", "internal", "data"))
    assert report.rows == 1 and not report.breaks and not report.unsealed
    assert Case.objects.get(pk=case.pk).facts == AWKWARD
