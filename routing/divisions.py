"""Which county-level division (区 or 县级市, or the level the center sets) a unit or an area lies
in: 同城通办 is a complaint taken in in one such division about a respondent in another (SPEC §6.4,
the seeds' "四市三区" plan), not a complaint taken in at another unit of the same district.

A unit's division is read from the areas it covers (`Area.unit` and `Coverage`), or, for a unit
that covers none (a department, a squad typed in without its zone), from its nearest unit above
that does. A unit covering an area above the level (the city center covers the city), and the city
center and every unit whose nearest covering unit is the city center (its departments), cover the
whole city: they are in no single division and never make a case cross-region.
"""
from dataclasses import dataclass

from django.db.models import Q

from .models import Area, Unit

# The order of the administrative levels from the top; a zone (特定区域) is not a level.
LEVEL_ORDER = [Area.Level.PROVINCE, Area.Level.CITY, Area.Level.DISTRICT, Area.Level.STREET, Area.Level.VILLAGE]


@dataclass(frozen=True)
class UnitDivision:
    division: Area | None  # None: the unit covers the whole city, or nothing is known of it
    whole_city: bool


def _above(level: str, than: str) -> bool:
    return level in LEVEL_ORDER and LEVEL_ORDER.index(level) < LEVEL_ORDER.index(than)


def area_division(*, area: Area | None, level: str = Area.Level.DISTRICT) -> Area | None:
    """The area's ancestor (or itself) at `level`; None above that level or without an area."""
    if area is None:
        return None
    if area.level == level:
        return area
    by_code = {a.code: a for a in Area.objects.filter(code__in=area.ancestor_codes, level=level)}
    return area_division_among(area=area, level=level, by_code=by_code)


def area_division_among(*, area: Area | None, level: str, by_code: dict[str, Area]) -> Area | None:
    """area_division from areas already loaded (`by_code` holds the area's ancestors, as a batch's
    routing loads them): the same answer without a query."""
    if area is None or area.level == level:
        return area
    found = [by_code[c] for c in area.ancestor_codes if c in by_code and by_code[c].level == level]
    return max(found, key=lambda a: a.path, default=None)


def unit_division(*, unit: Unit, level: str = Area.Level.DISTRICT) -> UnitDivision:
    """The division the unit belongs to (three queries, whatever the trees' sizes)."""
    chain_codes = [code for code in unit.path.split("/") if code]
    chain = {u.code: u for u in Unit.objects.filter(code__in=chain_codes)}
    ids = [chain[code].pk for code in chain_codes if code in chain]
    covered = list(Area.objects.filter(Q(unit_id__in=ids) | Q(coverages__unit_id__in=ids))
                   .values_list("unit_id", "coverages__unit_id", "level", "path").distinct())
    by_unit: dict[int, list[tuple[str, str]]] = {}
    for area_unit, coverage_unit, area_level, path in covered:
        for owner in {area_unit, coverage_unit} & set(ids):
            by_unit.setdefault(owner, []).append((area_level, path))
    # The unit itself first, then up its chain: the nearest unit that covers anything decides.
    for code in reversed(chain_codes):
        owner = chain.get(code)
        if owner is None:
            continue
        if owner.kind == Unit.Kind.CENTER:
            return UnitDivision(division=None, whole_city=True)
        areas = by_unit.get(owner.pk)
        if not areas:
            continue
        if any(_above(area_level, level) for area_level, _path in areas):
            return UnitDivision(division=None, whole_city=True)
        codes = {c for _level, path in areas for c in path.split("/") if c}
        divisions = list(Area.objects.filter(code__in=codes, level=level))
        if len(divisions) == 1:
            return UnitDivision(division=divisions[0], whole_city=False)
        # Areas in several divisions (a unit serving two districts): no single division.
        return UnitDivision(division=None, whole_city=len(divisions) > 1)
    return UnitDivision(division=None, whole_city=False)


def division_bureau(*, division: Area) -> Unit | None:
    """The division's district center (区县12315受理中心), which a 同城通办 notice goes to: the
    district center covering the division (as `Area.unit` or in `Coverage`)."""
    return (Unit.objects.filter(kind=Unit.Kind.DISTRICT_CENTER, is_active=True)
            .filter(Q(areas=division) | Q(coverages__area=division)).order_by("path").first())
