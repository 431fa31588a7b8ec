"""The deadline sweep: colours clocks yellow or red and escalates overdue ones, in a few set-based
statements whose cost follows the number of clocks that change, not the number of open cases.

Deadlines live on the clock rows (`due_at`, and `warn_at` computed when the clock was scheduled),
so a sweep that did not run for a while (broker down, worker stopped) catches up on everything at
its next run. Each escalation step is inserted with ON CONFLICT DO NOTHING against the unique
constraint (case, clock, level): two sweeps at once cannot issue a step twice.

The steps not yet announced are then read back and told of like any service tells of its changes:
history rows from `case_event_build` with a note in the reader's language, notices to whoever
`supervision_recipients` names, mailed after commit. Thousands of such rows differ only in the case,
the recipient and the text, so each kind is built once and written as one statement of copies.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from complaints.models import Case, CaseEvent, Notification
from complaints.rowwrite import rows_insert_like
from complaints.services.history import case_event_build, case_events_insert_like
from complaints.services.notifications import notification_build, notifications_mail
from core.notes import Note
from deadlines.models import CaseClock
from deadlines.workdays import local_date
from supervision.models import Escalation, RedLineItem, SupervisionSettings
from supervision.selectors import supervision_recipients

# An arbitrary constant naming the sweep's advisory lock (PostgreSQL): sweeps queue instead of
# deadlocking on the same rows. The unique constraint, not this lock, is what keeps steps single.
SWEEP_LOCK_KEY = 12315_0004

CLOCK = CaseClock._meta.db_table
CASE = Case._meta.db_table
ESCALATION = Escalation._meta.db_table
REDLINE = RedLineItem._meta.db_table

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
        result.notifications = _announce(now=now)
    return result


def _escalate(cursor, *, level: int, threshold, now) -> int:
    """Record step `level` for every running clock past `threshold` that has not reached it, then
    raise the clocks' level. The level on the clock keeps the next sweep's search small; the unique
    constraint keeps the step single even if two sweeps read the same clocks."""
    condition = (f"{RUNNING} AND cc.escalation_level < 3 AND cc.escalation_level < {level:d}"
                 f" AND cc.due_at <= %s")
    step = (f"INSERT INTO {ESCALATION} (case_id, clock_id, level, unit_id, handler_id, with_extension, due_at,"
            f" created_at)"
            f" SELECT cc.case_id, cc.id, {level:d}, COALESCE(c.handling_unit_id, c.registering_unit_id),"
            f" c.handler_id, cc.extended_days > 0, cc.due_at, %s")
    raised = f"escalation_level = {level:d}, warning = 'red'"
    if connection.vendor == "postgresql":
        # One pass over the clocks: the rows the UPDATE raises are the steps to record (finding the
        # clocks twice cost as much as raising them).
        cursor.execute(
            f"WITH cc AS (UPDATE {CLOCK} AS cc SET {raised} WHERE {condition}"
            f" RETURNING cc.id, cc.case_id, cc.extended_days, cc.due_at)"
            f" {step} FROM cc JOIN {CASE} c ON c.id = cc.case_id ON CONFLICT DO NOTHING",
            [threshold, now],
        )
        return cursor.rowcount
    cursor.execute(f"{step} FROM {CLOCK} cc JOIN {CASE} c ON c.id = cc.case_id WHERE {condition}"
                   f" ON CONFLICT DO NOTHING", [now, threshold])
    inserted = cursor.rowcount
    cursor.execute(f"UPDATE {CLOCK} SET {raised} WHERE id IN (SELECT cc.id FROM {CLOCK} cc WHERE {condition})",
                   [threshold])
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


def _announce(*, now: datetime) -> int:
    """Tell of every step not yet announced: a history row per step and the notifications to whoever
    `supervision_recipients` names at its level, made by the services' own builders (so history
    reads in each reader's language). The steps are read through a partial index on
    `notified_at IS NULL`: the cost follows this sweep's steps, not the open cases."""
    steps = list(
        Escalation.objects.filter(notified_at__isnull=True).order_by("pk")
        .values_list("level", "case_id", "unit_id", "case__number", "case__state", "case__respondent_name",
                     "clock__clock")
    )
    if not steps:
        return 0
    told = {level: supervision_recipients(level=level, unit_ids={step[2] for step in steps if step[0] == level})
            for level in {step[0] for step in steps}}
    # Thousands of steps share a handful of (level, clock, state): one row is built per kind of
    # row, the rest are copies that differ in the case, the recipient and the text.
    events: dict[tuple, list[tuple]] = {}
    notices: dict[int, list[tuple]] = {}
    mails = []
    with override(settings.LANGUAGE_CODE):  # stored text is in the site's language, whatever the worker's
        texts = {level: _notice_texts(level) for level in told}
        clock_labels = {clock: str(_clock_label(clock)) for clock in {step[-1] for step in steps}}
        for level, case_id, unit_id, number, state, respondent, clock in steps:
            events.setdefault((level, clock, state), []).append((case_id,))
            recipients = told[level].get(unit_id)
            if recipients is None:
                continue
            title_format, body_format = texts[level]
            title = title_format % {"number": number, "clock": clock_labels[clock]}
            body = body_format % {"respondent": respondent}
            rows = notices.setdefault(level, [])
            rows += [(case_id, unit.pk, None, title, body) for unit in recipients.units]
            rows += [(case_id, None, user.pk, title, body) for user in recipients.users]
        for (level, clock, state), rows in events.items():
            case_events_insert_like(_history_row(level=level, clock=clock, state=state, at=now),
                                    case_ids=[case_id for (case_id,) in rows])
        for level, rows in notices.items():
            rows_insert_like(notification_build(kind=_notice_kind(level), title="", at=now),
                             varying=("case_id", "recipient_unit_id", "recipient_user_id", "title", "body"),
                             rows=rows)
            mails += [(title, body, unit_id, user_id) for _, unit_id, user_id, title, body in rows]
    notifications_mail(told=mails)  # sent after commit
    Escalation.objects.filter(notified_at__isnull=True).update(notified_at=now)
    return sum(len(rows) for rows in notices.values())


def _history_row(*, level: int, clock: str, state: str, at: datetime) -> CaseEvent:
    """The history row of a step, as the services build theirs; internal, kept from the public look-up."""
    return case_event_build(
        case=Case(state=state), actor=None, action=CaseEvent.Action.SUPERVISE, source=state,
        note=Note(gettext_noop("%(level)s：%(clock)s"), level=Escalation.Level(level).label, clock=_clock_label(clock)),
        internal=True, at=at,
    )


def _clock_label(value: str):
    try:
        return CaseClock.Clock(value).label
    except ValueError:  # a clock retired from the policy table still names itself
        return value


def _notice_kind(level: int) -> str:
    return Notification.Kind.SUPERVISION_ORDER if level == Escalation.Level.ORDER else Notification.Kind.ESCALATION


def _notice_texts(level: int) -> tuple[str, str]:
    """The title and body of the notice of a step, in the active language, to fill with each case's
    values: the supervision order (督办单) at level 1, an escalation after it."""
    if level == Escalation.Level.ORDER:
        title = _("督办单：工单 %(number)s %(clock)s时限已超期")
    else:
        title = _("升级督办：工单 %(number)s %(clock)s时限超期未办结")
    return title, _("被投诉人：%(respondent)s；请立即办理并报告情况。")
