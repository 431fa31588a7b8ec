"""The warning lead moves from supervision's rules (督办规则) to deadlines' own row (预警规则),
because it is part of scheduling a clock (warn_at). The center's value is copied over here, before
supervision 0007 removes the two fields; backwards, it is copied back before the table goes."""

from django.db import migrations, models

FIELDS = ("warning_lead_amount", "warning_lead_unit")


def copy_to_deadlines(apps, schema_editor):
    alias = schema_editor.connection.alias
    SupervisionSettings = apps.get_model("supervision", "SupervisionSettings")
    DeadlineSettings = apps.get_model("deadlines", "DeadlineSettings")
    rules = SupervisionSettings.objects.using(alias).filter(pk=1).values(*FIELDS).first()
    if rules is not None:  # never saved: both sides use the same defaults
        DeadlineSettings.objects.using(alias).update_or_create(pk=1, defaults=rules)


def copy_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    SupervisionSettings = apps.get_model("supervision", "SupervisionSettings")
    DeadlineSettings = apps.get_model("deadlines", "DeadlineSettings")
    lead = DeadlineSettings.objects.using(alias).filter(pk=1).values(*FIELDS).first()
    if lead is not None:
        SupervisionSettings.objects.using(alias).update_or_create(pk=1, defaults=lead)


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0001_initial"),
        ("supervision", "0006_move_calendar_and_limits_to_deadlines"),
    ]

    operations = [
        migrations.CreateModel(
            name='DeadlineSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('warning_lead_amount', models.PositiveIntegerField(default=1, help_text='距截止还剩多少时变黄(预警)', verbose_name='预警提前量')),
                ('warning_lead_unit', models.CharField(choices=[('working_days', '工作日'), ('hours', '小时')], default='working_days', max_length=20, verbose_name='预警提前量单位')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '预警规则',
                'verbose_name_plural': '预警规则',
            },
        ),
        migrations.RunPython(copy_to_deadlines, copy_back),
    ]
