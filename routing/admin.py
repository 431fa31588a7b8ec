from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Area, Category, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "unit"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "unit"]


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
