from django.db import migrations, models

from complaints.migration_operations import AddIndexOnline


class Migration(migrations.Migration):
    # Built CONCURRENTLY on PostgreSQL: the history keeps taking writes meanwhile.
    atomic = False

    dependencies = [
        ('complaints', '0030_after_session4_merges'),
    ]

    operations = [
        AddIndexOnline(
            model_name='caseevent',
            index=models.Index(fields=['case', 'id'], name='caseevent_chain_head'),
        ),
    ]
