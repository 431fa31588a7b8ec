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


def route_propose(*, area: Area | None, category: Category | None, kind: str,
                  excluding: tuple[int, ...] = ()) -> RouteProposal:
    """`excluding`: units not to propose (the unit that has just returned the case as not its own)."""
    ancestors: list[Area] = []
    if area is not None:
        by_code = {a.code: a for a in Area.objects.select_related("unit").filter(code__in=area.ancestor_codes)}
        ancestors = [by_code[code] for code in area.ancestor_codes if code in by_code]
    area_ids = [a.pk for a in ancestors]
    category_ids = [c for c in (getattr(category, "pk", None), getattr(category, "parent_id", None)) if c]

    rule = (
        RoutingRule.objects.select_related("unit", "area", "category")
        .filter(is_active=True, unit__is_active=True)
        .filter(Q(area__isnull=True) | Q(area_id__in=area_ids))
        .filter(Q(category__isnull=True) | Q(category_id__in=category_ids))
        .filter(Q(case_kind="") | Q(case_kind=kind))
        .exclude(unit_id__in=excluding)
        .order_by("sequence", "-area_depth", "-category_depth", "-case_kind", "pk")
        .first()
    )
    where = area_full_name(ancestors)
    if rule is not None:
        return RouteProposal(unit=rule.unit, rule=rule, area=rule.area, note=_rule_reason(rule, where, category))
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
    why = PlatformJurisdiction(reason).label  # a label: stored by its msgid, read in the reader's language
    if platform.operator_area_id is not None:
        home = route_propose(area=platform.operator_area, category=category, kind=kind)
        if home.unit is not None:
            return RouteProposal(unit=home.unit, rule=home.rule, area=platform.operator_area, note=Note(
                gettext_noop("%(why)s → 按平台经营者%(operator)s住所地（%(home)s）管辖 → "
                             "%(unit)s（市场监管总局令第121号）"),
                why=why, operator=platform.operator_name, home=platform.operator_home, unit=home.unit.name))
    return RouteProposal(unit=None, rule=None, area=None, note=Note(
        gettext_noop("%(why)s → 平台经营者%(operator)s住所地（%(home)s）不在本系统辖区，"
                     "请移送住所地市场监管部门（市场监管总局令第121号）"),
        why=why, operator=platform.operator_name, home=platform.operator_home))
