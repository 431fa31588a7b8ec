"""The official working-day calendar as the center enters or corrects it in the admin.

The arithmetic lives in `deadlines/workdays.py`; these models only hold the center's rows.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidaySchedule(models.Model):
    """The State Council's holiday notice for one year, entered by the center.

    Its existence means "this year's schedule is complete": the year becomes countable even when
    the bundled chinese_calendar library does not know it. Its days are CalendarDay rows.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("通知文号"), max_length=100, help_text=_("如：国办发明电〔2025〕7号"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # The notice as the center pasted it (deadlines/holiday_notice.py read its days from it): the
    # source of the year's calendar, kept so anyone can check a day against the text.
    notice_text = models.TextField(_("通知原文"), blank=True)
    # updated_at feeds the calendar cache's fingerprint (see workdays.load_calendar).
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        # The table keeps the name it had in supervision: moving the model copied no row.
        db_table = "supervision_holidayschedule"
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
        db_table = "supervision_calendarday"
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
