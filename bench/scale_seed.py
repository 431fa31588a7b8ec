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
import json
import random
import time
from datetime import timedelta

from bench.reports import _model_rows

BIG_OPEN = 50_000
TWO_YEARS = 730 * 86400
# Respondent names from a small vocabulary, so a 3-character substring matches a realistic share.
FIRST = "鑫源华泰恒达金盛宏福瑞祥永兴天润佳美新丰康嘉隆顺和昌万通百汇锦东方"
SECOND = "联创利丰茂发远航卓越星辉云海晨光博雅安泰旺鼎信诚国际广宇"




def respondent(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]}{SECOND[(i // len(FIRST)) % len(SECOND)]}商贸有限公司{i % 97}号店"


def credit_code(i: int) -> str:
    return f"9144070{i:011d}"


def _plan(i: int, now, rng):
    """(i, received, done, open_state, r) of case i."""
    r = rng.random()
    if i < BIG_OPEN:
        return i, now - timedelta(seconds=rng.randint(0, 20 * 86400)), False, ("handling", "dispatched")[i % 2], r
    received = now - timedelta(seconds=rng.randint(0, TWO_YEARS))
    done = received + timedelta(days=15) < now
    return i, received, done, "handling", r


def _jsonable(rows):
    # JSON columns' defaults ({} / []) as text: COPY takes them as the column's input format.
    for row in rows:
        yield [json.dumps(v) if isinstance(v, dict | list) else v for v in row]


def _copy(model, plans, overrides_of, ids=None):
    """COPY one row per plan; with `ids` (the same plans again), the rows' ids taken from them."""
    from core.bulk_copy import copy_rows

    columns, rows = _model_rows(model, plans, overrides_of)
    if ids is not None:
        columns = ["id", *columns]
        rows = ([plan[0], *row] for plan, row in zip(ids, rows, strict=True))
    return copy_rows(table=model._meta.db_table, columns=columns, rows=_jsonable(rows))


def grow(*, start: int, stop: int, w) -> float:
    """Add cases start..stop-1 with their clocks and history; returns the seconds it took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.inbox_tally_sql import SEARCH_INDEXES
    from complaints.models import Case, CaseEvent
    from deadlines.models import CaseClock
    from deadlines.workdays import local_date

    began = time.perf_counter()
    now = timezone.now()
    due_rng = random.Random(start)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM complaints_case")
        first_id = cursor.fetchone()[0] + 1
    stations, categories, areas = w["stations"], w["categories"], w["areas"]
    center_id, handler_id = w["center"].pk, w["users"]["handler"].pk

    def plans():  # (case id, received, done, state, r, i): regenerated per table, never held in memory
        rng = random.Random(12315 + start)  # its own: two of these run side by side for the cases
        for i in range(start, stop):
            _, received, done, state, r = _plan(i, now, rng)
            yield first_id + i - start, received, done, state, r, i

    def case(p):
        case_id, received, done, state, r, i = p
        replied = received + timedelta(days=3 + int(r * 10)) if done else None
        unit = stations[0] if i < BIG_OPEN else stations[1 + i % (len(stations) - 1)]
        signed = state == "handling"
        return {
            "number": f"{received:%Y}{i:09d}", "query_code": "ABCDEFGH", "kind": "complaint",
            "channel": ("phone", "web", "wechat")[i % 3], "state": "archived" if done else state,
            "complainant_name": "张三", "complainant_phone": f"139{i:08d}", "respondent_name": respondent(i),
            "respondent_credit_code": credit_code(i), "facts": "预付卡", "demand": "退款",
            "received_at": received, "registered_at": received, "dispatched_at": received + timedelta(hours=2),
            "replied_at": replied, "followed_up_at": replied + timedelta(days=1) if replied else None,
            "archived_at": replied + timedelta(days=1) if replied else None,
            "satisfaction": ("satisfied", "basically_satisfied", "dissatisfied")[i % 3] if replied else "",
            "resolved": (i % 4 != 0) if replied else None, "is_repeat": i % 17 == 0,
            "handler_id": handler_id if signed and i < BIG_OPEN else None,
            "registering_unit_id": center_id, "dispatching_unit_id": center_id, "handling_unit_id": unit.pk,
            "category_id": categories[i % len(categories)].pk, "respondent_area_id": areas[i % len(areas)].pk,
        }

    def clocks():
        for case_id, received, done, _state, r, i in plans():
            started = now - timedelta(days=3) if i < BIG_OPEN else received
            for kind, days, stop_at in (("contact", 1, received + timedelta(hours=5 + r * 40) if done else None),
                                        ("handling", 10, received + timedelta(days=3 + int(r * 10)) if done else None)):
                # The big station's running clocks spread around now: some overdue, some due soon.
                due = (now + timedelta(minutes=due_rng.randint(-1440 * days, 1440 * days)) if i < BIG_OPEN
                       else received + timedelta(days=days))
                yield case_id, kind, started, due, stop_at

    def clock(c):
        return {"case_id": c[0], "clock": c[1], "started_at": c[2], "due_at": c[3], "due_date": local_date(c[3]),
                "warn_at": c[3] - timedelta(days=1), "stopped_at": c[4], "limit_amount": 10,
                "limit_unit": "working_days"}

    def events():
        for case_id, received, done, state, r, _i in plans():
            yield case_id, received, "receive", "", "registered", center_id
            yield case_id, received + timedelta(hours=2), "dispatch", "registered", "dispatched", center_id
            if state == "handling" and not done:
                yield case_id, received + timedelta(hours=3), "accept", "dispatched", "handling", None
            if done:
                replied = received + timedelta(days=3 + int(r * 10))
                yield case_id, replied, "reply", "handling", "replied", None
                yield case_id, replied + timedelta(days=1), "follow_up", "replied", "followed_up", center_id
                yield case_id, replied + timedelta(days=1, minutes=5), "archive", "followed_up", "archived", center_id

    def event(e):
        return {"case_id": e[0], "at": e[1], "action": e[2], "source_state": e[3], "target_state": e[4],
                "actor_unit_id": e[5]}

    with transaction.atomic(), connection.cursor() as cursor:
        # No trigger while loading (the rows are consistent by construction); rebuilt below at once.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for name, _definition in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX {name}")
        _copy(Case, plans(), case, ids=plans())
        cursor.execute("SELECT setval(pg_get_serial_sequence('complaints_case', 'id'), %s)", [first_id + stop - start])
        _copy(CaseClock, clocks(), clock)
        _copy(CaseEvent, events(), event)
        # Statistics first: planned on an empty table's, the rebuild's joins ran as nested loops.
        cursor.execute("ANALYZE complaints_case, complaints_caseclock")
        cursor.execute("SELECT complaints_inbox_rebuild()")
        for name, definition in SEARCH_INDEXES:
            cursor.execute(f"CREATE INDEX {name} ON complaints_case {definition}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rollups_rebuild()
    return time.perf_counter() - began


def rollups_rebuild() -> int:
    """Every day rolled up again: the load touched every day of the two years, without the triggers
    that mark a day dirty, so the rollups start over from the first case."""
    from reports.rollups import DailyFigures, RollupState
    from reports.services_rollups import report_rollups_refresh

    DailyFigures.objects.all().delete()
    RollupState.objects.all().delete()
    return report_rollups_refresh(days_per_run=800)
