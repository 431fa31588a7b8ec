"""Importing a province's village codes (统计用区划代码): time and peak memory of one confirmed
import through `routing_import`, the code the import page's worker task and `manage.py
routing_import` run. Runs in a throw-away test database next to DATABASE_URL's (PostgreSQL).

    python -m bench.imports --size 600000     # villages; their townships and counties come too

The file is a CSV as the NBS publishes it (12-digit codes for every level, no parent column, no
level column): the parent and the level come from the code. Peak memory is the process's maximum
resident set (ru_maxrss), which includes Django and the file itself.
"""
import argparse
import os
import resource
import sys
import time


def province_file(villages: int) -> tuple[bytes, int]:
    """A province-sized file: 21 cities of 8 counties, 20 townships a county, villages shared out."""
    rows = ["统计用区划代码,城乡分类代码,名称"]
    townships = []
    for city in range(1, 22):
        rows.append(f"44{city:02d}00000000,,第{city}市")
        for county in range(1, 9):
            county_code = f"44{city:02d}{county:02d}"
            rows.append(f"{county_code}000000,,第{city}市第{county}区")
            for town in range(1, 21):
                code = f"{county_code}{town:03d}"
                townships.append(code)
                rows.append(f"{code}000,,第{county}区第{town}镇街")
    per_town = -(-villages // len(townships))
    made = 0
    for code in townships:
        for n in range(1, per_town + 1):
            if made == villages:
                break
            rows.append(f"{code}{n:03d},{111 if n % 3 else 220},{n}号村民委员会")
            made += 1
    return ("\n".join(rows) + "\n").encode("utf-8"), len(rows) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=600000, help="number of village codes")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench.imports needs PostgreSQL: set DATABASE_URL=postgres://...")
    content, rows = province_file(args.size)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from routing.imports import routing_import
        from routing.models import Area

        print(f"file: {rows} rows, {len(content) / 1e6:.1f} MB", flush=True)
        started = time.perf_counter()
        result = routing_import(what="areas", content=content, filename="44.csv")
        seconds = time.perf_counter() - started
        import_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"RESULT import_seconds {seconds:.1f} s", flush=True)
        print(f"RESULT import_peak_rss_mb {import_peak_mb:.0f} MB", flush=True)
        assert result.created == rows == Area.objects.count(), (result, rows)
        del content
        started = time.perf_counter()
        again = routing_import(what="areas", content=province_file(args.size)[0], filename="44.csv", dry_run=True)
        dry_seconds = time.perf_counter() - started
        assert again.unchanged == rows
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"RESULT import_rows_per_second {rows / seconds:.0f} rows/s")
        print(f"RESULT reimport_dry_run_seconds {dry_seconds:.1f} s")
        print(f"RESULT peak_rss_mb_after_dry_run {peak_mb:.0f} MB")
        print(f"RESULT load_average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
