"""Read queries for routing pages: the dispatch queue with proposals, the file-anywhere list,
per-unit return counts and what a case page shows about its routing."""
from datetime import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery

from routing.models import PlatformJurisdiction, Unit

from . import access
from .models import Case, CaseAssignment, CaseEvent, CrossRegionNotice
from .selectors import case_dispatch_queue, case_list


def dispatch_queue_with_proposals(*, visible_to, unmatched_only: bool = False) -> QuerySet[Case]:
    """The dispatch queue, each case with its routing proposal (one joined query per page)."""
    last_return = CaseEvent.objects.filter(case=OuterRef("pk"), action=CaseEvent.Action.RETURN).order_by("-at", "-pk")
    qs = case_dispatch_queue(visible_to=visible_to).select_related(
        "routing__proposed_unit", "routing__rule", "respondent_area").annotate(
        # A returned case shows who returned it and why (退回), beside the proposal made without them.
        returned_by_name=Subquery(last_return.filter(case__return_count__gt=0).values("actor_unit__name")[:1]),
        returned_reason=Subquery(last_return.filter(case__return_count__gt=0).values("note")[:1]))
    if unmatched_only:
        qs = qs.filter(routing__proposed_unit__isnull=True)
    return qs


def dispatch_targets(*, user) -> QuerySet[Unit]:
    """The units this user may dispatch to: the scope `access.require_dispatch_to` enforces, so a
    form never offers a unit the service would refuse. Neither the center nor a district center names itself."""
    qs = Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True).order_by("path")
    if user is None or not access.dispatches(user):
        return qs.none()
    scope = access.dispatch_scope_unit(user)
    if scope is not None:
        return qs.filter(path__startswith=scope.path).exclude(pk=scope.pk)
    return qs.exclude(kind=Unit.Kind.CENTER)


def redispatch_queue(*, visible_to) -> QuerySet[Case]:
    """Cases dispatched to the user's district center and waiting for it to dispatch them on."""
    unit = visible_to.unit
    if unit is None or unit.kind != Unit.Kind.DISTRICT_CENTER:
        return Case.objects.none()
    return Case.objects.filter(state=Case.State.DISPATCHED, handling_unit=unit).select_related(
        "routing__proposed_unit", "respondent_area").order_by("dispatched_at")


def cross_region_case_list(*, visible_to) -> QuerySet[Case]:
    """All file-anywhere (同城通办) cases the user may see, newest first, with their notice record."""
    return case_list(visible_to=visible_to).filter(cross_region=True).select_related(
        "cross_region_notice__target_unit", "cross_region_notice__receiving_unit").order_by("-received_at")


def return_events(*, since: datetime | None = None, until: datetime | None = None) -> QuerySet[CaseEvent]:
    """Every return (退回) in the history, optionally within [since, until): who returned what, when, why.
    The unit that returned the case is the event's actor_unit (the returning user's unit)."""
    events = CaseEvent.objects.filter(action=CaseEvent.Action.RETURN, actor_unit__isnull=False)
    if since:
        events = events.filter(at__gte=since)
    if until:
        events = events.filter(at__lt=until)
    return events


def unit_return_counts(*, since: datetime | None = None, until: datetime | None = None) -> dict[int, int]:
    """How many times each unit returned a case (退回), from the history: {unit id: count}."""
    events = return_events(since=since, until=until)
    return dict(events.values_list("actor_unit").annotate(n=Count("pk")).values_list("actor_unit", "n"))


def case_routing_view(*, case: Case, user) -> dict:
    """What the case page's routing section shows and which of its forms this user may use."""
    assignments = list(case.assignments.select_related("unit"))
    routing = getattr(case, "routing", None)  # None until the case is registered
    notice = CrossRegionNotice.objects.filter(case=case).select_related(
        "target_unit", "receiving_unit", "notified_by").first()
    active = case.state in Case.AT_UNIT_STATES
    may_assign = active and access.may_assign_cohandlers(case, user)
    scope = access.dispatch_scope_unit(user)
    transfer = case.events.filter(action=CaseEvent.Action.TRANSFER).order_by("-at").first() \
        if case.state == Case.State.TRANSFERRED else None
    return {
        "routing": routing,
        "co_handlers": [a for a in assignments if a.role == CaseAssignment.Role.CO_HANDLER],
        "informed": [a for a in assignments if a.role == CaseAssignment.Role.INFORMED],
        "cross_notice": notice,
        "can_accept_proposal": case.state == Case.State.REGISTERED and routing is not None
        and routing.proposed_unit_id is not None and access.may_dispatch(case, user),
        "can_notify_cross_region": notice is not None and notice.notified_at is None
        and access.may_notify_cross_region(notice, user),
        "can_assign_cohandlers": may_assign,
        "can_add_findings": active and access.may_add_findings(case, user),
        "transfer_event": transfer,
        "can_switch_platform": case.respondent_platform_id is not None
        and access.may_switch_platform_jurisdiction(case, user),
        "platform_reasons": [(value, label) for value, label in PlatformJurisdiction.choices
                             if value != case.platform_jurisdiction],
        "cohandler_choices": list(
            (Unit.objects.filter(path__startswith=scope.path) if scope is not None
             else Unit.objects.all()).exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True)
            # The lead unit cannot co-handle its own case: the service would drop it.
            .exclude(pk=case.handling_unit_id).order_by("path")
        ) if may_assign else [],
    }
