"""The pages every user opens, at 100,000 cases and at N (default 10 million), in one run.

    DEBUG=1 python -m bench.scale --size 1000000
    DEBUG=1 python -m bench.scale --size 10000000 --skip-small   # only N

Builds a throw-away test database on DATABASE_URL's server, seeds 100,000 cases over two years
(bench/scale_seed.py: COPY with their clocks and history, then the inbox counts, search indexes and
daily rollups rebuilt), times each page through Django's test client as the user who opens it
(median and p95 of repeated requests), grows the cases to N and times them again. Prints RESULT
lines for both sizes and the ratio, the seeding times and the machine load. Targets (issue 17):
p95 < 300 ms at 10 million cases and within 1.5x of the 100 k figure. --verbose prints the
slowest queries of one request of each page at the last size.
"""
import argparse
import os
import re
import time
from datetime import timedelta

import django

from bench.database import bench_database
from bench.scale_seed import BIG_OPEN

SMALL = 100_000
DEEP_PAGES = 20  # "next" links followed for the deep page of a filtered list

# An archived case of the two years, after the big station's open ones.
SAMPLE_CASE = BIG_OPEN + 12_345
OPEN_SAMPLE = 12_345  # one of the big station's open cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--skip-small", action="store_true", help=f"measure only at --size, not at {SMALL:,}")
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--only", default="", help="time only the pages whose names contain this")
    parser.add_argument("--verbose", action="store_true", help="the slowest queries of each page at --size")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database (bench_scale_<size>)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database kept by --keep at --size (migrated, not seeded again)")
    args = parser.parse_args()
    if args.size < SAMPLE_CASE + 1:
        # The searches look up one archived case past the big station's 50,000 open ones.
        parser.error(f"--size must be at least {SAMPLE_CASE + 1:,}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench.scale needs PostgreSQL: set DATABASE_URL=postgres://...")
    # A kept database is named by its size, so that --reuse finds it; a reused one stays kept.
    kept = args.keep or args.reuse
    name = f"bench_scale_{_tag(args.size).lower()}" if kept else f"bench_scale_{connection.settings_dict['NAME']}"
    with bench_database(name=name, keep=kept, reuse=args.reuse, prepare=_migrate):
        sizes = [args.size] if args.skip_small or args.reuse or args.size <= SMALL else [SMALL, args.size]
        run(sizes, args.repeat, args.only, args.verbose, reuse=args.reuse)


def _migrate() -> None:
    """A kept database brought to this code: migrated, then what the migrations' triggers keep
    rebuilt (a new trigger-kept table or column starts empty), and the days ended since rolled up."""
    from django.core.management import call_command
    from django.db import connection

    from bench.scale_seed import rollups_refresh

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT complaints_inbox_rebuild()")
    rollups_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"reused: migrated and rebuilt in {time.perf_counter() - started:.1f} s", flush=True)


def pages(client, today) -> list[tuple[str, str, str]]:
    """(name, user, url) of every page timed; the deep page found by following "next" links."""
    from bench.scale_seed import credit_code, respondent

    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    sample = SAMPLE_CASE
    number = _number_of(sample)
    return [
        ("dashboard_30d", "center", f"/dashboard/?start={today - timedelta(days=29)}&end={today}"),
        ("dashboard_1y", "center", f"/dashboard/?start={today - timedelta(days=364)}&end={today}"),
        ("ranking_month", "center", f"/dashboard/ranking/?month={last_month}"),
        ("weekly_notice", "center", "/dashboard/notice/"),
        ("case_list_first", "center", "/cases/"),
        ("case_list_deep", "center", _deep(client, "/cases/?state=archived", DEEP_PAGES)),
        ("search_number", "center", f"/cases/?q={number}"),
        ("search_phone", "center", f"/cases/?q=139{sample:08d}"),
        ("search_respondent3", "center", f"/cases/?q={respondent(sample)[:3]}"),
        ("search_credit_code", "center", f"/cases/?q={credit_code(sample)}"),
        ("inbox_50k_open", "leader", "/inbox/"),
        # A search within that inbox (an open case of the station) and the admin's case search.
        ("inbox_search_phone", "leader", f"/inbox/?q=139{OPEN_SAMPLE:08d}"),
        ("inbox_search_respondent3", "leader", f"/inbox/?q={respondent(OPEN_SAMPLE)[:3]}"),
        ("admin_search_number", "admin", f"/admin/complaints/case/?q={number}"),
        ("admin_search_respondent3", "admin", f"/admin/complaints/case/?q={respondent(sample)[:3]}"),
    ]


