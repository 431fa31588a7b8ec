"""A respondent that is a merchant on an e-commerce platform: the platform, the shop and whether the
case goes by the platform operator's home (Order 121). Constant defaults and no index: no rewrite or
long lock of the case table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0023_move_intake_rules_from_supervision'),
        ('routing', '0003_platforms'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='platform_jurisdiction',
            field=models.CharField(blank=True, choices=[('no_address', '平台内经营者未在平台公示地址'), ('unreachable', '按平台公示地址无法联系平台内经营者')], max_length=20, verbose_name='按平台经营者住所地管辖'),
        ),
        migrations.AddField(
            model_name='case',
            name='respondent_platform',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='routing.platform', verbose_name='电商平台'),
        ),
        migrations.AddField(
            model_name='case',
            name='respondent_shop',
            field=models.CharField(blank=True, max_length=200, verbose_name='网店名称'),
        ),
    ]
