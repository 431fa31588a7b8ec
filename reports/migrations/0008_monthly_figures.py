"""Monthly sums of the daily figures (reports.MonthlyFigures), filled from the daily rows already
there. The columns are frozen here: a later metric makes a migration of its own."""
import django.db.models.deletion
from django.db import migrations, models

MEASURES = ("received", "dispatched", "followed_up", "satisfied", "dissatisfied", "resolved", "repeat",
            "acceptance_decided", "accepted", "mediation_ended", "mediation_agreed", "amount_recovered",
            "report_decided", "report_opened", "contact_due", "contact_on_time", "completion_due",
            "completion_on_time", "acceptance_due", "acceptance_on_time", "report_decision_due",
            "report_decision_on_time")


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the rollups are PostgreSQL's (reports.services_rollups.rollups_supported)
    columns = ", ".join(f'"{name}"' for name in MEASURES)
    sums = ", ".join(f'sum("{name}")' for name in MEASURES)
    schema_editor.execute(
        f"INSERT INTO reports_monthlyfigures (month, unit_id, category_id, channel, area_id, {columns}) "
        f"SELECT date_trunc('month', day)::date, unit_id, category_id, channel, area_id, {sums} "
        "FROM reports_dailyfigures GROUP BY 1, 2, 3, 4, 5")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0007_daily_handling_rollup'),
        ('routing', '0006_full_width_punctuation'),
    ]

    operations = [
        migrations.CreateModel(
            name='MonthlyFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(blank=True, max_length=30)),
                ('received', models.PositiveIntegerField(default=0)),
                ('dispatched', models.PositiveIntegerField(default=0)),
                ('followed_up', models.PositiveIntegerField(default=0)),
                ('satisfied', models.PositiveIntegerField(default=0)),
                ('dissatisfied', models.PositiveIntegerField(default=0)),
                ('resolved', models.PositiveIntegerField(default=0)),
                ('repeat', models.PositiveIntegerField(default=0)),
                ('acceptance_decided', models.PositiveIntegerField(default=0)),
                ('accepted', models.PositiveIntegerField(default=0)),
                ('mediation_ended', models.PositiveIntegerField(default=0)),
                ('mediation_agreed', models.PositiveIntegerField(default=0)),
                ('amount_recovered', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('report_decided', models.PositiveIntegerField(default=0)),
                ('report_opened', models.PositiveIntegerField(default=0)),
                ('contact_due', models.PositiveIntegerField(default=0)),
                ('contact_on_time', models.PositiveIntegerField(default=0)),
                ('completion_due', models.PositiveIntegerField(default=0)),
                ('completion_on_time', models.PositiveIntegerField(default=0)),
                ('acceptance_due', models.PositiveIntegerField(default=0)),
                ('acceptance_on_time', models.PositiveIntegerField(default=0)),
                ('report_decision_due', models.PositiveIntegerField(default=0)),
                ('report_decision_on_time', models.PositiveIntegerField(default=0)),
                ('month', models.DateField(help_text="the month's first day")),
                ('area', models.ForeignKey(db_constraint=False, null=True, related_name='+', to='routing.area',
                                          on_delete=django.db.models.deletion.DO_NOTHING)),
                ('category', models.ForeignKey(db_constraint=False, null=True, related_name='+', to='routing.category',
                                          on_delete=django.db.models.deletion.DO_NOTHING)),
                ('unit', models.ForeignKey(db_constraint=False, null=True, related_name='+', to='routing.unit',
                                          on_delete=django.db.models.deletion.DO_NOTHING)),
            ],
            options={
                'indexes': [models.Index(fields=['month'], name='monthlyfigures_month'),
                            models.Index(fields=['unit', 'month'], name='monthlyfigures_unit_month')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