def _number_of(i: int) -> str:
    from complaints.models import Case

    return Case.objects.filter(complainant_phone=f"139{i:08d}").values_list("number", flat=True).get()


def _deep(client, url: str, hops: int) -> str:
    """The URL of page `hops + 1` of a list, reached the way a user pages: by its "next" links."""
    for _ in range(hops):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = re.search(r'href="\?([^"]*)" rel="next"', response.content.decode())
        if not found:
            break
        url = url.split("?")[0] + "?" + found.group(1).replace("&amp;", "&")
    return url


def slowest(client, url: str, count: int = 5) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:count]:
        print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")


def _tag(size: int) -> str:
    return f"{size // 1000}k" if size < 1_000_000 else f"{size / 1_000_000:g}M"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def _world_of_db():
    """bench.reports.world()'s units, categories, areas and users, read back from a kept database."""
    from routing.models import Area, Category, Unit, User

    users = User.objects.filter(username__in=["center", "leader", "handler"])
    stations = list(Unit.objects.filter(kind="station").order_by("code"))
    return {"center": Unit.objects.get(code="C"), "stations": stations,
            "categories": list(Category.objects.order_by("id")), "areas": list(Area.objects.order_by("id")),
            "users": {user.username: user for user in users}}


def _admin(w):
    """The center's administrator, who searches cases in the admin (made once per database)."""
    from routing.models import User

    return User.objects.filter(username="admin").first() or User.objects.create_user(
        username="admin", password="x", unit=w["center"], role="supervisor", is_staff=True, is_superuser=True)


def run(sizes: list[int], repeat: int, only: str, verbose: bool, reuse: bool = False) -> None:
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from bench.inbox import timed
    from bench.reports import world
    from bench.scale_seed import grow
    from complaints.models import Case
    from deadlines.workdays import local_date

    settings.DEBUG = True  # to count queries
    w = _world_of_db() if reuse else world()
    w["users"]["admin"] = _admin(w)
    clients = {name: Client() for name in ("center", "leader", "admin")}
    first: dict[str, tuple[float, float]] = {}
    have = Case.objects.count() if reuse else 0
    for size in sizes:
        tag = _tag(size)
        if have < size:
            started = time.perf_counter()
            phases = grow(start=have, stop=size, w=w)
            have = size
            seconds = time.perf_counter() - started
            print(f"cases: {size:,}, seeded (with rollups) in {seconds:.1f} s; {_load()}", flush=True)
            print(f"RESULT seed_{tag}_seconds {seconds:.1f} s")
            for name, phase_seconds in phases.items():
                print(f"RESULT seed_{tag}_{name}_seconds {phase_seconds:.1f} s")
        else:
            print(f"cases: {have:,} (reused); {_load()}", flush=True)
        for name, client in clients.items():  # logged in afresh: seeding 10 M outlasts the idle timeout
            client.force_login(w["users"][name])
        listed = [page for page in pages(clients["center"], local_date(timezone.now())) if only in page[0]]
        for name, who, url in listed:
            median, p95, queries = timed(clients[who], url, repeat)
            print(f"RESULT {name}_{tag}_median_ms {median:.1f} ms")
            print(f"RESULT {name}_{tag}_p95_ms {p95:.1f} ms ({queries} queries)")
            if name in first:
                print(f"RESULT {name}_{tag}_vs_{_tag(sizes[0])} {median / first[name][0]:.2f} x (median)")
            first.setdefault(name, (median, p95))
            if verbose and size == sizes[-1]:
                slowest(clients[who], url)
        print(f"measured at {size:,}; {_load()}", flush=True)


if __name__ == "__main__":
    main()
