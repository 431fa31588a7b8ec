"""Admin: the signature and switch (短信设置), the message kinds with their registered templates
(短信模板), and the message log with a resend action."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import SingleRowSettingsAdmin

from .models import SmsMessage, SmsSettings, SmsTemplate
from .outbox import sms_resend
from .params import UnknownSource, source_check


@admin.register(SmsSettings)
class SmsSettingsAdmin(SingleRowSettingsAdmin):
    list_display = ["__str__", "sign_name", "enabled"]


class SmsTemplateForm(forms.ModelForm):
    class Meta:
        model = SmsTemplate
        fields = ["code", "name", "action", "condition", "template_code", "text", "parameters", "enabled",
                  "effective_from", "source"]

    def clean_parameters(self):
        parameters = self.cleaned_data["parameters"]
        if not isinstance(parameters, dict):
            raise forms.ValidationError(_("模板参数应为 变量名 → 取值来源 的对象。"))
        for name, source in parameters.items():
            if f"${{{name}}}" not in self.data.get("text", ""):
                raise forms.ValidationError(_("模板内容中没有变量 ${%(name)s}。") % {"name": name})
            try:
                source_check(str(source))
            except UnknownSource as error:
                raise forms.ValidationError(str(error)) from None
        return parameters

    def clean_condition(self):
        condition = self.cleaned_data["condition"]
        if not isinstance(condition, dict):
            raise forms.ValidationError(_("条件应为对象，如 {\"approved\": true}。"))
        return condition


@admin.register(SmsTemplate)
class SmsTemplateAdmin(admin.ModelAdmin):
    form = SmsTemplateForm
    list_display = ["code", "name", "action", "template_code", "enabled", "effective_from", "source"]
    list_filter = ["enabled", "action"]
    search_fields = ["code", "name", "template_code"]


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "kind", "phone_masked", "status", "attempts", "created_at", "sent_at",
                    "delivered_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["case__number", "gateway_id"]
    exclude = ["phone"]
    readonly_fields = [f.name for f in SmsMessage._meta.fields if f.name != "phone"] + ["phone_masked"]
    actions = ["resend"]

    @admin.display(description=_("手机号码"))
    def phone_masked(self, obj):
        return obj.masked_phone

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送"))
    def resend(self, request, queryset):
        for message in queryset:
            sms_resend(message=message, by=request.user)
        messages.success(request, _("已重新排队 %(n)d 条短信。") % {"n": queryset.count()})
