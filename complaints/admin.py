"""Admin: reference data and registration's rules (登记规则, the professional claimants) are
editable; cases and their history are read-only here (state changes go through the services,
history is append-only)."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.choices import CaseKind
from deadlines.models import CaseClock

from .models import Case, CaseEvent, DeclineReason, IntakeSettings, ProfessionalClaimant


class IntakeSettingsForm(forms.ModelForm):
    five_element_kinds = forms.MultipleChoiceField(
        label=_("登记需五要素齐全的工单类型"), choices=CaseKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("默认:投诉、举报、微博、市长信箱。未勾选的类型写明何事即可登记。"),
    )

    class Meta:
        model = IntakeSettings
        fields = ["repeat_window_days", "cluster_window_days", "cluster_min_complainants", "five_element_kinds",
                  "cross_region_level"]


@admin.register(IntakeSettings)
class IntakeSettingsAdmin(admin.ModelAdmin):
    form = IntakeSettingsForm
    list_display = ["__str__", "repeat_window_days", "cluster_window_days", "cluster_min_complainants",
                    "cross_region_level"]

    def has_add_permission(self, request):
        # One row of rules: edit it rather than add another.
        return not IntakeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProfessionalClaimant)
class ProfessionalClaimantAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "id_number", "is_active", "added_at", "note"]
    list_filter = ["is_active"]
    search_fields = ["name", "phone", "id_number"]


@admin.register(DeclineReason)
class DeclineReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "suggests_transfer", "is_active", "order"]
    list_editable = ["is_active", "order"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "action", "actor", "actor_unit", "source_state", "target_state", "note"]
    readonly_fields = fields


class CaseClockInline(ReadOnlyInline):
    model = CaseClock
    fields = ["clock", "started_at", "due_date", "due_at", "stopped_at", "limit_amount", "limit_unit"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "state", "grade", "registering_unit", "handling_unit", "received_at"]
    list_filter = ["state", "kind", "grade", "channel"]
    search_fields = ["number", "complainant_phone", "respondent_name"]
    inlines = [CaseClockInline, CaseEventInline]
    list_select_related = ["registering_unit", "handling_unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "at", "action", "actor", "actor_unit"]
    list_filter = ["action"]
    search_fields = ["case__number"]
    list_select_related = ["case", "actor", "actor_unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
