"""The deadline sweep: colours clocks yellow or red and escalates overdue ones, in a few set-based
statements whose cost follows the number of clocks that change, not the number of open cases.

Deadlines live on the clock rows (`due_at`, and `warn_at` computed when the clock was scheduled),
so a sweep that did not run for a while (broker down, worker stopped) catches up on everything at
its next run. Each escalation step is inserted with ON CONFLICT DO NOTHING against the unique
constraint (case, clock, level): two sweeps at once cannot issue a step twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Case, CaseEvent, Notification
from deadlines.models import CaseClock
from deadlines.workdays import local_date
from routing.models import Unit, User
from supervision.models import Escalation, RedLineItem, SupervisionSettings

logger = logging.getLogger(__name__)

# An arbitrary constant naming the sweep's advisory lock (PostgreSQL): sweeps queue instead of
# deadlocking on the same rows. The unique constraint, not this lock, is what keeps steps single.
SWEEP_LOCK_KEY = 12315_0004

CLOCK = CaseClock._meta.db_table
CASE = Case._meta.db_table
EVENT = CaseEvent._meta.db_table
NOTIFICATION = Notification._meta.db_table
ESCALATION = Escalation._meta.db_table
REDLINE = RedLineItem._meta.db_table
UNIT = Unit._meta.db_table
USER = User._meta.db_table

RUNNING = "cc.stopped_at IS NULL AND cc.paused_at IS NULL"


@dataclass
class SweepResult:
    yellow: int = 0
    escalated: dict[int, int] = field(default_factory=dict)  # level -> new steps
    notifications: int = 0
    red_lines: int = 0

    def __str__(self) -> str:
        levels = ", ".join(f"L{level}={n}" for level, n in sorted(self.escalated.items()))
        return f"yellow={self.yellow} {levels} notifications={self.notifications} red_lines={self.red_lines}"


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _clock_label_sql(column: str) -> str:
    whens = " ".join(f"WHEN {_literal(value)} THEN {_literal(label)}" for value, label in CaseClock.Clock.choices)
    return f"(CASE {column} {whens} ELSE {column} END)"


def deadlines_sweep(*, now: datetime | None = None) -> SweepResult:
    """Run one sweep in one transaction; returns what changed."""
    now = now or timezone.now()
    policy = SupervisionSettings.current()
    result = SweepResult()
    thresholds = {
        Escalation.Level.ORDER: now,
        Escalation.Level.PARENT: now - policy.parent_after,
        Escalation.Level.DIRECTOR: now - policy.director_after,
    }
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        for level, threshold in thresholds.items():
            result.escalated[int(level)] = _escalate(cursor, level=int(level), threshold=adapt(threshold),
                                                     now=adapt(now))
        cursor.execute(
            f"UPDATE {CLOCK} SET warning = 'yellow' WHERE stopped_at IS NULL AND paused_at IS NULL"
            " AND warning = 'none' AND warn_at <= %s AND due_at > %s",
            [adapt(now), adapt(now)],
        )
        result.yellow = cursor.rowcount
        result.red_lines = _red_lines_open(cursor, now=now)
        result.notifications = _notify(cursor, now=adapt(now))
        _history_record(cursor, now=adapt(now))
        cursor.execute(f"UPDATE {ESCALATION} SET notified_at = %s WHERE notified_at IS NULL", [adapt(now)])
        transaction.on_commit(lambda: _mail(now))
    return result


def _escalate(cursor, *, level: int, threshold, now) -> int:
    """Record step `level` for every running clock past `threshold` that has not reached it, then
    raise the clocks' level. The level on the clock keeps the next sweep's search small; the unique
    constraint keeps the step single even if two sweeps read the same clocks."""
    condition = (f"{RUNNING} AND cc.escalation_level < 3 AND cc.escalation_level < {level:d}"
                 f" AND cc.due_at <= %s")
    cursor.execute(
        f"INSERT INTO {ESCALATION} (case_id, clock_id, level, unit_id, handler_id, with_extension, due_at,"
        f" created_at)"
        f" SELECT cc.case_id, cc.id, {level:d}, COALESCE(c.handling_unit_id, c.registering_unit_id),"
        f" c.handler_id, cc.extended_days > 0, cc.due_at, %s"
        f" FROM {CLOCK} cc JOIN {CASE} c ON c.id = cc.case_id WHERE {condition}"
        f" ON CONFLICT DO NOTHING",
        [now, threshold],
    )
    inserted = cursor.rowcount
    cursor.execute(
        f"UPDATE {CLOCK} SET escalation_level = {level:d}, warning = 'red' WHERE id IN"
        f" (SELECT cc.id FROM {CLOCK} cc WHERE {condition})",
        [threshold],
    )
    return inserted


def _red_lines_open(cursor, *, now: datetime) -> int:
    """An overdue case goes on the red-line ledger once (while its item is open)."""
    adapt = connection.ops.adapt_datetimefield_value
    month = local_date(now).replace(day=1)
    cursor.execute(
        f"INSERT INTO {REDLINE} (case_id, reason, opened_at, month, close_note)"
        f" SELECT DISTINCT e.case_id, 'overdue', %s, %s, ''"
        f" FROM {ESCALATION} e WHERE e.notified_at IS NULL AND e.level = 1"
        f" ON CONFLICT DO NOTHING",
        [adapt(now), connection.ops.adapt_datefield_value(month)],
    )
    return cursor.rowcount


def _notify(cursor, *, now) -> int:
    """The supervision order (督办单) to the unit and its leaders; later steps to the parent unit and
    to the center's directors. Only escalations not yet notified are read (a partial index)."""
    label = _clock_label_sql("cc.clock")
    order_title = f"{_literal(_('督办单:工单 '))} || c.number || ' ' || {label} || {_literal(_('时限已超期'))}"
    escalation_title = (f"{_literal(_('升级督办:工单 '))} || c.number || ' ' || {label}"
                        f" || {_literal(_('时限超期未办结'))}")
    body = (f"{_literal(_('被投诉人:'))} || c.respondent_name || {_literal(_(';请立即办理并报告情况。'))}")
    base = (f" FROM {ESCALATION} e JOIN {CASE} c ON c.id = e.case_id JOIN {CLOCK} cc ON cc.id = e.clock_id")
    columns = (f"INSERT INTO {NOTIFICATION} "
               "(kind, recipient_unit_id, recipient_user_id, case_id, title, body, created_at)")
    # NULL recipients are cast so PostgreSQL does not take them for text.
    statements = [
        # level 1: the responsible unit ...
        f"{columns} SELECT 'supervision_order', e.unit_id, CAST(NULL AS INTEGER), e.case_id, {order_title}, {body}, %s"
        f"{base} WHERE e.notified_at IS NULL AND e.level = 1 AND e.unit_id IS NOT NULL",
        # ... and its leaders by name
        f"{columns} SELECT 'supervision_order', CAST(NULL AS INTEGER), u.id, e.case_id, {order_title}, {body}, %s"
        f"{base} JOIN {USER} u ON u.unit_id = e.unit_id AND u.role = 'unit_leader' AND u.is_active"
        f" WHERE e.notified_at IS NULL AND e.level = 1",
        # level 2: the unit's parent
        f"{columns} SELECT 'escalation', pu.parent_id, CAST(NULL AS INTEGER), e.case_id, {escalation_title}, {body}, %s"
        f"{base} JOIN {UNIT} pu ON pu.id = e.unit_id"
        f" WHERE e.notified_at IS NULL AND e.level = 2 AND pu.parent_id IS NOT NULL",
        # level 3: the center's directors
        f"{columns} SELECT 'escalation', CAST(NULL AS INTEGER), u.id, e.case_id, {escalation_title}, {body}, %s"
        f"{base} JOIN {USER} u ON u.role = 'director' AND u.is_active"
        f" JOIN {UNIT} cu ON cu.id = u.unit_id AND cu.kind = 'center'"
        f" WHERE e.notified_at IS NULL AND e.level = 3",
    ]
    total = 0
    for statement in statements:
        cursor.execute(statement, [now])
        total += cursor.rowcount
    return total


