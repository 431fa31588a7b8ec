"""Read queries for the supervision pages, and who is told of supervision. Unit isolation comes
from complaints.selectors."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from complaints.models import CaseCluster, CaseEvent
from complaints.selectors import case_list, case_visibility_filter
from deadlines.models import CaseClock
from deadlines.selectors import RED, YELLOW, clocks_coloured
from routing.models import Unit, User
from supervision.models import Escalation, RedLineItem

STAGE_REPLY_CLOCKS = ["handling", "redo"]

# Not an escalation level but told like the last one: a year in reach has no holiday schedule
# (supervision.tasks.calendar_coverage_check). The supervisors are told too: they keep the calendar.
SCHEDULE_MISSING = "schedule_missing"

# What concerns the center as a whole reaches these roles there, whichever unit it is about.
_CENTER_ROLES = {
    Escalation.Level.DIRECTOR: [User.Role.DIRECTOR],
    SCHEDULE_MISSING: [User.Role.DIRECTOR, User.Role.SUPERVISOR],
}


def _visible(qs: QuerySet, visible_to) -> QuerySet:
    if case_visibility_filter(visible_to) is None:
        return qs
    return qs.filter(case__in=case_list(visible_to=visible_to))


def red_line_items(*, visible_to) -> QuerySet[RedLineItem]:
    """Ledger items of the cases the user may see: all for the center, its subtree for a district."""
    items = RedLineItem.objects.select_related("case", "case__handling_unit", "closed_by")
    return _visible(items, visible_to)


def red_line_ledger(*, month: date, visible_to, unit=None, reason: str = "") -> dict:
    """The ledger of one month for paging: every item still open from earlier months, which the
    monthly clearing (月度清零) must not lose, then the month's items, open before closed; and its
    counts, in one query. Optionally of one unit's subtree or one kind of red line."""
    items = red_line_items(visible_to=visible_to)
    if unit is not None:
        items = items.filter(case__handling_unit__path__startswith=unit.path)
    if reason:
        items = items.filter(reason=reason)
    open_now = Q(closed_at__isnull=True)
    carried, this_month = Q(month__lt=month) & open_now, Q(month=month)
    counts = items.aggregate(
        open_count=Count("pk", filter=this_month & open_now),
        carried_count=Count("pk", filter=carried),
        **{f"open_{r}": Count("pk", filter=this_month & open_now & Q(reason=r)) for r in RedLineItem.Reason.values},
    )
    return {
        # pk breaks ties so that pages neither overlap nor skip rows.
        "items": items.filter(carried | this_month).order_by(
            "month", F("closed_at").asc(nulls_first=True), "opened_at", "pk"),
        "open_count": counts["open_count"],
        "carried_count": counts["carried_count"],
        "by_reason": [(label, counts[f"open_{value}"]) for value, label in RedLineItem.Reason.choices
                      if counts[f"open_{value}"]],
    }


def stage_reply_owed(*, visible_to, now=None, unit=None, search: str = "") -> QuerySet[CaseClock]:
    """Running handling clocks past their original limit (an extension was approved) with no stage
    reply (阶段性回复) since that limit passed; optionally of one unit's subtree or matching a search.

    An earlier `now` gives what was owed at that moment (the weekly notice's week end); visible_to=None
    means no viewer's restriction (a report for a unit's subtree, given as `unit`)."""
    now = now or timezone.now()
    replied = CaseEvent.objects.filter(case=OuterRef("case"), action=CaseEvent.Action.STAGE_REPLY,
                                       at__gte=OuterRef("original_due_at"), at__lte=now)
    running = Q(stopped_at__isnull=True) | Q(stopped_at__gt=now)
    clocks = CaseClock.objects.filter(running, clock__in=STAGE_REPLY_CLOCKS,
                                      original_due_at__lte=now).filter(~Exists(replied))
    if search:
        # case_list's search applies its visibility rule too, so one subquery does both.
        clocks = clocks.filter(case__in=case_list(visible_to=visible_to, search=search).values("pk"))
    elif visible_to is not None:
        clocks = _visible(clocks, visible_to)
    if unit is not None:
        clocks = clocks.filter(case__handling_unit__path__startswith=unit.path)
    # pk breaks ties so that pages do not overlap or skip rows.
    return clocks.select_related("case", "case__handling_unit").order_by("original_due_at", "pk")


