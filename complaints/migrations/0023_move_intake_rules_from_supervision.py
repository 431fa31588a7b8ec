"""Registration's rules move here from supervision, because registration reads them and
supervision sits above complaints: the professional claimants and the clusters keep their tables
(supervision_professionalclaimant, supervision_casecluster and its membership table
supervision_casecluster_cases, named by Meta.db_table), so they change apps in Django's state only
and their content types are renamed, which keeps permissions and admin history attached.

The repeat and cluster windows and the minimum number of complainants get their own row
(登记规则, IntakeSettings): the center's values are copied over here, before supervision 0008
removes the three fields and drops the two models from its state; backwards, they are copied back
before the table goes."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["professionalclaimant", "casecluster"]
FIELDS = ("repeat_window_days", "cluster_window_days", "cluster_min_complainants")


def content_types_move(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for model in MOVED:
        # Already there (created by a migrate run meanwhile): leave the other one alone.
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    content_types_move(apps, schema_editor, source="supervision", target="complaints")


def backwards(apps, schema_editor):
    content_types_move(apps, schema_editor, source="complaints", target="supervision")


def copy_to_complaints(apps, schema_editor):
    alias = schema_editor.connection.alias
    SupervisionSettings = apps.get_model("supervision", "SupervisionSettings")
    IntakeSettings = apps.get_model("complaints", "IntakeSettings")
    rules = SupervisionSettings.objects.using(alias).filter(pk=1).values(*FIELDS).first()
    if rules is not None:  # never saved: both sides use the same defaults
        IntakeSettings.objects.using(alias).update_or_create(pk=1, defaults=rules)


def copy_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    SupervisionSettings = apps.get_model("supervision", "SupervisionSettings")
    IntakeSettings = apps.get_model("complaints", "IntakeSettings")
    rules = IntakeSettings.objects.using(alias).filter(pk=1).values(*FIELDS).first()
    if rules is not None:
        SupervisionSettings.objects.using(alias).update_or_create(pk=1, defaults=rules)


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0022_merge_integration_and_clock_moves"),
        ("supervision", "0007_warning_lead_moved_to_deadlines"),
        ("routing", "__first__"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ProfessionalClaimant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(blank=True, max_length=100, verbose_name='姓名')),
                        ('phone', models.CharField(blank=True, db_index=True, max_length=20, verbose_name='联系电话')),
                        ('id_number', models.CharField(blank=True, db_index=True, max_length=30, verbose_name='证件号码')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='备注')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='列入时间')),
                    ],
                    options={
                        'verbose_name': '职业索赔人',
                        'verbose_name_plural': '职业索赔人名单',
                        'db_table': 'supervision_professionalclaimant',
                        'ordering': ['-added_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('phone', ''), _negated=True), models.Q(('id_number', ''), _negated=True), _connector='OR'), name='claimant_phone_or_id')],
                    },
                ),
                migrations.CreateModel(
                    name='CaseCluster',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('respondent_name', models.CharField(db_index=True, max_length=200, verbose_name='被投诉人')),
                        ('created_at', models.DateTimeField(verbose_name='发现时间')),
                        ('state', models.CharField(choices=[('open', '待处置'), ('action', '专项行动中'), ('closed', '已结束')], default='open', max_length=10, verbose_name='状态')),
                        ('action_title', models.CharField(blank=True, max_length=200, verbose_name='专项行动名称')),
                        ('action_started_at', models.DateTimeField(blank=True, null=True, verbose_name='启动时间')),
                        ('action_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='启动人')),
                        ('action_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='routing.unit', verbose_name='牵头单位')),
                        ('cases', models.ManyToManyField(related_name='clusters', to='complaints.case', verbose_name='工单')),
                    ],
                    options={
                        'verbose_name': '集中投诉',
                        'verbose_name_plural': '集中投诉',
                        'db_table': 'supervision_casecluster',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
        migrations.CreateModel(
            name='IntakeSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('repeat_window_days', models.PositiveIntegerField(default=30, help_text='同一投诉人就同一被投诉人、同一事项在此期限内再次投诉即为重复投诉', verbose_name='重复投诉认定期(天)')),
                ('cluster_window_days', models.PositiveIntegerField(default=7, verbose_name='集中投诉认定期(天)')),
                ('cluster_min_complainants', models.PositiveIntegerField(default=5, validators=[django.core.validators.MinValueValidator(2)], verbose_name='集中投诉最少投诉人数')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '登记规则',
                'verbose_name_plural': '登记规则',
            },
        ),
        migrations.RunPython(copy_to_complaints, copy_back),
    ]
