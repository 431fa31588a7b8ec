"""The statutory decisions now have their own history actions (complaints/services/procedure.py):
the 受理 row listens to `legal_accept` (not `accept`, the unit signing for a case), the grounds are
read from the decision's details, a mediation agreement gets its own message, and the rows are
switched on. The template codes stay placeholders for the ones the gateway approves."""
import datetime

from django.db import migrations

ORDER_121 = "《市场监督管理投诉举报处理办法》（市场监管总局令第121号）"
NUMBER = {"number": "case.number"}


def forward(apps, schema_editor):
    SmsTemplate = apps.get_model("messaging", "SmsTemplate")
    SmsTemplate.objects.filter(code="accept_decision").update(action="legal_accept", enabled=True)
    SmsTemplate.objects.filter(code="not_accept").update(
        parameters={**NUMBER, "ground": "event.data.ground_title"}, enabled=True)
    SmsTemplate.objects.filter(code="mediation_end").update(
        condition={"outcome": "terminated"}, parameters={**NUMBER, "ground": "event.data.ground_title"},
        enabled=True)
    SmsTemplate.objects.filter(code="report_decision").update(enabled=True)
    SmsTemplate.objects.get_or_create(
        code="mediation_agreement", effective_from=datetime.date(2026, 4, 15),
        defaults={"name": "调解协议告知", "action": "mediation_end", "condition": {"outcome": "agreement"},
                  "template_code": "SMS_482760010",
                  "text": "您的投诉（工单编号${number}）经调解达成协议，挽回经济损失${amount}元。",
                  "parameters": {**NUMBER, "amount": "event.data.amount_recovered"}, "enabled": True,
                  "source": ORDER_121})


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_seed_sms_templates")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
