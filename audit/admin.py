"""The rules' history in the admin: read-only, searchable by table, record and who changed it."""
import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import RuleChange


@admin.register(RuleChange)
class RuleChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "source", "content_type", "object_repr", "action", "changed"]
    list_filter = ["content_type", "action"]
    search_fields = ["object_repr", "object_id", "actor__username"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor", "source", "content_type", "object_id", "object_repr", "action", "changed",
                       "before_shown", "after_shown"]
    exclude = ["before", "after"]

    @admin.display(description=_("修改前"))
    def before_shown(self, change):
        return format_html("<pre>{}</pre>", json.dumps(change.before, ensure_ascii=False, indent=2))

    @admin.display(description=_("修改后"))
    def after_shown(self, change):
        return format_html("<pre>{}</pre>", json.dumps(change.after, ensure_ascii=False, indent=2))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
