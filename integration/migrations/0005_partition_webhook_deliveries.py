"""Webhook deliveries become partitioned by month on PostgreSQL, as the history is (complaints 0031,
which also creates the functions used here; core/partitions.py). SQLite keeps the plain table."""
from django.db import migrations

from core import partitions

TABLE = "complaints_webhookdelivery"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and not partitions.is_partitioned(TABLE):
        partitions.table_partition(TABLE, partitions.PARTITIONED[TABLE])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and partitions.is_partitioned(TABLE):
        partitions.table_unpartition(TABLE)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("integration", "0004_merge_session4b"),
        ("complaints", "0031_partition_history_and_notifications"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
