"""Admin bases every app's admin uses for two kinds of table: records the system writes (history
rows, access logs, issued documents) that the admin only shows, and the one-row rule tables
(`core.models.SingleRowSettings`) that the center edits but never adds twice nor deletes."""
from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """Read-only: the rows are written by the system; a correction is a new row, never an edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SingleRowSettingsAdmin(admin.ModelAdmin):
    """One row of rules (pk=1): added once, edited afterwards, never deleted."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
