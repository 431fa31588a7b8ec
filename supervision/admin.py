"""Admin for supervision's rules and records: escalation periods and hotspot thresholds, escalation
steps (read only), the red-line ledger and clusters. The calendar, the time limits and the warning
lead are in deadlines/admin.py; the repeat and cluster windows and the professional claimants in
complaints/admin.py (登记规则, 职业索赔人名单)."""
from django.contrib import admin

from complaints.models import CaseCluster
from supervision.models import Escalation, RedLineItem, SamplingDraw, SamplingRate, SupervisionSettings


@admin.register(SupervisionSettings)
class SupervisionSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "parent_after_hours", "director_after_hours", "hotspot_min_count",
                    "hotspot_min_growth_percent"]

    def has_add_permission(self, request):
        # One row of rules: edit it rather than add another.
        return not SupervisionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """Read-only: escalation steps are written by the sweep only."""

    list_display = ["case", "clock", "level", "unit", "handler", "with_extension", "due_at", "created_at"]
    list_filter = ["level", "with_extension"]
    search_fields = ["case__number"]
    raw_id_fields = ["case", "clock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RedLineItem)
class RedLineItemAdmin(admin.ModelAdmin):
    list_display = ["case", "reason", "month", "opened_at", "closed_at", "closed_by"]
    list_filter = ["reason", "month"]
    search_fields = ["case__number"]
    raw_id_fields = ["case"]
    readonly_fields = ["case", "reason", "opened_at", "month", "closed_at", "closed_by"]


@admin.register(CaseCluster)
class CaseClusterAdmin(admin.ModelAdmin):
    list_display = ["respondent_name", "state", "created_at", "action_title", "action_unit"]
    list_filter = ["state"]
    filter_horizontal = []
    raw_id_fields = ["cases"]


@admin.register(SamplingRate)
class SamplingRateAdmin(admin.ModelAdmin):
    """The center's sampling rates (抽查回访比例): one row per month for the city, and per unit where
    the share differs."""

    list_display = ["month", "unit", "percent", "note"]
    list_filter = ["month"]
    autocomplete_fields = ["unit"]


@admin.register(SamplingDraw)
class SamplingDrawAdmin(admin.ModelAdmin):
    """Read-only: a draw is made on the sampling page, with its seed recorded."""

    list_display = ["month", "seed", "population", "drawn_at", "drawn_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
