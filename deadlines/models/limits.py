"""The time-limit policy (how long each clock runs for a kind and grade of case) and the warning
lead (how long before its deadline a clock turns yellow), both edited by the center in the admin."""
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import CaseKind, Grade
from core.models import SingleRowSettings


class Clock(models.TextChoices):
    DISPATCH = "dispatch", _("分流")
    REDISPATCH = "redispatch", _("二级分流")
    CONTACT = "contact", _("首次联系")
    HANDLING = "handling", _("办理")
    REDO = "redo", _("重办")
    CROSS_REGION_NOTICE = "cross_region_notice", _("同城通办告知")
    STATUTORY_ACCEPT = "statutory_accept", _("受理决定（法定）")
    STATUTORY_MEDIATION = "statutory_mediation", _("调解（法定）")
    STATUTORY_REPORT_DECISION = "statutory_report_decision", _("举报核查决定（法定）")
    # Telling both parties a mediation was terminated (终止调解告知), and a real-name reporter of
    # the decision on the report (举报处理决定告知): each runs from the decision.
    STATUTORY_TERMINATION_NOTICE = "statutory_termination_notice", _("终止调解告知（法定）")
    STATUTORY_REPORT_NOTICE = "statutory_report_notice", _("举报决定告知实名举报人（法定）")
    # Not a clock that runs: the length of the one extension of the report clock the center may approve.
    STATUTORY_REPORT_EXTENSION = "statutory_report_extension", _("举报核查延长（法定，经批准）")
    # The due time a platform (12345, the national platform) set on its work order: not ours to
    # compute, kept beside the statutory clocks so the unit sees whichever comes first.
    PLATFORM_DUE = "platform_due", _("平台办结期限")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    DAYS = "days", _("自然日")
    HOURS = "hours", _("小时")
    SAME_WORKING_DAY = "same_working_day", _("当日")


class TimeLimit(models.Model):
    """One row of the time-limit policy: how long a clock runs for a kind/grade of case.

    Blank kind or grade means "any". The row applying to a case is chosen by
    `policy.time_limit_for`: rules in force on the receipt date, most specific first, then newest.
    Rows are never edited when a rule changes: a new row with a later `effective_from` is added,
    so older cases keep the rule they were received under.
    """

    Clock = Clock
    LimitUnit = LimitUnit

    clock = models.CharField(_("时限类型"), max_length=32, choices=Clock.choices)
    case_kind = models.CharField(
        _("工单类型"), max_length=20, choices=CaseKind.choices, blank=True, help_text=_("留空表示所有类型")
    )
    grade = models.CharField(
        _("等级"), max_length=10, choices=Grade.choices, blank=True, help_text=_("留空表示所有等级")
    )
    # 涉企 cases are handled "马上就办": a row marked here applies to them only, before the general ones.
    enterprise_related = models.BooleanField(
        _("仅涉企工单"), default=False, help_text=_("勾选表示此时限只适用于涉企工单（马上就办），优先于一般规定")
    )
    amount = models.PositiveIntegerField(_("时限"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("单位"), max_length=20, choices=LimitUnit.choices)
    effective_from = models.DateField(_("生效日期"), help_text=_("按工单接收日期适用此日期起生效的规定"))
    basis = models.CharField(_("依据"), max_length=200, help_text=_("如：市场监管总局令第20号"))
    source = models.CharField(_("出处（条款）"), max_length=200, blank=True,
                              help_text=_("规章及条款，如：市场监管总局令第20号第十六条"))
    # A value not yet confirmed from the official text (Order 121's mediation limit): shown as
    # 待核实 in the admin and on the policy page until the center's legal staff have checked it.
    unverified = models.BooleanField(_("待核实"), default=False,
                                     help_text=_("数值或出处尚未与官方文本核对，核实后取消勾选"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        # The table (and its constraint's name) kept what they were in supervision.
        db_table = "supervision_timelimit"
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["clock", "case_kind", "grade", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "case_kind", "grade", "enterprise_related", "effective_from"],
                condition=Q(is_active=True),
                name="timelimit_one_active_rule_per_scope",
            ),
        ]

    def __str__(self) -> str:
        labels = (self.get_case_kind_display(), self.get_grade_display(), _("涉企") if self.enterprise_related else "")
        scope = " ".join(str(label) for label in labels if label) or str(_("全部"))
        return f"{self.get_clock_display()} / {scope}: {self.amount} {self.get_unit_display()}"

    def clean(self) -> None:
        # "Same working day" has no length; 1 keeps the table readable ("1 当日").
        if self.unit == LimitUnit.SAME_WORKING_DAY and self.amount not in (None, 1):
            raise ValidationError({"amount": _("“当日”时限的数值应为1。")})


class DeadlineSettings(SingleRowSettings):
    """One row (pk=1): how long before its deadline a clock turns yellow. Read with `current()`,
    or `cached()` on hot paths such as intake.

    The lead is part of scheduling a clock (its `warn_at` is computed with the deadline), so it
    lives here beside the policy rather than with supervision's escalation periods."""

    class LeadUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("工作日")
        HOURS = "hours", _("小时")

    warning_lead_amount = models.PositiveIntegerField(
        _("预警提前量"), default=1, help_text=_("距截止还剩多少时变黄（预警）")
    )
    warning_lead_unit = models.CharField(
        _("预警提前量单位"), max_length=20, choices=LeadUnit.choices, default=LeadUnit.WORKING_DAYS
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