def _history_record(cursor, *, now) -> None:
    """Each step also goes into the case's history, in the same transaction."""
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    levels = " ".join(f"WHEN {int(v)} THEN {_literal(label)}" for v, label in Escalation.Level.choices)
    cursor.execute(
        f"INSERT INTO {EVENT} (case_id, at, action, source_state, target_state, note, internal, data)"
        f" SELECT e.case_id, %s, 'supervise', c.state, c.state,"
        f" (CASE e.level {levels} END) || ':' || {_clock_label_sql('cc.clock')}, TRUE, {empty_json}"
        f" FROM {ESCALATION} e JOIN {CASE} c ON c.id = e.case_id JOIN {CLOCK} cc ON cc.id = e.clock_id"
        f" WHERE e.notified_at IS NULL",
        [now],
    )


def _mail(now: datetime) -> None:
    """E-mail the notifications this sweep wrote, after commit; the in-app inbox is the record."""
    try:
        rows = Notification.objects.filter(
            created_at=now, kind__in=[Notification.Kind.SUPERVISION_ORDER, Notification.Kind.ESCALATION]
        ).values_list("title", "body", "recipient_user__email", "recipient_unit_id")
        unit_ids = {unit_id for *_, unit_id in rows if unit_id}
        unit_mails: dict[int, list[str]] = {}
        for unit_id, email in User.objects.filter(unit_id__in=unit_ids, is_active=True).exclude(email="") \
                .values_list("unit_id", "email"):
            unit_mails.setdefault(unit_id, []).append(email)
        # A leader is reached both by name and as a member of the unit: one mail per title and person.
        by_title: dict[tuple[str, str], set[str]] = {}
        for title, body, user_email, unit_id in rows:
            recipients = [user_email] if user_email else unit_mails.get(unit_id, [])
            by_title.setdefault((title, body), set()).update(recipients)
        messages = [(f"【12315】{title}", body or title, None, sorted(addresses))
                    for (title, body), addresses in by_title.items() if addresses]
        if messages:
            send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("supervision e-mails failed")
