"""Routing cost: queries and time to propose the unit for one case, with a city-sized area tree and
rule table. Runs in a throw-away test database next to DATABASE_URL's (PostgreSQL).

    python -m bench.routing --size 30000     # areas; rules = size / 10, routed cases = 500
"""
import argparse
import os
import random
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=30000, help="number of areas (rules: a tenth of it)")
    parser.add_argument("--cases", type=int, default=500, help="cases to route")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        sys.exit("bench.routing needs PostgreSQL: set DATABASE_URL=postgres://...")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from routing.selectors import route_propose

        rng = random.Random(12315)
        started = time.perf_counter()
        areas, categories = _world(size=args.size, rng=rng)
        print(f"built {len(areas)} areas, {args.size // 10} rules in {time.perf_counter() - started:.1f} s")
        kinds = ["complaint", "report", "consultation"]
        queries, timings, matched = [], [], 0
        for _ in range(args.cases):
            area, category, kind = rng.choice(areas), rng.choice(categories), rng.choice(kinds)
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                proposal = route_propose(area=area, category=category, kind=kind)
                timings.append((time.perf_counter() - t0) * 1000)
            queries.append(len(captured))
            matched += proposal.matched
        print(f"routed {args.cases} cases, {matched} matched; max queries {max(queries)}, "
              f"p95 {statistics.quantiles(timings, n=20)[-1]:.2f} ms")
        print(f"RESULT route_queries_per_case {max(queries)} queries")
        print(f"RESULT route_ms_per_case {statistics.mean(timings):.2f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _world(*, size: int, rng: random.Random):
    """A city: 10 districts, streets of 50 villages each, a station per street; rules by area,
    by category and by kind. Returns (leaf-ish areas to route, categories)."""
    from routing.models import Area, Category, RoutingRule, Unit

    center = Unit.objects.create(code="C", name="中心", kind=Unit.Kind.CENTER)
    city = Area.objects.create(code="4407", name="江门市", level=Area.Level.CITY)
    districts, stations, streets = [], [], []
    for d in range(10):
        unit = Unit.objects.create(code=f"D{d:02d}", name=f"区中心{d}", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
        districts.append(Area(code=f"4407{d:02d}", name=f"区{d}", level=Area.Level.DISTRICT, parent=city,
                              unit=unit, path=f"{city.path}4407{d:02d}/"))
    Area.objects.bulk_create(districts)
    street_count = max(10, size // 50)
    station_units = Unit.objects.bulk_create([
        Unit(code=f"S{s:05d}", name=f"所{s}", kind=Unit.Kind.STATION, parent_id=None, path=f"C/S{s:05d}/")
        for s in range(street_count)])
    for s, unit in enumerate(station_units):
        district = districts[s % 10]
        code = f"{district.code}{s:05d}"
        streets.append(Area(code=code, name=f"街道{s}", level=Area.Level.STREET, parent=district, unit=unit,
                            path=f"{district.path}{code}/"))
        stations.append(unit)
    Area.objects.bulk_create(streets, batch_size=2000)
    villages = []
    for v in range(max(0, size - len(streets) - 11)):
        street = streets[v % len(streets)]
        code = f"{street.code}{v:06d}"
        villages.append(Area(code=code, name=f"村{v}", level=Area.Level.VILLAGE, parent=street,
                             path=f"{street.path}{code}/"))
    Area.objects.bulk_create(villages, batch_size=5000)

    tops = Category.objects.bulk_create([Category(code=f"{t:02d}", name=f"类{t}") for t in range(20)])
    leaves = Category.objects.bulk_create([
        Category(code=f"{t.code}{n:02d}", name=f"{t.name}-{n}", parent=t) for t in tops for n in range(5)])

    rules = []
    n_rules = max(100, size // 10)
    for r in range(n_rules):
        shape = r % 10
        if shape < 6:  # most rules are by area: streets and villages
            area = rng.choice(streets) if shape < 3 else rng.choice(villages or streets)
            rules.append(RoutingRule(area=area, area_depth=area.path.count("/"), unit=rng.choice(stations)))
        elif shape < 8:  # area + category
            area, category = rng.choice(streets), rng.choice(leaves)
            rules.append(RoutingRule(area=area, area_depth=area.path.count("/"), category=category,
                                     category_depth=2, unit=rng.choice(stations)))
        elif shape < 9:  # category to a department, whatever the area
            rules.append(RoutingRule(category=rng.choice(tops), category_depth=1, unit=rng.choice(stations),
                                     sequence=50))
        else:  # kind within a district
            district = rng.choice(districts)
            rules.append(RoutingRule(area=district, area_depth=2, case_kind="report", unit=district.unit))
    RoutingRule.objects.bulk_create(rules, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE routing_area; ANALYZE routing_routingrule; ANALYZE routing_category;")
    return villages + streets, tops + leaves + [None]


if __name__ == "__main__":
    main()
