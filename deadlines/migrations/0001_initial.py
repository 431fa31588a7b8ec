"""The calendar, the time-limit policy and the clock rows move here from supervision and complaints
without a row copied: the tables keep their names (Meta.db_table), so this migration only tells
Django's state that the models are now the deadlines app's (nothing runs in the database but the
renaming of their content types, which keeps permissions and admin history attached).

supervision 0006 and complaints 0021 then drop the models from their apps' state, after pointing
supervision.Escalation.clock at deadlines.CaseClock."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

# (app the model came from, model name): their content types become deadlines'.
MOVED = [("complaints", "caseclock"), ("supervision", "timelimit"), ("supervision", "holidayschedule"),
         ("supervision", "calendarday")]


def content_types_move(apps, schema_editor, *, source_of, target_of):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for app_label, model in MOVED:
        source, target = source_of(app_label), target_of(app_label)
        # Already there (created by a migrate run meanwhile): leave the other one alone.
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    content_types_move(apps, schema_editor, source_of=lambda old: old, target_of=lambda old: "deadlines")


def backwards(apps, schema_editor):
    content_types_move(apps, schema_editor, source_of=lambda old: "deadlines", target_of=lambda old: old)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("complaints", "0020_history_truncate_trigger"),
        ("supervision", "0005_hotspot_thresholds"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HolidaySchedule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='年份')),
                        ('notice', models.CharField(help_text='如：国办发明电〔2025〕7号', max_length=100, verbose_name='通知文号')),
                        ('published_on', models.DateField(blank=True, null=True, verbose_name='发布日期')),
                        ('note', models.TextField(blank=True, verbose_name='备注')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'verbose_name': '节假日安排',
                        'verbose_name_plural': '节假日安排',
                        'db_table': 'supervision_holidayschedule',
                        'ordering': ['-year'],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='日期')),
                        ('is_workday', models.BooleanField(help_text='勾选：上班（含调休上班）；不勾选：放假', verbose_name='工作日')),
                        ('name', models.CharField(blank=True, help_text='如：春节、调休上班', max_length=50, verbose_name='名称')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='备注')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('schedule', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='days', to='deadlines.holidayschedule', verbose_name='所属安排')),
                    ],
                    options={
                        'verbose_name': '日历调整',
                        'verbose_name_plural': '日历调整',
                        'db_table': 'supervision_calendarday',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='TimeLimit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('clock', models.CharField(choices=[('dispatch', '分流'), ('redispatch', '二级分流'), ('contact', '首次联系'), ('handling', '办理'), ('redo', '重办'), ('cross_region_notice', '同城通办告知'), ('statutory_accept', '受理决定(法定)'), ('statutory_mediation', '调解(法定)'), ('statutory_report_decision', '举报核查决定(法定)')], max_length=32, verbose_name='时限类型')),
                        ('case_kind', models.CharField(blank=True, choices=[('complaint', '投诉'), ('report', '举报'), ('consultation', '咨询'), ('suggestion', '建议'), ('praise', '表扬'), ('mayor_mailbox', '市长信箱'), ('weibo', '微博')], help_text='留空表示所有类型', max_length=20, verbose_name='工单类型')),
                        ('grade', models.CharField(blank=True, choices=[('general', '一般'), ('urgent', '紧急'), ('major', '重大')], help_text='留空表示所有等级', max_length=10, verbose_name='等级')),
                        ('amount', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='时限')),
                        ('unit', models.CharField(choices=[('working_days', '工作日'), ('days', '自然日'), ('hours', '小时'), ('same_working_day', '当日')], max_length=20, verbose_name='单位')),
                        ('effective_from', models.DateField(help_text='按工单接收日期适用此日期起生效的规定', verbose_name='生效日期')),
                        ('basis', models.CharField(help_text='如：市场监管总局令第20号', max_length=200, verbose_name='依据')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                    ],
                    options={
                        'verbose_name': '办理时限',
                        'verbose_name_plural': '办理时限',
                        'db_table': 'supervision_timelimit',
                        'ordering': ['clock', 'case_kind', 'grade', '-effective_from'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('clock', 'case_kind', 'grade', 'effective_from'), name='supervision_timelimit_one_active_rule')],
                    },
                ),
                migrations.CreateModel(
                    name='CaseClock',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('clock', models.CharField(choices=[('dispatch', '分流'), ('redispatch', '二级分流'), ('contact', '首次联系'), ('handling', '办理'), ('redo', '重办'), ('cross_region_notice', '同城通办告知'), ('statutory_accept', '受理决定(法定)'), ('statutory_mediation', '调解(法定)'), ('statutory_report_decision', '举报核查决定(法定)')], max_length=40, verbose_name='时限')),
                        ('started_at', models.DateTimeField(verbose_name='起算时间')),
                        ('due_date', models.DateField(blank=True, null=True, verbose_name='期限届满日')),
                        ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='截止时间')),
                        ('pending_reason', models.CharField(blank=True, max_length=300, verbose_name='未能计算原因')),
                        ('limit_amount', models.PositiveIntegerField(verbose_name='时限')),
                        ('limit_unit', models.CharField(choices=[('working_days', '工作日'), ('days', '自然日'), ('hours', '小时'), ('same_working_day', '当日')], max_length=20, verbose_name='时限单位')),
                        ('basis', models.CharField(blank=True, max_length=200, verbose_name='依据')),
                        ('extended_days', models.PositiveIntegerField(default=0, verbose_name='延期工作日')),
                        ('stopped_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                        ('paused_at', models.DateTimeField(blank=True, null=True, verbose_name='暂停时间')),
                        ('pause_reason', models.CharField(blank=True, max_length=200, verbose_name='暂停原因')),
                        ('paused_working_days', models.PositiveIntegerField(default=0, verbose_name='暂停工作日')),
                        ('original_due_at', models.DateTimeField(blank=True, null=True, verbose_name='原截止时间')),
                        ('warning', models.CharField(choices=[('none', '正常'), ('yellow', '临期(黄)'), ('red', '超期(红)')], default='none', max_length=10, verbose_name='预警')),
                        ('warn_at', models.DateTimeField(blank=True, null=True, verbose_name='预警时间')),
                        ('escalation_level', models.PositiveSmallIntegerField(default=0, verbose_name='督办级别')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clocks', to='complaints.case')),
                    ],
                    options={
                        'verbose_name': '工单时限',
                        'verbose_name_plural': '工单时限',
                        'db_table': 'complaints_caseclock',
                        'ordering': ['due_at'],
                        'indexes': [models.Index(condition=models.Q(('stopped_at__isnull', True)), fields=['due_at'], name='running_clock_due_idx'), models.Index(condition=models.Q(('stopped_at__isnull', True)), fields=['case', 'due_at'], name='running_clock_case_due_idx'), models.Index(condition=models.Q(('escalation_level__lt', 3), ('paused_at__isnull', True), ('stopped_at__isnull', True)), fields=['escalation_level', 'due_at'], name='clock_escalation_due_idx'), models.Index(condition=models.Q(('paused_at__isnull', True), ('stopped_at__isnull', True), ('warning', 'none')), fields=['warn_at'], name='clock_warn_idx'), models.Index(fields=['due_at'], name='clock_due_idx'), models.Index(condition=models.Q(('stopped_at__isnull', False)), fields=['stopped_at'], name='clock_stopped_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('stopped_at__isnull', True)), fields=('case', 'clock'), name='one_running_clock_per_kind')],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
