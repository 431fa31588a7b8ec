"""The case history and the notifications become partitioned by month on PostgreSQL, without
stopping intake: the existing table is attached as the partition of everything before a month
boundary, after its CHECK is validated (core/partitions.py), so no row is copied. Not atomic: the
unique index is built CONCURRENTLY and only the swap itself holds the table, briefly.
SQLite keeps the plain tables."""
from django.db import migrations

from core import partitions

TABLES = ["complaints_caseevent", "complaints_notification"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        partitions.functions_create()
        for table in TABLES:
            if not partitions.is_partitioned(table):  # a run stopped half-way is taken up again
                partitions.table_partition(table, partitions.PARTITIONED[table])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            if partitions.is_partitioned(table):
                partitions.table_unpartition(table)
        # integration's table is partitioned by its own migration, which is undone before this one.
        partitions.functions_drop()


class Migration(migrations.Migration):
    atomic = False
    # After the (case, id) index: an index cannot be built CONCURRENTLY on a partitioned table, and the
    # conversion repeats the old table's indexes on the new parent.
    dependencies = [("complaints", "0031_caseevent_chain_head_index")]
    operations = [migrations.RunPython(forwards, backwards)]
