"""Seed the time-limit policy of SPEC section 5.

Urgent and major cases get their limit from the center per case, so they have no rows here.
Order No. 121 (in force 2026-04-15) replaces Order No. 20; its rows repeat the same limits, each
with its own effective date, so a case keeps the rule in force when it was received.
"""
from datetime import date

from django.db import migrations

WORK_RULES = "12315工作规范"
WORK_RULES_FROM = date(2000, 1, 1)
ORDER_20 = "《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号)"
ORDER_20_FROM = date(2020, 1, 1)
ORDER_121 = "市场监管总局令第121号"
ORDER_121_FROM = date(2026, 4, 15)

# (clock, case_kind, amount, unit); blank kind = any kind.
WORK_RULE_ROWS = [
    ("dispatch", "", 1, "same_working_day"),
    ("contact", "", 2, "days"),
    ("handling", "complaint", 10, "working_days"),
    ("handling", "report", 10, "working_days"),
    *[("handling", kind, 5, "working_days")
      for kind in ("consultation", "suggestion", "praise", "mayor_mailbox", "weibo")],
    ("redo", "", 3, "working_days"),
    ("cross_region_notice", "", 2, "days"),
]
STATUTORY_ROWS = [
    ("statutory_accept", "complaint", 7, "working_days"),
    ("statutory_mediation", "complaint", 45, "working_days"),
    ("statutory_report_decision", "report", 15, "working_days"),
]


def rows():
    for clock, kind, amount, unit in WORK_RULE_ROWS:
        yield clock, kind, amount, unit, WORK_RULES_FROM, WORK_RULES
    for basis, effective_from in ((ORDER_20, ORDER_20_FROM), (ORDER_121, ORDER_121_FROM)):
        for clock, kind, amount, unit in STATUTORY_ROWS:
            yield clock, kind, amount, unit, effective_from, basis


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("supervision", "TimeLimit")
    for clock, kind, amount, unit, effective_from, basis in rows():
        # get_or_create: re-running after a partial manual entry must not duplicate a rule.
        TimeLimit.objects.get_or_create(
            clock=clock, case_kind=kind, grade="", effective_from=effective_from, is_active=True,
            defaults={"amount": amount, "unit": unit, "basis": basis},
        )


def unseed(apps, schema_editor):
    TimeLimit = apps.get_model("supervision", "TimeLimit")
    for clock, kind, _amount, _unit, effective_from, basis in rows():
        TimeLimit.objects.filter(
            clock=clock, case_kind=kind, grade="", effective_from=effective_from, basis=basis
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
