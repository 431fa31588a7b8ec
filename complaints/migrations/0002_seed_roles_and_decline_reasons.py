from django.db import migrations

DECLINE_REASONS = [
    ("in_litigation", "已由法院、仲裁机构或行政复议机关受理或处理",
     "您反映的事项已由人民法院、仲裁机构、行政复议机关或者其他行政机关受理或者处理,根据规定,本机关不予登记。"),
    ("in_petition", "已进入信访渠道",
     "您反映的事项已通过信访渠道提出,请按信访程序办理,本机关不再重复登记。"),
    ("business_dispute", "经营者之间的民事纠纷",
     "您反映的事项属于经营者之间的民事纠纷,不属于消费者权益争议,请通过协商、仲裁或诉讼解决。"),
    ("no_respondent", "无明确的被投诉人",
     "您的投诉未提供明确的被投诉人,无法登记。补充被投诉人名称或地址后可重新提出。"),
    ("no_facts", "无具体事实或线索",
     "您反映的事项缺少具体的事实、证据或线索,暂无法登记。补充具体情况后可重新提出。"),
    ("out_of_remit", "不属于市场监管部门职责范围",
     "您反映的事项不属于市场监督管理部门职责范围,请向有关主管部门反映;已知主管部门的,本机关将依法移送。"),
]


def seed(apps, schema_editor):
    from complaints.migrations_support import role_groups_ensure

    role_groups_ensure(apps)

    DeclineReason = apps.get_model("complaints", "DeclineReason")
    for order, (code, title, notice) in enumerate(DECLINE_REASONS):
        DeclineReason.objects.get_or_create(
            code=code, defaults={"title": title, "notice_text": notice, "order": order,
                                 "suggests_transfer": code == "out_of_remit"},
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
