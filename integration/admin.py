"""Admin for external systems: register a system, see and revoke its keys, map Open311 services,
and read the webhook log. Keys are issued with `manage.py api_key_issue <code>` (shown once)."""
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import ApiKey, ExternalSystem, Open311Service, StaffToken, WebhookDelivery
from .services import api_key_issue, api_key_revoke, staff_token_revoke


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ["prefix", "created_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExternalSystem)
class ExternalSystemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "acting_user", "channel", "registers_automatically", "requests_per_minute",
                    "webhook_url", "is_active"]
    readonly_fields = ["webhook_secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ApiKeyInline]
    actions = ["issue_key"]

    @admin.action(description=_("签发新的接口密钥"))
    def issue_key(self, request, queryset):
        for system in queryset:
            key = api_key_issue(system=system)
            messages.warning(request, _("%(system)s 的新密钥（只显示这一次）：%(key)s") % {
                "system": system, "key": key})


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["system", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["system", "prefix", "hashed", "created_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("吊销所选密钥"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key=key)


@admin.register(StaffToken)
class StaffTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py staff_token_issue <username>` (shown once); listed and revoked here."""

    list_display = ["user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "hashed", "created_at", "expires_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset:
            staff_token_revoke(token=token)


@admin.register(Open311Service)
class Open311ServiceAdmin(admin.ModelAdmin):
    list_display = ["service_code", "service_name", "kind", "category", "group", "is_active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "system", "case", "event", "status", "attempts", "response_code", "next_attempt_at"]
    list_filter = ["status", "event", "system"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
