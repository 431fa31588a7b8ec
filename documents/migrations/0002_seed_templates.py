"""The first text of every kind of document, as the center's legal staff would start from it. The
center edits them in the admin (a new row with a later effective date keeps the old text for the
documents already issued); the three decision notices of Order No. 121 are seeded here too and
are offered once those decisions are recorded."""
import datetime

from django.db import migrations

EFFECTIVE = datetime.date(2026, 4, 15)
ORDER_121 = "《市场监督管理投诉举报处理办法》(国家市场监督管理总局令第121号)"
CENTER_RULES = "12315投诉举报中心工作规范"

TEMPLATES = [
    ("decline_notice", "不予登记告知书", "市监投告", CENTER_RULES, """{{ 投诉人 }}：
你（单位）于{{ 接收日期 }}向本机关提出的诉求（工单编号：{{ 工单编号 }}）已收悉。
经审查，{{ 告知内容 }}
据此，本机关对该诉求不予登记，特此告知。
如有疑问，请拨打{{ 咨询电话 }}咨询；凭工单编号和查询码（{{ 查询码 }}）可查询办理情况。"""),
    ("transfer_letter", "移送函", "市监移", CENTER_RULES, """{{ 移送部门 }}：
本机关于{{ 接收日期 }}收到投诉举报一件（工单编号：{{ 工单编号 }}），反映{{ 被投诉人 }}的有关问题。经审查，该事项不属于市场监督管理部门职责范围，现移送你单位依法处理。
主要事项：{{ 事项 }}
诉求：{{ 诉求 }}
投诉举报人：{{ 投诉人 }}{% if 投诉人电话 %}，联系电话：{{ 投诉人电话 }}{% endif %}
请依法处理，并将处理结果告知投诉举报人。联系电话：{{ 咨询电话 }}。"""),
    ("dispatch_slip", "交办单", "投交", CENTER_RULES, """{{ 承办单位 }}：
现将工单{{ 工单编号 }}交你单位办理。
接收日期：{{ 接收日期 }}
投诉举报人：{{ 投诉人 }}{% if 投诉人电话 %}，联系电话：{{ 投诉人电话 }}{% endif %}
被投诉（举报）人：{{ 被投诉人 }}{% if 被投诉人地址 %}，地址：{{ 被投诉人地址 }}{% endif %}
主要事项：{{ 事项 }}
诉求：{{ 诉求 }}
{% if 办理期限 %}请于{{ 办理期限 }}前办结并答复；{% else %}请按规定时限办结并答复；{% endif %}确需延期的，应在期限届满前申请延期并作阶段性回复。"""),
    ("reply_letter", "答复函", "市监投复", CENTER_RULES, """{{ 投诉人 }}：
你（单位）于{{ 接收日期 }}提出的诉求（工单编号：{{ 工单编号 }}，被投诉人：{{ 被投诉人 }}），经{{ 承办单位 }}办理，现答复如下：
{{ 答复内容 }}
如对办理结果有异议，可拨打{{ 咨询电话 }}反映；凭工单编号和查询码（{{ 查询码 }}）可查询办理情况并作出评价。"""),
    ("supervision_order", "督办单", "投督", CENTER_RULES, """{{ 责任单位 }}：
工单{{ 工单编号 }}（被投诉人：{{ 被投诉人 }}）的{{ 超期时限 }}时限已于{{ 到期日期 }}届满，至今未按时完成。根据督办规则，现予{{ 督办级别 }}。
{% if 承办人 %}承办人：{{ 承办人 }}。{% endif %}
请你单位负责人督促立即办理，并将办理情况及超期原因书面报告本中心。"""),
    ("weekly_overdue_notice", "超期工单通报", "投通", CENTER_RULES, """各单位：
现将{{ 通报范围 }}{{ 通报期次 }}工单办理超期情况通报如下。
{{ 通报正文 }}
{{ 单位明细 }}
请上述单位认真查找原因，立即整改，确保按时限办结。"""),
    ("not_accepted_notice", "不予受理告知书", "市监投不受", ORDER_121, """{{ 投诉人 }}：
你（单位）于{{ 接收日期 }}提出的投诉（工单编号：{{ 工单编号 }}，被投诉人：{{ 被投诉人 }}），经审查，{{ 告知内容 }}
依据{{ 法律依据 }}，本机关决定不予受理，特此告知。"""),
    ("acceptance_notice", "受理通知书", "市监投受", ORDER_121, """{{ 投诉人 }}：
你（单位）于{{ 接收日期 }}提出的投诉（工单编号：{{ 工单编号 }}，被投诉人：{{ 被投诉人 }}），经审查符合受理条件，本机关决定予以受理，由{{ 承办单位 }}组织调解。"""),
    ("mediation_termination_notice", "终止调解告知书", "市监投终", ORDER_121, """{{ 投诉人 }}：
你（单位）投诉{{ 被投诉人 }}一案（工单编号：{{ 工单编号 }}），因{{ 终止理由 }}，本机关决定终止调解，特此告知。
你（单位）可以依法申请仲裁或者向人民法院提起诉讼。"""),
]


def seed(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    for kind, title, prefix, source, body in TEMPLATES:
        DocumentTemplate.objects.get_or_create(kind=kind, effective_from=EFFECTIVE, defaults={
            "title": title, "number_prefix": prefix, "source": source, "body": body})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_documents")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
