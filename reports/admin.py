"""Admin: the ranking weights the center sets, and the published reports (read only: a notice that
has gone out is not edited)."""
from django.contrib import admin

from core.admin import RecordAdmin
from reports.models import RankingWeights, ReportSnapshot


@admin.register(RankingWeights)
class RankingWeightsAdmin(admin.ModelAdmin):
    list_display = ["__str__", *RankingWeights.INDICATORS, "updated_at"]

    def has_add_permission(self, request):
        # One row of weights: edit it rather than add another.
        return not RankingWeights.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(RecordAdmin):
    list_display = ["kind", "period_start", "period_end", "scope", "created_at"]
    list_filter = ["kind", "scope"]
    list_select_related = ["scope"]
    date_hierarchy = "period_start"
    exclude = ["data"]
