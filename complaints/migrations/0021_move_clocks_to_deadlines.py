"""CaseClock is the deadlines app's now (deadlines 0001 took it over with its table,
complaints_caseclock, which keeps its name): it leaves complaints' state only, once supervision
0006 has pointed the escalations at deadlines.CaseClock. Nothing runs in the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0020_history_truncate_trigger"),
        ("deadlines", "0001_initial"),
        ("supervision", "0006_move_calendar_and_limits_to_deadlines"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="CaseClock")],
        ),
    ]
