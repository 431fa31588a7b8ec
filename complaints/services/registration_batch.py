"""Registering many received cases at once: the worker's registration of API work orders.

`case_register` (intake.py) spends some twenty round trips on one case; a hotline platform's burst
brings hundreds a second. `cases_register_batch` does for a batch exactly what `case_register` does
for each of its cases, in the order given, with a constant number of statements: the cases locked
and read afresh in one, the rules asked once for all of them (routing, professional claimants,
repeats, clusters), then the clocks, routing rows, notices and history written set-wise and the
cases moved to registered in one UPDATE. Each rule has one home: the functions called here are the
ones `case_register` calls for a single case.

Sequential registration of the batch would see the same data: every case of the batch is already
in the database (received), and registration changes nothing a later case's checks read (a repeat
or cluster counts received and registered cases alike). So a repeat pair inside one batch is
linked, the second to the first, as one after the other would link it.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_fsm import ConcurrentTransition

from core.errors import ApplicationError, TransitionRefused
from deadlines.services import clocks_start_many
from routing.divisions import area_division_among, unit_division
from routing.selectors import areas_with_ancestors

from ..inbox_tally_sql import CASE_REWRITE_FOLLOWS
from ..models import Case, CaseEvent, CaseRouting, CrossRegionNotice, IntakeSettings
from ..rowwrite import rows_insert
from .guards import require_transition
from .history import case_event_build, case_events_write
from .repeats import claimants_professional, clusters_join, earlier_same_matter_many, repeat_link
from .routing import (
    by_platform,
    cases_route_propose,
    cross_region_bureau,
    cross_region_is,
    cross_region_link,
    routing_found,
)


def cases_register_batch_supported() -> bool:
    """The batch's statements are PostgreSQL's (arrays, unnest, LIMIT inside a UNION); SQLite, the
    demo's database, registers its few cases one by one."""
    return transaction.get_connection().vendor == "postgresql"


@dataclass
class BatchRegistration:
    registered: list[Case] = field(default_factory=list)
    # Not registrable now (no longer received, an element missing, refused): left for the clerk.
    left: list[Case] = field(default_factory=list)
    # What the batch does not cover (a routing row or a notice from an earlier registration, no
    # registering unit): the caller registers these one by one, with case_register.
    one_by_one: list[Case] = field(default_factory=list)


@transaction.atomic
def cases_register_batch(*, cases: list[Case], by, at=None) -> BatchRegistration:
    """Register the cases as `by` (what case_register does for each). One transaction: a fault in
    any statement undoes the whole batch, and the caller falls back to one case at a time."""
    at = at or timezone.now()
    result = BatchRegistration()
    order = {case.pk: i for i, case in enumerate(cases)}
    fresh = _lock(order)
    locked = {case.pk for case in fresh}
    result.left = [case for case in cases if case.pk not in locked]
    batch: list[Case] = []
    sources: dict[int, str] = {}
    for case in fresh:
        if case.routed or case.noticed or case.cross_region or case.registering_unit_id is None:
            result.one_by_one.append(case)
            continue
        if not case.elements_complete():
            result.left.append(case)
            continue
        try:
            sources[case.pk] = require_transition(case.register, by)
        except (TransitionRefused, PermissionDenied, ApplicationError):
            result.left.append(case)
            continue
        case.register(at=at)
        batch.append(case)
    if not batch:
        return result
    policy = IntakeSettings.cached()
    for case, professional in zip(batch, claimants_professional(
            [(case.complainant_phone, case.complainant_id_number) for case in batch]), strict=True):
        case.professional_claimant = professional
    _case_rewrite_follows(True)  # every case of the batch is rewritten below (_cases_update)
    clocks_start_many(cases=batch, clocks=["dispatch"], at=at)
    events: dict[int, list[CaseEvent]] = {case.pk: [case_event_build(
        case=case, actor=by, action=CaseEvent.Action.REGISTER, source=sources[case.pk], at=at)] for case in batch}
    by_code = areas_with_ancestors([case.respondent_area for case in batch]
                                   + [case.respondent_platform.operator_area for case in batch if by_platform(case)])
    proposals = cases_route_propose(batch, by_code=by_code)
    rows: list = [CaseRouting(case=case, **routing_found(p, at=at)) for case, p in zip(batch, proposals, strict=True)]
    rows += _cross_region(batch, proposals, by_code=by_code, level=policy.cross_region_level, by=by, at=at,
                          events=events)
    _repeats(batch, since=at - timedelta(days=policy.repeat_window_days), by=by, at=at, events=events)
    links = clusters_join(batch, since=at - timedelta(days=policy.cluster_window_days),
                          threshold=policy.cluster_min_complainants, at=at)
    for case in batch:
        if case.pk in links:
            events[case.pk].append(case_event_build(case=case, actor=by, at=at, **links[case.pk]))
    _cases_update(batch, at=at)
    _case_rewrite_follows(False)
    rows_insert(rows)
    # Listeners see each case as case_register's do: registered, at the version it was loaded with.
    case_events_write([event for case in batch for event in events[case.pk]])
    for case in batch:
        case.version = case._loaded_version = case._loaded_version + 1 + int(case.cross_region)
    result.registered = batch
    return result


