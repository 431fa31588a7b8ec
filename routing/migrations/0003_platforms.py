"""E-commerce platforms and their operators (reference data for Order 121's platform jurisdiction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('routing', '0002_area_path_and_routing_rules'),
    ]

    operations = [
        migrations.CreateModel(
            name='Platform',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='接口中使用，如：tmall', max_length=40, unique=True, verbose_name='编码')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='平台名称')),
                ('operator_name', models.CharField(max_length=200, verbose_name='平台经营者')),
                ('operator_credit_code', models.CharField(blank=True, max_length=18, verbose_name='平台经营者统一社会信用代码')),
                ('operator_home', models.CharField(help_text='如：浙江省杭州市余杭区', max_length=200, verbose_name='平台经营者住所地')),
                ('operator_division_code', models.CharField(blank=True, max_length=12, verbose_name='住所地行政区划代码')),
                ('source', models.CharField(blank=True, help_text='如：平台公示的经营者信息、国家企业信用信息公示系统', max_length=200, verbose_name='来源')),
                ('to_verify', models.BooleanField(default=False, help_text='经营者信息未经中心核实（如示例数据、信用代码未填）', verbose_name='待核实')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                ('operator_area', models.ForeignKey(blank=True, help_text='住所地在本系统辖区内时选择，案件据此分流', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='platforms', to='routing.area', verbose_name='住所地所属本系统区域')),
            ],
            options={
                'verbose_name': '电子商务平台',
                'verbose_name_plural': '电子商务平台',
                'ordering': ['name'],
            },
        ),
    ]
