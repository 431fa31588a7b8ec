from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Area, Category, Coverage, Platform, RoutingRule, Unit, User


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
    """Officials change jurisdiction here; imports of whole tables go through 分流规则导入. The
    顺序号 decides which rule wins: 1 first, as officials number their rule tables."""

    list_display = ["sequence", "id", "area", "category", "case_kind", "unit", "is_active", "note"]
    list_display_links = ["id"]
    list_editable = ["sequence", "is_active"]

    def changelist_view(self, request, extra_context=None):
        from django.contrib import messages
        from django.utils.translation import gettext as _

        if request.method == "GET":
            messages.info(request, _(
                "顺序号 1 最先：多条规则都匹配时，顺序号小的规则生效；顺序号相同时越具体的规则优先。"))
        return super().changelist_view(request, extra_context)
    list_filter = ["is_active", "case_kind", "unit__kind"]
    search_fields = ["area__name", "area__code", "category__name", "unit__name", "note"]
    autocomplete_fields = ["area", "category", "unit"]
    list_select_related = ["area", "category", "unit"]


@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    list_display = ["unit", "area", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["unit__name", "unit__code", "area__name", "area__code"]
    autocomplete_fields = ["unit", "area"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("12315", {"fields": ("unit", "role", "phone", "must_set_password")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("12315", {"fields": ("unit", "role")}),)
    list_display = ["username", "first_name", "unit", "role", "is_active"]
    list_filter = ["role", "unit__kind", "is_active"]


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "operator_name", "operator_credit_code", "operator_home", "operator_area",
                    "to_verify", "is_active"]
    list_filter = ["to_verify", "is_active"]
    search_fields = ["name", "code", "operator_name", "operator_credit_code"]
    autocomplete_fields = ["operator_area"]
