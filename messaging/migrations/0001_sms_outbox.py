# The SMS outbox: settings (signature), message kinds (templates) and the messages themselves.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('complaints', '0024_case_sms_opt_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SmsSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enabled', models.BooleanField(default=True, help_text='关闭后不再生成新的短信（已排队的照常发送）。', verbose_name='发送短信')),
                ('sign_name', models.CharField(default='江门市场监管', help_text='在短信服务商处报备通过的签名，不含【】。', max_length=20, verbose_name='短信签名')),
            ],
            options={
                'verbose_name': '短信设置',
                'verbose_name_plural': '短信设置',
            },
        ),
        migrations.CreateModel(
            name='SmsTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='消息类型')),
                ('name', models.CharField(max_length=60, verbose_name='名称')),
                ('action', models.CharField(help_text='写入该操作的履历时发送，如 register、decline、reply。', max_length=30, verbose_name='履历操作')),
                ('condition', models.JSONField(blank=True, default=dict, help_text='履历详情须包含的值，如 {"approved": true}；留空为不限。', verbose_name='条件')),
                ('template_code', models.CharField(help_text='服务商审核通过的模板编号，如 SMS_482760001。', max_length=40, verbose_name='模板编号')),
                ('text', models.TextField(help_text='报备的模板正文，变量写作 ${name}，用于核对和本地发送。', verbose_name='模板内容')),
                ('parameters', models.JSONField(blank=True, default=dict, help_text='变量名 → 取值来源，如 {"number": "case.number"}。', verbose_name='模板参数')),
                ('enabled', models.BooleanField(default=True, verbose_name='启用')),
                ('effective_from', models.DateField(verbose_name='生效日期')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='依据')),
            ],
            options={
                'verbose_name': '短信模板',
                'verbose_name_plural': '短信模板',
                'ordering': ['code', '-effective_from'],
                'constraints': [models.UniqueConstraint(fields=('code', 'effective_from'), name='sms_template_version_unique')],
            },
        ),
        migrations.CreateModel(
            name='SmsMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.BigIntegerField(blank=True, null=True, verbose_name='履历编号')),
                ('kind', models.CharField(max_length=40, verbose_name='消息类型')),
                ('key', models.CharField(max_length=80, unique=True, verbose_name='去重键')),
                ('phone', models.CharField(max_length=20, verbose_name='手机号码')),
                ('sign_name', models.CharField(max_length=20, verbose_name='短信签名')),
                ('template_code', models.CharField(max_length=40, verbose_name='模板编号')),
                ('params', models.JSONField(default=dict, verbose_name='模板参数')),
                ('text', models.TextField(blank=True, verbose_name='短信内容')),
                ('status', models.CharField(choices=[('queued', '待发送'), ('sent', '已发送'), ('delivered', '已送达'), ('failed', '发送失败')], default='queued', max_length=12, verbose_name='状态')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='尝试次数')),
                ('next_attempt_at', models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='下次尝试时间')),
                ('claimed_until', models.DateTimeField(blank=True, null=True)),
                ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='最近尝试时间')),
                ('last_error', models.CharField(blank=True, max_length=300, verbose_name='错误')),
                ('gateway_id', models.CharField(blank=True, max_length=64, verbose_name='回执编号')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='送达时间')),
                ('resent_at', models.DateTimeField(blank=True, null=True, verbose_name='重发时间')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sms_messages', to='complaints.case')),
                ('resent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='重发人')),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='messaging.smstemplate', verbose_name='短信模板')),
            ],
            options={
                'verbose_name': '短信记录',
                'verbose_name_plural': '短信记录',
                'ordering': ['-id'],
                'indexes': [models.Index(condition=models.Q(('status', 'queued')), fields=['next_attempt_at'], name='sms_due_idx'), models.Index(condition=models.Q(('gateway_id', ''), _negated=True), fields=['gateway_id'], name='sms_gateway_id_idx')],
            },
        ),
    ]
