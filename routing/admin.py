from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Area, Category, RoutingRule, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "reply_needs_sign_off", "is_active"]
    list_filter = ["kind", "reply_needs_sign_off", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "unit", "path"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "unit"]
    readonly_fields = ["path"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Officials change jurisdiction here; imports of whole tables go through 分流规则导入."""

    list_display = ["id", "area", "category", "case_kind", "unit", "priority", "is_active", "note"]
    list_editable = ["priority", "is_active"]
    list_filter = ["is_active", "case_kind", "unit__kind"]
    search_fields = ["area__name", "area__code", "category__name", "unit__name", "note"]
    autocomplete_fields = ["area", "category", "unit"]
    list_select_related = ["area", "category", "unit"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("12315", {"fields": ("unit", "role", "phone")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("12315", {"fields": ("unit", "role")}),)
    list_display = ["username", "first_name", "unit", "role", "is_active"]
    list_filter = ["role", "unit__kind", "is_active"]
