"""Seeding for bench.scale: a city's cases over two years, grown stage by stage with COPY.

Case `i` is, for i < BIG_OPEN, an open case of the big station received in the last 20 days (its
inbox holds 50,000 open cases at every stage); otherwise a case received at a random moment of the
last two years in one of the other stations, archived with its reply and follow-up if it is more
than 15 days old, else open. Each case has its contact and handling clocks and its history rows
(receive, dispatch, then accept or reply, follow-up and archive). The rows are written with
core/bulk_copy.copy_rows with triggers off; then what the triggers would have kept is rebuilt at
once: the inbox counts and nearest deadlines (complaints_inbox_rebuild()), the search indexes
(dropped during the load, as bench.inbox does) and the daily rollups (report_rollups_refresh).
"""
import time
from datetime import timedelta

from bench.scale_sql import insert_select, unit

BIG_OPEN = 50_000
TWO_YEARS = 730 * 86400
# Respondent names from a small vocabulary, so a 3-character substring matches a realistic share.
FIRST = "鑫源华泰恒达金盛宏福瑞祥永兴天润佳美新丰康嘉隆顺和昌万通百汇锦东方"
SECOND = "联创利丰茂发远航卓越星辉云海晨光博雅安泰旺鼎信诚国际广宇"




def respondent(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]}{SECOND[(i // len(FIRST)) % len(SECOND)]}商贸有限公司{i % 97}号店"


def credit_code(i: int) -> str:
    return f"9144070{i:011d}"


def grow(*, start: int, stop: int, w) -> dict[str, float]:
    """Add cases start..stop-1 with their clocks and history; the seconds of each phase."""
    from django.db import connection, transaction

    from complaints.models import Case, CaseEvent
    from deadlines.models import CaseClock

    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal clock
        phases[name] = time.perf_counter() - clock
        clock = time.perf_counter()
        print(f"  seed {name}: {phases[name]:.1f} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0), now() FROM complaints_case")
        first_id, now = cursor.fetchone()
    first_id += 1
    tables = [Case._meta.db_table, CaseClock._meta.db_table, CaseEvent._meta.db_table]
    with transaction.atomic(), connection.cursor() as cursor:
        # No trigger while loading (the rows are consistent by construction); rebuilt below at once.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        indexes = _secondary_indexes(cursor, tables)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        phase("drop_indexes")
        _cases(cursor, start=start, stop=stop, first_id=first_id, now=now, w=w)
        cursor.execute("SELECT setval(pg_get_serial_sequence('complaints_case', 'id'), %s)",
                       [first_id + stop - start - 1])
        phase("cases")
        ids = [first_id, first_id + stop - start - 1]
        _clocks(cursor, start=start, first_id=first_id, ids=ids, now=now)
        phase("clocks")
        _events(cursor, ids=ids, center_id=w["center"].pk)
        phase("events")
        for _name, definition in indexes:
            cursor.execute(definition)
        phase("create_indexes")
        # Statistics first: planned on an empty table's, the rebuild's joins ran as nested loops.
        cursor.execute(f"ANALYZE {', '.join(tables)}")
        cursor.execute("SELECT complaints_inbox_rebuild()")
        phase("inbox_rebuild")
    rollups_rebuild()
    phase("rollups")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    phase("vacuum_analyze")
    return phases


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the tables' indexes no constraint needs: built once after
    the load instead of updated row by row (a partitioned table's, for all its partitions)."""
    cursor.execute(
        "SELECT i.relname, replace(pg_get_indexdef(x.indexrelid), ' ON ONLY ', ' ON ') FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = ANY(%s::regclass[]) "
        "AND NOT x.indisunique AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", [tables])
    return cursor.fetchall()


def _array(ids) -> str:
    return f"(ARRAY[{', '.join(str(int(i)) for i in ids)}])"


def _cases(cursor, *, start: int, stop: int, first_id: int, now, w) -> None:
    from complaints.models import Case

    stations, categories, areas = w["stations"], w["categories"], w["areas"]
    center, handler = w["center"].pk, w["users"]["handler"].pk
    at = f"'{now.isoformat()}'::timestamptz"
    # p: the plan of case i (received, done, r) as _plan drew it in Python before.
    plan = (f"(SELECT i, received, i >= {BIG_OPEN} AND received + interval '15 days' < {at} AS done, r, "
            f"CASE WHEN i >= {BIG_OPEN} AND received + interval '15 days' < {at} "
            f"THEN received + (3 + floor(r * 10)) * interval '1 day' END AS replied "
            f"FROM (SELECT i, {at} - {unit(1)} * CASE WHEN i < {BIG_OPEN} THEN interval '20 days' "
            f"ELSE interval '730 days' END AS received, {unit(2)} AS r "
            f"FROM generate_series({int(start)}::bigint, {int(stop) - 1}) AS g(i)) AS s) AS p")
    state = (f"CASE WHEN done THEN 'archived' WHEN i < {BIG_OPEN} AND mod(i, 2) = 1 THEN 'dispatched' "
             "ELSE 'handling' END")
    exprs = {
        "id": f"{first_id - start} + i",
        "number": "extract(year FROM received AT TIME ZONE 'UTC')::int::text || lpad(i::text, 9, '0')",
        "channel": "(ARRAY['phone', 'web', 'wechat'])[mod(i, 3) + 1]", "state": state,
        "complainant_phone": "'139' || lpad(i::text, 8, '0')",
        "respondent_name": (f"substr('{FIRST}', mod(i, {len(FIRST)})::int + 1, 1) || "
                            f"substr('{SECOND}', mod(i / {len(FIRST)}, {len(SECOND)})::int + 1, 1) || "
                            "'商贸有限公司' || mod(i, 97) || '号店'"),
        "respondent_credit_code": "'9144070' || lpad(i::text, 11, '0')",
        "received_at": "received", "registered_at": "received", "dispatched_at": "received + interval '2 hours'",
        "replied_at": "replied", "followed_up_at": "replied + interval '1 day'",
        "archived_at": "replied + interval '1 day'",
        "satisfaction": ("CASE WHEN done THEN (ARRAY['satisfied', 'basically_satisfied', 'dissatisfied'])"
                         "[mod(i, 3) + 1] ELSE '' END"),
        "resolved": "CASE WHEN done THEN mod(i, 4) <> 0 END", "is_repeat": "mod(i, 17) = 0",
        "handler_id": f"CASE WHEN i < {BIG_OPEN} AND mod(i, 2) = 0 THEN {handler} END",
        "registering_unit_id": str(center), "dispatching_unit_id": str(center),
        "handling_unit_id": (f"CASE WHEN i < {BIG_OPEN} THEN {stations[0].pk} "
                             f"ELSE {_array(s.pk for s in stations[1:])}[mod(i, {len(stations) - 1}) + 1] END"),
        "category_id": f"{_array(c.pk for c in categories)}[mod(i, {len(categories)}) + 1]",
        "respondent_area_id": f"{_array(a.pk for a in areas)}[mod(i, {len(areas)}) + 1]",
    }
    overrides = {"query_code": "ABCDEFGH", "kind": "complaint", "complainant_name": "张三", "facts": "预付卡",
                 "demand": "退款"}
    exprs.update({column: f"'{value}'" for column, value in overrides.items()})
    insert_select(cursor, Case, exprs, plan, [], order="received")


def _clocks(cursor, *, start: int, first_id: int, ids: list[int], now) -> None:
    from django.conf import settings

    from deadlines.models import CaseClock

    at = f"'{now.isoformat()}'::timestamptz"
    # i: the case's index, from which its draws are made again (r for the contact's stop).
    source = (f"(SELECT c.id, c.id - {first_id - start} AS i, c.received_at, c.replied_at, c.state = 'archived' "
              "AS done FROM complaints_case c WHERE c.id BETWEEN %s AND %s) AS c "
              "CROSS JOIN (VALUES ('contact', 1), ('handling', 10)) AS k(kind, days)")
    # The big station's running clocks spread around now: some overdue, some due soon.
    due = (f"(CASE WHEN i < {BIG_OPEN} THEN {at} + (2 * {unit(3)} - 1) * days * interval '1 day' "
           "ELSE received_at + days * interval '1 day' END)")
    exprs = {
        "case_id": "id", "clock": "kind",
        "started_at": f"CASE WHEN i < {BIG_OPEN} THEN {at} - interval '3 days' ELSE received_at END",
        "due_at": due, "due_date": f"({due} AT TIME ZONE '{settings.TIME_ZONE}')::date",
        "warn_at": f"{due} - interval '1 day'",
        "stopped_at": (f"CASE WHEN NOT done THEN NULL WHEN kind = 'contact' "
                       f"THEN received_at + (5 + {unit(2)} * 40) * interval '1 hour' ELSE replied_at END"),
        "limit_amount": "10", "limit_unit": "'working_days'",
    }
    insert_select(cursor, CaseClock, exprs, source, ids, order="received_at")


def _events(cursor, *, ids: list[int], center_id: int) -> None:
    from complaints.models import CaseEvent

    c = int(center_id)
    source = (
        "complaints_case c CROSS JOIN LATERAL (VALUES "
        f"(c.received_at, 'receive', '', 'registered', {c}, true), "
        f"(c.received_at + interval '2 hours', 'dispatch', 'registered', 'dispatched', {c}, true), "
        "(c.received_at + interval '3 hours', 'accept', 'dispatched', 'handling', NULL, c.state = 'handling'), "
        "(c.replied_at, 'reply', 'handling', 'replied', NULL, c.replied_at IS NOT NULL), "
        f"(c.replied_at + interval '1 day', 'follow_up', 'replied', 'followed_up', {c}, c.replied_at IS NOT NULL), "
        "(c.replied_at + interval '1 day 5 minutes', 'archive', 'followed_up', 'archived', "
        f"{c}, c.replied_at IS NOT NULL)) AS e(at, action, source_state, target_state, actor, keep) "
        "WHERE c.id BETWEEN %s AND %s AND e.keep")
    exprs = {"case_id": "c.id", "at": "e.at", "action": "e.action", "source_state": "e.source_state",
             "target_state": "e.target_state", "actor_unit_id": "e.actor"}
    insert_select(cursor, CaseEvent, exprs, source, ids, order="e.at")


def rollups_rebuild() -> int:
    """Every day rolled up again: the load touched every day of the two years, without the triggers
    that mark a day dirty, so the rollups start over from the first case."""
    from reports.rollups import DailyFigures, RollupState

    DailyFigures.objects.all().delete()
    RollupState.objects.all().delete()
    return rollups_refresh()


def rollups_refresh() -> int:
    """What the rollups' beat task does (reports.tasks), with no limit on the days closed: close the
    ended days, rebuild the dirty ones, and merge the hours of the open-case tallies, so that they
    hold a few rows per unit as on a live system, not one per hour with a deadline."""
    from django.utils import timezone

    from complaints.services.tallies import open_tallies_compact
    from reports.services_rollups import report_rollups_refresh

    days = report_rollups_refresh(days_per_run=800)
    open_tallies_compact(before=timezone.now() - timedelta(hours=1))
    return days
