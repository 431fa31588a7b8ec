"""Admin for the calendar and the time-limit policy: reference data the center maintains by hand."""
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from supervision.models import CalendarDay, HolidaySchedule, TimeLimit


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "is_workday", "name", "note"]
    extra = 3


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    list_display = ["year", "notice", "published_on", "holiday_count", "makeup_count"]
    search_fields = ["notice", "note"]
    inlines = [CalendarDayInline]

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


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["clock", "case_kind", "grade", "amount", "unit", "effective_from", "basis", "is_active"]
    list_filter = ["clock", "case_kind", "grade", "unit", "is_active", "effective_from"]
    search_fields = ["basis"]
