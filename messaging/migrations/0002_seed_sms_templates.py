"""The message kinds of today's workflow, enabled, and those of the statutory decisions (受理 / 不予受理,
终止调解, 举报处理决定) disabled until their history actions exist and the center has registered the
templates: switching one on is an edit in the admin. The template codes are placeholders for the
ones the gateway approves for the center."""
import datetime

from django.db import migrations

ORDER_121 = "《市场监督管理投诉举报处理办法》（市场监管总局令第121号）"
URL = {"url": "settings.track_url"}
NUMBER = {"number": "case.number"}
CODE = {"code": "case.query_code"}

KINDS = [
    ("receipt", "登记回执", "register", {}, "SMS_482760001",
     "您反映的问题已由12315登记，工单编号${number}，查询码${code}，可在${url}查询办理进度。",
     {**NUMBER, **CODE, **URL}, True),
    ("decline", "不予登记告知", "decline", {}, "SMS_482760002",
     "您向12315反映的问题（工单编号${number}）不予登记，理由：${reason}。详情可凭查询码${code}在${url}查询。",
     {**NUMBER, "reason": "case.decline_reason", **CODE, **URL}, True),
    ("extension", "延期告知", "decide_extension", {"approved": True}, "SMS_482760003",
     "您的工单${number}办理时限经批准延长至${due}，承办单位将按期答复。",
     {**NUMBER, "due": "event.data.new_due_date"}, True),
    ("reply", "答复告知", "reply", {}, "SMS_482760004",
     "您的工单${number}承办单位已答复，可凭查询码${code}在${url}查看。",
     {**NUMBER, **CODE, **URL}, True),
    ("rating_invitation", "评价邀请", "approve_reply", {}, "SMS_482760005",
     "您的工单${number}已办理完毕，欢迎凭查询码${code}在${url}对办理情况进行评价。",
     {**NUMBER, **CODE, **URL}, True),
    # Statutory decisions (issue 12): disabled until their actions are written and checked. Note that
    # "accept" is today the unit's signing for a case (签收): switching that row on as it stands would
    # text the complainant at every signing; the statutory acceptance must use its own action name.
    ("not_accept", "不予受理告知", "not_accept", {}, "SMS_482760006",
     "您的投诉（工单编号${number}）经审查不予受理，理由：${ground}。",
     {**NUMBER, "ground": "event.note"}, False),
    ("accept_decision", "受理告知", "accept", {}, "SMS_482760007",
     "您的投诉（工单编号${number}）已受理，将依法组织调解。",
     {**NUMBER}, False),
    ("mediation_end", "终止调解告知", "mediation_end", {}, "SMS_482760008",
     "您的投诉（工单编号${number}）调解已终止：${ground}。",
     {**NUMBER, "ground": "event.note"}, False),
    ("report_decision", "举报处理决定告知", "report_decide", {}, "SMS_482760009",
     "您的举报（工单编号${number}）已作出处理决定：${decision}。",
     {**NUMBER, "decision": "event.note"}, False),
]


def seed(apps, schema_editor):
    SmsTemplate = apps.get_model("messaging", "SmsTemplate")
    for code, name, action, condition, template_code, text, parameters, enabled in KINDS:
        SmsTemplate.objects.get_or_create(
            code=code, effective_from=datetime.date(2026, 4, 15),
            defaults={"name": name, "action": action, "condition": condition, "template_code": template_code,
                      "text": text, "parameters": parameters, "enabled": enabled, "source": ORDER_121},
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_sms_outbox")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
