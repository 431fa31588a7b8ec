"""What the rules' history triggers (audit/triggers.py) cost a bulk load: areas bulk_created (as the
area import does) with the triggers on, then the same with them disabled, on PostgreSQL.

    DEBUG=1 DATABASE_URL=postgres://... python -m bench.rule_history [--size 20000]

Needs a role that owns the table (ALTER TABLE ... DISABLE TRIGGER). Rows are written in a
transaction that is rolled back. Prints `RESULT areas_per_second_with_history <n> /s`,
`RESULT areas_per_second_without_history <n> /s` and the machine's load.
"""
import argparse
import os
import time


def _load(size: int, *, history: bool) -> float:
    from django.db import connection, transaction

    from routing.models import Area

    table = connection.ops.quote_name(Area._meta.db_table)
    with transaction.atomic():
        if not history:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        started = time.perf_counter()
        Area.objects.bulk_create([Area(code=f"B{n:011d}", name=f"压测村{n}", level=Area.Level.VILLAGE,
                                       path=f"B{n:011d}/") for n in range(size)], batch_size=2000)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return size / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20000)
    size = parser.parse_args().size
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with_history = _load(size, history=True)
    without = _load(size, history=False)
    print(f"RESULT areas_per_second_with_history {with_history:.0f} /s")
    print(f"RESULT areas_per_second_without_history {without:.0f} /s")
    print(f"RESULT load_1min {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
