"""Which unit has jurisdiction over a case (管辖), and why.

`route_propose` costs two indexed queries whatever the size of the area tree and the rule table:
the area's ancestors come from its materialized path (one lookup by unique code), and the winning
rule is the first row of one ordered, filtered query. Area coverage (the unit set on an area) is the
fallback when no rule matches.
"""
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_noop

from core.notes import Note

from .models import Area, Category, Platform, PlatformJurisdiction, RoutingRule, Unit


@dataclass(frozen=True)
class RouteProposal:
    unit: Unit | None
    rule: RoutingRule | None
    area: Area | None  # the area (the case's or an ancestor) whose coverage or rule decided
    note: Note  # why, readable in any language

    @property
    def matched(self) -> bool:
        return self.unit is not None

    @property
    def reason(self) -> str:
        return str(self.note)


def area_full_name(ancestors: list[Area]) -> str:
    """"蓬江区白沙街道": the names from the district down (the city is implied)."""
    names = [a.name for a in ancestors if a.level not in (Area.Level.PROVINCE, Area.Level.CITY)]
    return "".join(names) or "".join(a.name for a in ancestors)


@dataclass(frozen=True)
class RouteRequest:
    """What the proposal for one case is decided on."""
    area: Area | None
    category: Category | None
    kind: str
    excluding: tuple[int, ...] = ()


def route_propose(*, area: Area | None, category: Category | None, kind: str,
                  excluding: tuple[int, ...] = ()) -> RouteProposal:
    """`excluding`: units not to propose (the unit that has just returned the case as not its own)."""
    return routes_propose([RouteRequest(area=area, category=category, kind=kind, excluding=excluding)])[0]


def areas_with_ancestors(areas) -> dict[str, Area]:
    """Every area of `areas` and the areas above them, by code, with their units: one query."""
    codes = {code for area in areas if area is not None for code in area.ancestor_codes}
    return {a.code: a for a in Area.objects.select_related("unit").filter(code__in=codes)} if codes else {}


def routes_propose(requests: list[RouteRequest], *, by_code: dict[str, Area] | None = None) -> list[RouteProposal]:
    """The proposals for many cases in two queries whatever their number (the worker registers a
    batch): the areas above all of them, and every active rule that could apply to any of them, in
    the rules' order of precedence; each case takes the first of those that applies to it."""
    if by_code is None:
        by_code = areas_with_ancestors(r.area for r in requests)
    chains = []
    for request in requests:
        codes = request.area.ancestor_codes if request.area is not None else []
        ancestors = [by_code[code] for code in codes if code in by_code]
        category_ids = {c for c in (getattr(request.category, "pk", None),
                                    getattr(request.category, "parent_id", None)) if c}
        chains.append((ancestors, {a.pk for a in ancestors}, category_ids))
    area_ids = {pk for _ancestors, ids, _categories in chains for pk in ids}
    category_ids = {pk for _ancestors, _ids, categories in chains for pk in categories}
    rules = list(
        RoutingRule.objects.select_related("unit", "area", "category")
        .filter(is_active=True, unit__is_active=True)
        .filter(Q(area__isnull=True) | Q(area_id__in=area_ids))
        .filter(Q(category__isnull=True) | Q(category_id__in=category_ids))
        .filter(Q(case_kind="") | Q(case_kind__in={r.kind for r in requests}))
        .order_by("sequence", "-area_depth", "-category_depth", "-case_kind", "pk")
    )
    return [_proposal(request, ancestors, ids, categories, rules)
            for request, (ancestors, ids, categories) in zip(requests, chains, strict=True)]


def _proposal(request: RouteRequest, ancestors: list[Area], area_ids: set[int], category_ids: set[int],
              rules: list[RoutingRule]) -> RouteProposal:
    excluding = request.excluding
    rule = next((r for r in rules
                 if (r.area_id is None or r.area_id in area_ids)
                 and (r.category_id is None or r.category_id in category_ids)
                 and r.case_kind in ("", request.kind) and r.unit_id not in excluding), None)
    where = area_full_name(ancestors)
    if rule is not None:
        return RouteProposal(unit=rule.unit, rule=rule, area=rule.area,
                             note=_rule_reason(rule, where, request.category))
    covering = next((a for a in reversed(ancestors)
                     if a.unit_id and a.unit.is_active and a.unit_id not in excluding), None)
    if covering is not None:
        return RouteProposal(
            unit=covering.unit, rule=None, area=covering,
            note=Note(gettext_noop("被投诉人位于%(area)s → %(unit)s，区域管辖（%(covering)s）"),
                      area=where, unit=covering.unit.name, covering=covering.name),
        )
    return RouteProposal(unit=None, rule=None, area=None, note=Note(gettext_noop("无匹配规则")))


def _rule_reason(rule: RoutingRule, where: str, category: Category | None) -> Note:
    parts = []
    if rule.area_id:
        parts.append(Note(gettext_noop("被投诉人位于%(area)s"), area=where or rule.area.name))
    if rule.category_id:
        parts.append(Note(gettext_noop("业务分类“%(category)s”"), category=str(category or rule.category)))
    if rule.case_kind:
        parts.append(Note(gettext_noop("类型“%(kind)s”"), kind=rule.get_case_kind_display()))
    return Note(gettext_noop("%(conditions)s → %(unit)s，规则#%(rule)s"),
                conditions=parts, unit=rule.unit.name, rule=rule.pk)


def platform_route_propose(*, platform: Platform, reason: str, category: Category | None,
                           kind: str) -> RouteProposal:
    """Order 121: a merchant on an e-commerce platform who published no address there, or cannot be
    reached at it, is dealt with by the bureau of the platform operator's home (住所地). Within this
    system that is the unit the rules give for the operator's area; an operator at home elsewhere
    leaves the case to the center, which transfers it to that bureau."""
    home = route_propose(area=platform.operator_area, category=category, kind=kind) \
        if platform.operator_area_id is not None else None
    return platform_route_from_home(platform=platform, reason=reason, home=home)


def platform_route_from_home(*, platform: Platform, reason: str, home: RouteProposal | None) -> RouteProposal:
    """The platform proposal once the rules have spoken for the operator's area (`home`, None when
    the operator's home is not in the system's areas): a batch asks the rules for many at once."""
    why = PlatformJurisdiction(reason).label  # a label: stored by its msgid, read in the reader's language
    if home is not None and home.unit is not None:
        return RouteProposal(unit=home.unit, rule=home.rule, area=platform.operator_area, note=Note(
            gettext_noop("%(why)s → 按平台经营者%(operator)s住所地（%(home)s）管辖 → "
                         "%(unit)s（市场监管总局令第121号）"),
            why=why, operator=platform.operator_name, home=platform.operator_home, unit=home.unit.name))
    return RouteProposal(unit=None, rule=None, area=None, note=Note(
        gettext_noop("%(why)s → 平台经营者%(operator)s住所地（%(home)s）不在本系统辖区，"
                     "请移送住所地市场监管部门（市场监管总局令第121号）"),
        why=why, operator=platform.operator_name, home=platform.operator_home))
