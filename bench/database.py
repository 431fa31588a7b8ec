"""The database a benchmark seeds and measures: a throw-away one beside DATABASE_URL's (never the
test suite's name, so tests may run beside the benchmark), or one kept by --keep and measured
again by --reuse without seeding it again."""
from collections.abc import Callable
from contextlib import contextmanager


@contextmanager
def bench_database(*, name: str, keep: bool, reuse: bool, prepare: Callable[[], None] | None = None,
                   serialize: bool = True):
    """Point the default connection at `name` for the block: created empty and migrated, or with
    `reuse` the kept database brought to this code (`prepare`, by default `migrate`). Dropped
    afterwards unless `keep`."""
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = name
    if reuse:
        connection.close()
        connection.settings_dict["NAME"] = name
        (prepare or (lambda: call_command("migrate", verbosity=0)))()
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=serialize)
    try:
        yield
    finally:
        connection.close()
        if keep:
            print(f"kept database {name}: measure it again with --reuse", flush=True)
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
