"""The warning lead is deadlines.DeadlineSettings' now; deadlines 0002 copied the center's value."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0006_move_calendar_and_limits_to_deadlines"),
        ("deadlines", "0002_deadline_settings"),
    ]

    operations = [
        migrations.RemoveField(model_name="supervisionsettings", name="warning_lead_amount"),
        migrations.RemoveField(model_name="supervisionsettings", name="warning_lead_unit"),
    ]
