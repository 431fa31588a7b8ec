"""The center's to-do list (中心待办): what waits for the center, or for a district center about its
own units, by kind, oldest first. The page (views_todo.py), the menu count (context_processors.py)
and the landing page after login read it here, so a count and its list never disagree."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints import access
from complaints.models import Case, CaseEvent, CrossRegionNotice, ExtensionRequest
from complaints.selectors import case_list
from supervision.selectors import red_line_items, stage_reply_owed

ROWS_PER_KIND = 20


@dataclass(frozen=True)
class TodoKind:
    name: str
    title: Promise
    hint: Promise


KINDS = [
    TodoKind("extensions", _("延期申请待审批"), _("承办单位申请延长办理时限，超过原期限前须审批。")),
    TodoKind("replies", _("答复待核查"), _("承办单位已答复，核查通过后方可回访、办结。")),
    TodoKind("returns", _("被退回待重新分流"), _("承办单位以非本单位管辖为由退回的工单。")),
    TodoKind("stage_replies", _("应作阶段性回复"), _("延期后超过原期限仍未作阶段性回复的工单。")),
    TodoKind("cross_region", _("同城通办告知未备案"), _("受理单位尚未告知被投诉人所属单位并报中心备案。")),
    TodoKind("red_lines", _("红线台账待销号"), _("超期、重复投诉、不满意的挂牌事项。")),
    TodoKind("to_register", _("已接收待登记"), _("已接收尚未登记的工单，五要素不全的列明所缺项目。")),
]


def _overseen_cases(user) -> QuerySet[Case]:
    """The cases whose oversight is this user's: all for the center; for a district center those
    handled (or, before dispatch, registered) within its district."""
    cases = case_list(visible_to=user)
    unit = getattr(user, "unit", None)
    if access.is_center(user) or unit is None:
        return cases
    return cases.filter(Q(handling_unit__path__startswith=unit.path)
                        | Q(handling_unit__isnull=True, registering_unit__path__startswith=unit.path))


def _last_return(field: str) -> Subquery:
    events = CaseEvent.objects.filter(case=OuterRef("pk"), action=CaseEvent.Action.RETURN).order_by("-at", "-pk")
    return Subquery(events.values(field)[:1])


def _queries(user, now) -> dict[str, QuerySet]:
    cases = _overseen_cases(user)
    unit = getattr(user, "unit", None)
    # A return lands with whoever dispatched: the center's queue (registered again) or the district
    # center that dispatched it on (dispatched to that center itself).
    returned = Q(state=Case.State.REGISTERED, return_count__gt=0)
    if unit is not None and unit.kind == unit.Kind.DISTRICT_CENTER:
        returned = Q(state=Case.State.DISPATCHED, return_count__gt=0, handling_unit=unit)
    return {
        "extensions": ExtensionRequest.objects.filter(
            decision=ExtensionRequest.Decision.PENDING, case__in=cases.filter(extension_pending=True).values("pk"),
        ).select_related("case", "case__handling_unit", "requested_by").order_by("requested_at", "pk"),
        "replies": cases.filter(state=Case.State.REPLIED, reply_approved_at__isnull=True)
        .select_related("handler").order_by("replied_at", "pk"),
        "returns": cases.filter(returned).annotate(
            returned_at=_last_return("at"), returned_reason=_last_return("note"),
            returned_by_name=_last_return("actor_unit__name"),
        ).select_related("routing__proposed_unit").order_by("returned_at", "pk"),
        "stage_replies": stage_reply_owed(visible_to=user, now=now).filter(case__in=cases.values("pk")),
        "cross_region": CrossRegionNotice.objects.filter(
            notified_at__isnull=True, case__in=cases.values("pk"),
        ).select_related("case", "case__handling_unit", "receiving_unit", "target_unit").order_by("due_at", "pk"),
        "red_lines": red_line_items(visible_to=user).filter(closed_at__isnull=True, case__in=cases.values("pk"))
        .order_by("opened_at", "pk"),
        "to_register": cases.filter(state=Case.State.RECEIVED).order_by("received_at", "pk"),
    }


def todo_kinds_for(user) -> list[TodoKind]:
    """The kinds this user acts on: registering is for those who may register."""
    if not access.oversees_units(user):
        return []
    return [kind for kind in KINDS if kind.name != "to_register" or user.has_perm("complaints.register_case")]


def center_todo(*, user, now=None, rows: int = ROWS_PER_KIND) -> list[dict]:
    """Each kind with its count and its oldest rows."""
    now = now or timezone.now()
    queries = _queries(user, now)
    return [{"kind": kind, "count": queries[kind.name].count(), "rows": list(queries[kind.name][:rows])}
            for kind in todo_kinds_for(user)]


def center_todo_count(*, user, now=None) -> int:
    """The menu's figure: everything waiting, whatever the kind."""
    now = now or timezone.now()
    queries = _queries(user, now)
    return sum(queries[kind.name].count() for kind in todo_kinds_for(user))
