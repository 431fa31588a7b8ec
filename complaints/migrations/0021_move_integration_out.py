"""The external-system models (systems, API keys, case references, webhook deliveries, Open311
services) moved to the `integration` app. Only Django's idea of them moves: the tables keep their
names and their rows (the models set Meta.db_table), so nothing is done to the database here.
integration/migrations/0001 takes them over in the state and renames their content types."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0020_history_truncate_trigger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Those pointing at ExternalSystem first.
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="ExternalCaseRef"),
                migrations.DeleteModel(name="ApiKey"),
                migrations.DeleteModel(name="ExternalSystem"),
                migrations.DeleteModel(name="Open311Service"),
            ],
            database_operations=[],
        ),
    ]