def _lock(order: dict[int, int]) -> list[Case]:
    """The cases still received, locked (as case_register's history write locks its case) and read
    afresh, in the batch's order; a case a clerk holds is waited for, then skipped if it moved."""
    fresh = list(
        Case.objects.select_for_update(no_key=True, of=("self",))
        .select_related("respondent_area", "category", "respondent_platform__operator_area", "registering_unit")
        .filter(pk__in=list(order), state=Case.State.RECEIVED)
        .annotate(routed=Exists(CaseRouting.objects.filter(case=OuterRef("pk"))),
                  noticed=Exists(CrossRegionNotice.objects.filter(case=OuterRef("pk"))))
    )
    fresh.sort(key=lambda case: order[case.pk])
    return fresh


def _cross_region(batch, proposals, *, by_code, level, by, at, events) -> list[CrossRegionNotice]:
    """_cross_region_check (routing.py) for cases registered for the first time: no notice yet."""
    divisions, bureaus, found = {}, {}, []
    for case, proposal in zip(batch, proposals, strict=True):
        theirs = area_division_among(area=case.respondent_area, level=level, by_code=by_code)
        if theirs is None:
            continue
        receiving = case.registering_unit
        if receiving.pk not in divisions:
            divisions[receiving.pk] = unit_division(unit=receiving, level=level)
        if not cross_region_is(theirs=theirs, ours=divisions[receiving.pk]):
            continue
        key = (theirs.pk, getattr(proposal.unit, "pk", None))
        if key not in bureaus:
            bureaus[key] = cross_region_bureau(theirs=theirs, target=proposal.unit)
        if bureaus[key] is None:
            continue
        case.cross_region = True
        found.append((case, theirs, bureaus[key]))
    clocks = {clock.case.pk: clock for clock in
              clocks_start_many(cases=[case for case, _t, _b in found], clocks=["cross_region_notice"], at=at)}
    notices = []
    for case, theirs, bureau in found:
        clock = clocks.get(case.pk)
        notices.append(CrossRegionNotice(case=case, receiving_unit=case.registering_unit, target_unit=bureau,
                                         due_at=clock.due_at if clock else None))
        events[case.pk].append(case_event_build(case=case, actor=by, at=at, **cross_region_link(
            theirs=theirs, bureau=bureau, receiving=case.registering_unit)))
    return notices


def _repeats(batch, *, since, by, at, events) -> None:
    """The earliest earlier case of each (case_repeats_check's rule), all in one query."""
    earlier = earlier_same_matter_many(batch, since=since)
    for case in batch:
        link = repeat_link(case, earlier.get(case.pk))
        if link is not None:
            events[case.pk].append(case_event_build(case=case, actor=by, at=at, **link))


def _case_rewrite_follows(on: bool) -> None:
    """Tell the clocks' trigger that the cases they belong to are rewritten before the batch is
    done, so a clock started meanwhile need not touch its case (the rewrite recomputes its nearest
    deadline). Transaction-local: a failed batch's savepoint takes it back too."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [CASE_REWRITE_FOLLOWS, "on" if on else "off"])


def _cases_update(batch: list[Case], *, at) -> None:
    """The registered rows in one UPDATE, on the state and version each case was read with (the
    optimistic lock of case.save()): the versions move as case_register's saves would move them."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    column = {name: quote(Case._meta.get_field(name).column) for name in
              ("state", "registered_at", "version", "professional_claimant", "is_repeat", "repeat_of",
               "cross_region")}
    table = quote(Case._meta.db_table)
    params = [Case.State.REGISTERED, at,
              [case.pk for case in batch], [case._loaded_version for case in batch],
              [case.professional_claimant for case in batch], [case.is_repeat for case in batch],
              [case.repeat_of_id for case in batch], [case.cross_region for case in batch],
              Case.State.RECEIVED]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET {column['state']} = %s, {column['registered_at']} = %s, "
            f"{column['version']} = v.loaded + 1 + v.cross_region::int, "
            f"{column['professional_claimant']} = v.professional, {column['is_repeat']} = v.is_repeat, "
            f"{column['repeat_of']} = v.repeat_of, {column['cross_region']} = v.cross_region "
            "FROM unnest(%s::bigint[], %s::int[], %s::bool[], %s::bool[], %s::bigint[], %s::bool[]) "
            "AS v(id, loaded, professional, is_repeat, repeat_of, cross_region) "
            f"WHERE c.id = v.id AND c.{column['version']} = v.loaded AND c.{column['state']} = %s",
            params,
        )
        if cursor.rowcount != len(batch):  # the lock makes this a bug, not a race: undo the batch
            raise ConcurrentTransition("cases moved while their batch was being registered")
