"""Admin for the calendar, the time-limit policy and the warning lead: reference data the center
maintains by hand. A change recounts the running clocks it touches, in the worker after commit."""
import logging
from datetime import date

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, DeadlineSettings, HolidaySchedule, TimeLimit

logger = logging.getLogger(__name__)


def _recount_deadlines_after_commit(request, affected_from: date) -> None:
    """Running deadlines on or after a changed day are recounted by the worker once the change is
    committed; if the broker is down, the hourly sweep still resolves clocks waiting for a year."""
    from .tasks import clocks_reschedule_task

    def send():
        try:
            clocks_reschedule_task.delay(affected_from.isoformat())
        except Exception:  # the change itself is saved; tell the user to retry the recount
            logger.exception("could not queue the deadline recount")
            messages.warning(request, _("日历已保存，但后台重新计算时限的任务未能提交，请稍后再保存一次。"))

    transaction.on_commit(send)
    messages.info(request, _("日历已更改：相关工单的时限将在后台重新计算。"))


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "is_workday", "name", "note"]
    extra = 3


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "notice", "published_on", "holiday_count", "makeup_count"]
    search_fields = ["notice", "note"]
    inlines = [CalendarDayInline]
    # The list offers "从通知导入" (deadlines/admin_notice.py) beside the hand-entry "add".
    change_list_template = "admin/deadlines/holidayschedule/change_list.html"

    def get_urls(self):
        from .admin_notice import notice_import_view

        view = self.admin_site.admin_view(
            lambda request: notice_import_view(self, request, _recount_deadlines_after_commit))
        return [path("import/", view, name="deadlines_holidayschedule_import"), *super().get_urls()]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _recount_deadlines_after_commit(request, date(form.instance.year, 1, 1))

    def get_queryset(self, request):
        # Counted in the list query, not one query per row.
        return super().get_queryset(request).annotate(
            n_holidays=Count("days", filter=Q(days__is_workday=False)),
            n_makeup=Count("days", filter=Q(days__is_workday=True)),
        )

    @admin.display(description=_("放假天数"), ordering="n_holidays")
    def holiday_count(self, obj):
        return obj.n_holidays

    @admin.display(description=_("调休上班天数"), ordering="n_makeup")
    def makeup_count(self, obj):
        return obj.n_makeup


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday", "schedule", "note"]
    list_filter = ["is_workday", "schedule"]
    list_select_related = ["schedule"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recount_deadlines_after_commit(request, obj.date)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recount_deadlines_after_commit(request, obj.date)


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["clock", "case_kind", "grade", "enterprise_related", "amount", "unit", "effective_from", "basis",
                    "source", "unverified", "is_active"]
    list_filter = ["unverified", "clock", "case_kind", "grade", "enterprise_related", "unit", "is_active",
                   "effective_from"]
    search_fields = ["basis", "source"]


@admin.register(DeadlineSettings)
class DeadlineSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "warning_lead_amount", "warning_lead_unit"]

    def has_add_permission(self, request):
        # One row of rules: edit it rather than add another.
        return not DeadlineSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"warning_lead_amount", "warning_lead_unit"} & set(form.changed_data):
            _rewarn_after_commit(request)


def _rewarn_after_commit(request) -> None:
    """Running clocks' warning times follow a new lead time; done by the worker after commit."""
    from .tasks import clocks_rewarn_task

    def send():
        try:
            clocks_rewarn_task.delay()
        except Exception:  # the rule is saved; the recount can be asked for again by saving
            logger.exception("could not queue the warning recount")
            messages.warning(request, _("规则已保存，但重新计算预警时间的任务未能提交，请稍后再保存一次。"))

    transaction.on_commit(send)
    messages.info(request, _("预警提前量已更改：进行中工单的预警时间将在后台重新计算。"))
