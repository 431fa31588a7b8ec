"""Reference data for deadlines: the official working-day calendar and the time-limit policy table.

The arithmetic lives in `workdays.py` and `deadlines.py`; these models only hold what the center
enters or corrects in the admin.
"""
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import CaseKind, Grade


class HolidaySchedule(models.Model):
    """The State Council's holiday notice for one year, entered by the center.

    Its existence means "this year's schedule is complete": the year becomes countable even when
    the bundled chinese_calendar library does not know it. Its days are CalendarDay rows.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("通知文号"), max_length=100, help_text=_("如：国办发明电〔2025〕7号"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # updated_at feeds the calendar cache's fingerprint (see workdays.load_calendar).
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.notice}"


class CalendarDay(models.Model):
    """One date whose status the center states explicitly; it overrides the library for that date.

    With a schedule it is part of that year's notice; without one it corrects a library year.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"), help_text=_("勾选：上班（含调休上班）；不勾选：放假"))
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如：春节、调休上班"))
    schedule = models.ForeignKey(
        HolidaySchedule,
        verbose_name=_("所属安排"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="days",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        status = _("上班") if self.is_workday else _("放假")
        return f"{self.date} {self.name or ''} {status}".replace("  ", " ")

    def clean(self) -> None:
        # A day filed under the wrong year's notice would silently never be looked at as such.
        if self.schedule_id and self.date and self.schedule.year != self.date.year:
            raise ValidationError({"date": _("日期不在所属安排的年份内。")})


class Clock(models.TextChoices):
    DISPATCH = "dispatch", _("分流")
    REDISPATCH = "redispatch", _("二级分流")
    CONTACT = "contact", _("首次联系")
    HANDLING = "handling", _("办理")
    REDO = "redo", _("重办")
    CROSS_REGION_NOTICE = "cross_region_notice", _("同城通办告知")
    STATUTORY_ACCEPT = "statutory_accept", _("受理决定(法定)")
    STATUTORY_MEDIATION = "statutory_mediation", _("调解(法定)")
    STATUTORY_REPORT_DECISION = "statutory_report_decision", _("举报核查决定(法定)")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    DAYS = "days", _("自然日")
    HOURS = "hours", _("小时")
    SAME_WORKING_DAY = "same_working_day", _("当日")


class TimeLimit(models.Model):
    """One row of the time-limit policy: how long a clock runs for a kind/grade of case.

    Blank kind or grade means "any". The row applying to a case is chosen by
    `deadlines.time_limit_for`: rules in force on the receipt date, most specific first, then newest.
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
    amount = models.PositiveIntegerField(_("时限"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("单位"), max_length=20, choices=LimitUnit.choices)
    effective_from = models.DateField(_("生效日期"), help_text=_("按工单接收日期适用此日期起生效的规定"))
    basis = models.CharField(_("依据"), max_length=200, help_text=_("如：市场监管总局令第20号"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["clock", "case_kind", "grade", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "case_kind", "grade", "effective_from"],
                condition=Q(is_active=True),
                name="supervision_timelimit_one_active_rule",
            ),
        ]

    def __str__(self) -> str:
        scope = " ".join(
            str(label) for label in (self.get_case_kind_display(), self.get_grade_display()) if label
        ) or str(_("全部"))
        return f"{self.get_clock_display()} / {scope}: {self.amount} {self.get_unit_display()}"

    def clean(self) -> None:
        # "Same working day" has no length; 1 keeps the table readable ("1 当日").
        if self.unit == LimitUnit.SAME_WORKING_DAY and self.amount not in (None, 1):
            raise ValidationError({"amount": _("“当日”时限的数值应为1。")})


# Supervision rules and records live in their own modules; imported here so Django finds them.
from supervision.policy import ProfessionalClaimant, SupervisionSettings  # noqa: E402, F401
from supervision.records import CaseCluster, Escalation, RedLineItem  # noqa: E402, F401
