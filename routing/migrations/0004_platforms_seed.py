"""The large e-commerce platforms and their operators (平台经营者) with the operator's home (住所地),
as the platforms publish them in their operator disclosures. Credit codes are left for the center
to enter from the National Enterprise Credit Information Publicity System, so every row is marked
待核实 until it has been checked; no operator home lies in a city's own area tree by default."""
from django.db import migrations

PLATFORMS = [
    # code, platform, operator, operator's home, its NBS division code
    ("taobao", "淘宝", "浙江淘宝网络有限公司", "浙江省杭州市余杭区", "330110"),
    ("tmall", "天猫", "浙江天猫网络有限公司", "浙江省杭州市余杭区", "330110"),
    ("jd", "京东", "北京京东叁佰陆拾度电子商务有限公司", "北京市北京经济技术开发区", ""),
    ("pinduoduo", "拼多多", "上海寻梦信息技术有限公司", "上海市长宁区", "310105"),
    ("meituan", "美团", "北京三快在线科技有限公司", "北京市海淀区", "110108"),
]
SOURCE = "平台公示的经营者信息(统一社会信用代码待中心核实)"


def seed(apps, schema_editor):
    Platform = apps.get_model("routing", "Platform")
    alias = schema_editor.connection.alias
    for code, name, operator, home, division in PLATFORMS:
        Platform.objects.using(alias).get_or_create(code=code, defaults={
            "name": name, "operator_name": operator, "operator_home": home, "operator_division_code": division,
            "source": SOURCE, "to_verify": True})


def unseed(apps, schema_editor):
    Platform = apps.get_model("routing", "Platform")
    Platform.objects.using(schema_editor.connection.alias).filter(
        code__in=[row[0] for row in PLATFORMS], source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("routing", "0003_platforms")]
    operations = [migrations.RunPython(seed, unseed)]
