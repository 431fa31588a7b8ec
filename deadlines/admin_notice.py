"""The admin page where the center pastes the State Council's holiday notice: read it, show the year
as a calendar with every parsed day marked, and save it only when the center confirms.

Two posts with the same fields: "preview" reads the text and shows the calendar; "confirm" reads the
same text again (never trusting a parse sent back by the browser) and saves. A text with a mistake
is shown again with each offending line and nothing is saved."""
from __future__ import annotations

import calendar as monthgrid
import hashlib
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .calendar_services import holiday_schedule_import
from .holiday_notice import ParsedNotice, holiday_notice_parse
from .models import CalendarDay, HolidaySchedule
from .workdays import WorkingCalendar, load_calendar


class NoticeImportForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100, required=False,
                              help_text=_("留空则按通知标题中的年份"))
    notice = forms.CharField(label=_("通知文号"), max_length=100, help_text=_("如：国办发明电〔2025〕7号"))
    published_on = forms.DateField(label=_("发布日期"), required=False, help_text=_("格式：2025-11-04"))
    text = forms.CharField(label=_("通知原文"), widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
                           help_text=_("粘贴国务院办公厅关于当年部分节假日安排的通知全文，全角或半角标点均可。"))

    def parse(self) -> ParsedNotice | None:
        """The notice read from the text; its mistakes become errors of the text field."""
        if not self.is_valid():
            return None
        parsed = holiday_notice_parse(self.cleaned_data["text"], year=self.cleaned_data["year"])
        for error in parsed.errors:
            message = error.render(gettext)
            if error.line:
                message = gettext("第%(line)s行：%(message)s（%(text)s）") % {
                    "line": error.line, "message": message, "text": error.text}
            self.add_error("text", message)
        return parsed if parsed.ok else None


def year_grid(year: int, parsed: ParsedNotice) -> list[dict]:
    """Twelve months of weeks (Monday first); each day with its kind: holiday, makeup, weekend, workday."""
    marked = {day.date: day for day in parsed.days}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in monthgrid.Calendar().monthdatescalendar(year, month):
            cells = []
            for day in week:
                notice_day = marked.get(day)
                if day.month != month:
                    kind = "outside"
                elif notice_day is not None:
                    kind = "makeup" if notice_day.is_workday else "holiday"
                else:
                    kind = "weekend" if day.weekday() >= 5 else "workday"
                cells.append({"date": day, "kind": kind, "name": notice_day.name if notice_day else ""})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


def _replaces(year: int, calendar: WorkingCalendar) -> list[str]:
    """What saving this year will replace, said before the center confirms."""
    notes = []
    existing = HolidaySchedule.objects.filter(year=year).first()
    if existing is not None:
        notes.append(gettext("将替换已录入的%(year)s年安排（%(notice)s）。") % {
            "year": year, "notice": existing.notice})
    elif calendar.year_known(year):
        notes.append(gettext("%(year)s年已有chinesecalendar库的数据，保存后以本通知为准。") % {"year": year})
    corrections = CalendarDay.objects.filter(date__year=year, schedule__isnull=True).count()
    if corrections:
        notes.append(gettext("该年另有%(count)s条单日调整，将由本通知取代。") % {"count": corrections})
    return notes


def _digest(form: NoticeImportForm) -> str:
    data = form.cleaned_data
    return hashlib.sha256(f"{data.get('year')}|{data.get('text')}".encode()).hexdigest()


def notice_import_view(model_admin, request, recount_after_commit):
    if not model_admin.has_add_permission(request) or not model_admin.has_change_permission(request):
        raise PermissionDenied
    form = NoticeImportForm(request.POST or None)
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
               "title": gettext("从国务院办公厅通知导入节假日安排"), "form": form,
               "weekday_names": [pgettext("weekday", "一"), pgettext("weekday", "二"), pgettext("weekday", "三"),
                                 pgettext("weekday", "四"), pgettext("weekday", "五"), pgettext("weekday", "六"),
                                 pgettext("weekday", "日")]}
    if request.method == "POST":
        parsed = form.parse()
        # Saved only as previewed: a text or year changed after the preview is shown again first.
        confirmed = request.POST.get("step") == "confirm" and request.POST.get("previewed") == _digest(form)
        if parsed is not None and confirmed:
            schedule = holiday_schedule_import(
                year=parsed.year, notice=form.cleaned_data["notice"], published_on=form.cleaned_data["published_on"],
                days=parsed.days, text=form.cleaned_data["text"])
            saved = gettext("%(year)s年节假日安排已保存：放假%(holidays)s天，调休上班%(makeup)s天。")
            messages.success(request, saved % {
                "year": parsed.year, "holidays": len(parsed.holidays), "makeup": len(parsed.makeup_days)})
            recount_after_commit(request, date(parsed.year, 1, 1))
            return redirect(reverse("admin:deadlines_holidayschedule_change", args=[schedule.pk]))
        if parsed is not None:
            context.update(parsed=parsed, year=parsed.year, months=year_grid(parsed.year, parsed),
                           replaces=_replaces(parsed.year, load_calendar()),
                           days=parsed.days, previewed=_digest(form))
    return TemplateResponse(request, "admin/deadlines/holidayschedule/notice_import.html", context)
