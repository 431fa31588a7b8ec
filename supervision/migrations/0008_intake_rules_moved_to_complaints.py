"""The professional claimants, the clusters and the repeat and cluster windows are registration's
now (complaints 0023 took the two models over with their tables, which keep their names, and copied
the center's three values into complaints.IntakeSettings): the models leave supervision's state
only, and the three fields are removed."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0007_warning_lead_moved_to_deadlines"),
        ("complaints", "0023_move_intake_rules_from_supervision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="CaseCluster"),
                migrations.DeleteModel(name="ProfessionalClaimant"),
            ],
        ),
        migrations.RemoveField(model_name="supervisionsettings", name="repeat_window_days"),
        migrations.RemoveField(model_name="supervisionsettings", name="cluster_window_days"),
        migrations.RemoveField(model_name="supervisionsettings", name="cluster_min_complainants"),
    ]
