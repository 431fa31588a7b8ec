"""The calendar and the time-limit policy are the deadlines app's now (deadlines 0001 took them
over with their tables, which keep their names): they leave supervision's state only, and the
escalation's clock points at deadlines.CaseClock, the same table as before. Nothing runs in the
database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0005_hotspot_thresholds"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="escalation",
                    name="clock",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="escalations",
                                            to="deadlines.caseclock"),
                ),
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="HolidaySchedule"),
                migrations.DeleteModel(name="TimeLimit"),
            ],
        ),
    ]
