"""The statutory limits of the legal track, with their sources (SPEC §10):

- the notice to both parties after a mediation is terminated: 7 working days (Order 20 Art. 22);
- the notice to a real-name reporter of the decision on the report: 5 working days (Order 20 Art. 31);
- the one extension of the report clock the center may approve: 15 working days
  (《市场监督管理行政处罚程序规定》 Art. 18);
and the sources of the rows seeded before. Order 121 amended the mediation limit and its value is not
confirmed from the official text: its rows keep Order 20's values and are marked 待核实 (unverified).
"""
from datetime import date

from django.db import migrations

ORDER_20_FROM = date(2020, 1, 1)
ORDER_121_FROM = date(2026, 4, 15)
ORDER_20 = "《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号)"
ORDER_121 = "市场监管总局令第121号"
O20, O121, PENALTY = "市场监管总局令第20号", "市场监管总局令第121号", "《市场监督管理行政处罚程序规定》"

# (clock, kind, amount, order 20 source, order 121 source, order 121 unverified)
NEW_ROWS = [
    ("statutory_termination_notice", "complaint", 7, f"{O20}第二十二条第二款", f"{O121}(条款待核实)", True),
    ("statutory_report_notice", "report", 5, f"{O20}第三十一条", f"{O121}(条款待核实)", True),
    ("statutory_report_extension", "report", 15, f"{PENALTY}第十八条", f"{PENALTY}第十八条", False),
]
# Sources of the rows supervision/migrations/0002 seeded (same keys).
EXISTING = [
    ("statutory_accept", "complaint", f"{O20}第十六条", f"{O121}(条款待核实)", False),
    ("statutory_mediation", "complaint", f"{O20}第二十二条第(五)项",
     f"{O121}(修改了调解期限,数值沿用第20号令的45个工作日,待核实)", True),
    ("statutory_report_decision", "report", f"{PENALTY}第十八条", f"{PENALTY}第十八条", False),
]


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("deadlines", "TimeLimit")
    for clock, kind, amount, src20, src121, unverified121 in NEW_ROWS:
        for basis, effective_from, source, unverified in (
                (ORDER_20, ORDER_20_FROM, src20, False), (ORDER_121, ORDER_121_FROM, src121, unverified121)):
            TimeLimit.objects.get_or_create(
                clock=clock, case_kind=kind, grade="", effective_from=effective_from, is_active=True,
                defaults={"amount": amount, "unit": "working_days", "basis": basis, "source": source,
                          "unverified": unverified})
    for clock, kind, src20, src121, unverified121 in EXISTING:
        # Only rows still blank: a source the center entered meanwhile is theirs.
        TimeLimit.objects.filter(clock=clock, case_kind=kind, effective_from=ORDER_20_FROM, source="") \
            .update(source=src20)
        TimeLimit.objects.filter(clock=clock, case_kind=kind, effective_from=ORDER_121_FROM, source="") \
            .update(source=src121, unverified=unverified121)


def unseed(apps, schema_editor):
    TimeLimit = apps.get_model("deadlines", "TimeLimit")
    TimeLimit.objects.filter(clock__in=[row[0] for row in NEW_ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_statutory_limits_source_and_notice_clocks"),
                    ("supervision", "0006_move_calendar_and_limits_to_deadlines")]
    operations = [migrations.RunPython(seed, unseed)]