def overdue_summary(*, visible_to, now=None) -> dict:
    """Running clocks in colour, as the case page colours them (deadlines.selectors), not as the
    sweep last recorded them; plain overdue counted apart from overdue after an approved extension."""
    now = now or timezone.now()
    red, yellow = clocks_coloured(RED, now=now), clocks_coloured(YELLOW, now=now)
    clocks = _visible(CaseClock.objects.filter(red | yellow), visible_to)
    return clocks.aggregate(
        overdue=Count("pk", filter=red & Q(extended_days=0)),
        overdue_with_extension=Count("pk", filter=red & Q(extended_days__gt=0)),
        yellow=Count("pk", filter=yellow),
    )


def accountability_list(*, visible_to, since: date | None = None) -> dict:
    """Overdue without an approved extension, recorded against the unit and the handler (问责)."""
    orders = _visible(Escalation.objects.filter(level=Escalation.Level.ORDER), visible_to)
    if since:
        orders = orders.filter(created_at__date__gte=since)
    records = orders.filter(with_extension=False)
    return {
        "by_unit": records.values("unit__name").annotate(n=Count("pk")).order_by("-n", "unit__name"),
        "by_handler": records.exclude(handler=None)
        .values("unit__name", "handler__username", "handler__first_name").annotate(n=Count("pk")).order_by("-n"),
        "records": records.select_related("case", "clock", "unit", "handler").order_by("-created_at")[:200],
        "with_extension": orders.filter(with_extension=True).count(),
    }


def cluster_list(*, state: str | None = None) -> QuerySet[CaseCluster]:
    qs = CaseCluster.objects.select_related("action_unit").annotate(size=Count("cases"))
    return qs.filter(state=state) if state else qs.exclude(state=CaseCluster.State.CLOSED)


def case_supervision(*, case) -> dict:
    """What the case page shows about supervision: escalations, ledger items, stage replies owed."""
    now = timezone.now()
    owes = any(
        clock.clock in STAGE_REPLY_CLOCKS and clock.stopped_at is None and clock.original_due_at
        and clock.original_due_at <= now
        and not any(e.action == CaseEvent.Action.STAGE_REPLY and e.at >= clock.original_due_at
                    for e in case.events.all())
        for clock in case.clocks.all()
    )
    return {
        "escalations": Escalation.objects.filter(case=case).select_related("clock", "unit").order_by("created_at"),
        "red_lines": RedLineItem.objects.filter(case=case).order_by("opened_at"),
        "owes_stage_reply": owes,
        "paused": [c for c in case.clocks.all() if c.stopped_at is None and c.paused_at is not None],
    }


@dataclass(frozen=True)
class Told:
    """The units (everyone in them) and the users (by name) told of one thing."""
    units: list[Unit] = field(default_factory=list)
    users: list[User] = field(default_factory=list)


def supervision_recipients(*, level: int | str, unit_ids: Iterable[int | None] = (None,)) -> dict[int | None, Told]:
    """Who is told of a supervision step at `level` about the cases of each responsible unit, keyed
    by the unit's id, in one or two queries whatever the number of units:

    - level 1, the supervision order (督办单): the unit and its active unit leaders;
    - level 2: the unit's parent;
    - level 3: the center's active directors;
    - SCHEDULE_MISSING, the calendar warning: the center's active directors and supervisors.

    The sweep, its e-mails and the calendar warning all ask here, so the rule exists once."""
    unit_ids = set(unit_ids)
    if level in _CENTER_ROLES:
        users = list(User.objects.filter(is_active=True, unit__kind=Unit.Kind.CENTER,
                                         role__in=_CENTER_ROLES[level]).order_by("pk"))
        return {unit_id: Told(users=users) for unit_id in unit_ids}
    unit_ids.discard(None)  # a case no unit holds has nobody to tell below the center
    if level == Escalation.Level.PARENT:
        units = Unit.objects.filter(pk__in=unit_ids, parent__isnull=False).select_related("parent")
        return {unit.pk: Told(units=[unit.parent]) for unit in units}
    if level != Escalation.Level.ORDER:
        raise ValueError(f"no recipients for {level!r}")
    leaders: dict[int, list[User]] = {}
    for user in User.objects.filter(is_active=True, role=User.Role.UNIT_LEADER, unit__in=unit_ids).order_by("pk"):
        leaders.setdefault(user.unit_id, []).append(user)
    units = Unit.objects.filter(pk__in=unit_ids)
    return {unit.pk: Told(units=[unit], users=leaders.get(unit.pk, [])) for unit in units}
