"""The external-system models, taken over from `complaints` (its migration 0021) with their tables,
rows, indexes and constraints as they are: the state is created here and the database is left
alone. Their content types are renamed to this app, so the permissions granted on them, and the
admin log entries about them, stay attached (a new content type would have meant new permissions,
with the old grants left on stale ones)."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["externalsystem", "apikey", "externalcaseref", "webhookdelivery", "open311service"]


def _content_types_move(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:  # a new database: post_migrate creates them under the app they now have
            continue
        # One made meanwhile under the new label (post_migrate of a run that stopped between the two
        # migrations) holds nothing yet, unlike the old one with its grants: the old one is kept.
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def content_types_forwards(apps, schema_editor):
    _content_types_move(apps, schema_editor, source="complaints", target="integration")


def content_types_backwards(apps, schema_editor):
    _content_types_move(apps, schema_editor, source="integration", target="complaints")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('complaints', '0021_move_integration_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('routing', '0002_area_path_and_routing_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExternalSystem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='系统代码')),
                        ('name', models.CharField(max_length=100, verbose_name='系统名称')),
                        ('channel', models.CharField(default='api', max_length=30, verbose_name='来件渠道')),
                        ('scopes', models.JSONField(blank=True, default=list, verbose_name='授权范围')),
                        ('webhook_url', models.URLField(blank=True, verbose_name='回调地址')),
                        ('webhook_secret', models.CharField(blank=True, default='', max_length=64, verbose_name='回调签名密钥')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('registers_automatically', models.BooleanField(default=True, help_text='来件五要素齐全时由系统以代理用户身份自动登记;关闭后,来件停在“已接收”,由登记员审核登记。', verbose_name='自动登记')),
                        ('requests_per_minute', models.PositiveIntegerField(blank=True, help_text='超过后接口答复 429 并告知何时可重试;留空为不限。', null=True, verbose_name='每分钟请求上限')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                        ('acting_user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='external_systems', to=settings.AUTH_USER_MODEL, verbose_name='代理用户(决定单位与角色)')),
                    ],
                    options={
                        'verbose_name': '外部系统',
                        'verbose_name_plural': '外部系统',
                        'db_table': 'complaints_externalsystem',
                    },
                ),
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('prefix', models.CharField(max_length=12, unique=True, verbose_name='密钥前缀')),
                        ('hashed', models.CharField(max_length=64, verbose_name='密钥摘要')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='签发时间')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='吊销时间')),
                        ('system', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='keys', to='integration.externalsystem', verbose_name='外部系统')),
                    ],
                    options={
                        'verbose_name': '接口密钥',
                        'verbose_name_plural': '接口密钥',
                        'db_table': 'complaints_apikey',
                    },
                ),
                migrations.CreateModel(
                    name='Open311Service',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('service_code', models.SlugField(max_length=40, unique=True, verbose_name='服务代码')),
                        ('service_name', models.CharField(max_length=100, verbose_name='服务名称')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                        ('group', models.CharField(blank=True, max_length=60, verbose_name='分组')),
                        ('kind', models.CharField(choices=[('complaint', '投诉'), ('report', '举报'), ('consultation', '咨询'), ('suggestion', '建议'), ('praise', '表扬'), ('mayor_mailbox', '市长信箱'), ('weibo', '微博')], max_length=20, verbose_name='工单类型')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='routing.category', verbose_name='业务分类')),
                    ],
                    options={
                        'verbose_name': 'Open311服务',
                        'verbose_name_plural': 'Open311服务',
                        'db_table': 'complaints_open311service',
                        'ordering': ['service_code'],
                    },
                ),
                migrations.CreateModel(
                    name='ExternalCaseRef',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reference', models.CharField(max_length=64, verbose_name='外部系统编号')),
                        ('fingerprint', models.CharField(max_length=64, verbose_name='内容摘要')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('registration_pending', models.BooleanField(default=False, verbose_name='待自动登记')),
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='external_origin', to='complaints.case')),
                        ('system', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='case_refs', to='integration.externalsystem')),
                    ],
                    options={
                        'verbose_name': '外部工单编号',
                        'verbose_name_plural': '外部工单编号',
                        'db_table': 'complaints_externalcaseref',
                        'indexes': [models.Index(condition=models.Q(('registration_pending', True)), fields=['id'], name='external_ref_pending')],
                        'constraints': [models.UniqueConstraint(fields=('system', 'reference'), name='external_ref_unique_per_system')],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event', models.CharField(max_length=40, verbose_name='事件')),
                        ('payload', models.JSONField(verbose_name='内容')),
                        ('status', models.CharField(choices=[('pending', '待发送'), ('delivered', '已送达'), ('failed', '已放弃')], default='pending', max_length=12, verbose_name='状态')),
                        ('attempts', models.PositiveIntegerField(default=0, verbose_name='尝试次数')),
                        ('next_attempt_at', models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='下次尝试时间')),
                        ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='最近尝试时间')),
                        ('response_code', models.PositiveIntegerField(blank=True, null=True, verbose_name='响应码')),
                        ('last_error', models.CharField(blank=True, max_length=300, verbose_name='错误')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                        ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='送达时间')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_deliveries', to='complaints.case')),
                        ('system', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='integration.externalsystem')),
                    ],
                    options={
                        'verbose_name': '回调记录',
                        'verbose_name_plural': '回调记录',
                        'db_table': 'complaints_webhookdelivery',
                        'ordering': ['-id'],
                        'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['next_attempt_at'], name='webhook_due_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
