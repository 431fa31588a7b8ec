"""Admin: reference data and registration's rules (登记规则, the professional claimants) are
editable; cases and their history are read-only here (state changes go through the services,
history is append-only)."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import RecordAdmin, SingleRowSettingsAdmin
from core.choices import CaseKind
from core.pagination import EstimatedCountPaginator
from deadlines.models import CaseClock

from .identity import (
    IDENTITY_CHOICE_FIELDS,
    IDENTITY_FIELDS,
    identity_shown,
    identity_visible_filter,
    may_see_identity,
)
from .keyset import few_matches_by_key
from .models import (
    Case,
    CaseEvent,
    DeclineReason,
    EvidenceSettings,
    IntakeSettings,
    LegalDecision,
    PersonalDataAccess,
    ProfessionalClaimant,
    StatutoryGround,
)
from .selectors import case_search_filter


@admin.register(EvidenceSettings)
class EvidenceSettingsAdmin(SingleRowSettingsAdmin):
    list_display = ["__str__", "max_size_mb", "allowed_extensions", "updated_at"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(RecordAdmin):
    """Read-only: the log is written by complaints/access_log.py and searched on the center's page."""

    list_display = ["at", "user", "unit", "case", "channel", "ip", "reporter", "alert"]
    list_filter = ["alert", "channel", "reporter"]
    search_fields = ["case__number", "user__username"]


class IntakeSettingsForm(forms.ModelForm):
    five_element_kinds = forms.MultipleChoiceField(
        label=_("登记需五要素齐全的工单类型"), choices=CaseKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("默认：投诉、举报、微博、市长信箱。未勾选的类型写明何事即可登记。"),
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


@admin.register(StatutoryGround)
class StatutoryGroundAdmin(admin.ModelAdmin):
    """The grounds of each order, edited by the legal staff; 待核实 rows first in the filter."""

    list_display = ["title", "track", "legal_basis", "source", "effective_from", "unverified", "is_active", "order"]
    list_filter = ["unverified", "track", "legal_basis", "is_active"]
    list_editable = ["is_active", "order"]
    search_fields = ["code", "title", "notice_text", "source"]


@admin.register(LegalDecision)
class LegalDecisionAdmin(RecordAdmin):
    """Decisions are the record of what was decided: read here, written only by the services."""

    list_display = ["case", "track", "outcome", "ground", "amount_recovered", "decided_by_unit", "decided_at"]
    list_filter = ["track", "outcome", "legal_basis"]
    search_fields = ["case__number"]
    list_select_related = ["case", "ground", "decided_by_unit"]


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
class CaseAdmin(RecordAdmin):
    list_display = ["number", "kind", "state", "grade", "registering_unit", "handling_unit", "received_at"]
    list_filter = ["state", "kind", "grade", "channel"]
    search_fields = ["number", "complainant_phone", "respondent_name", "respondent_credit_code", "complainant_name"]
    inlines = [CaseClockInline, CaseEventInline]
    list_select_related = ["registering_unit", "handling_unit"]
    # Millions of cases: no COUNT(*) of the whole table beside the filtered one, page numbers from
    # the planner's estimate past a thousand matches (core/pagination.py).
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_search_results(self, request, queryset, search_term):
        """The search box as on the case list (exact number and phone, trigram and prefix names),
        not Django's icontains, which no index serves, and with its identity rule."""
        if not search_term.strip():
            return queryset, False
        # A rare match is listed from its own few rows, not by walking the receipt-time index past
        # millions of others (complaints.keyset.few_matches_by_key, as the case list does).
        matched, _count, _more = few_matches_by_key(
            queryset.filter(case_search_filter(user=request.user, search=search_term)))
        return matched, False

    # Who filed the case is shown here as on the case page: to whom identity.py allows, and each
    # showing recorded in the personal-data access log (no list column shows identity).
    def get_exclude(self, request, obj=None):
        hidden = [] if obj is None or may_see_identity(case=obj, user=request.user) else list(IDENTITY_CHOICE_FIELDS)
        return [*(super().get_exclude(request, obj) or []), *hidden]

    def get_search_fields(self, request):
        # Finding cases by phone tells who filed them: only for whoever sees every identity.
        fields = super().get_search_fields(request)
        return fields if identity_visible_filter(request.user) is None else [f for f in fields
                                                                             if f not in IDENTITY_FIELDS]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            identity_shown(case=obj, user=request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    list_display = ["case", "at", "action", "actor", "actor_unit"]
    list_filter = ["action"]
    search_fields = ["case__number"]
    list_select_related = ["case", "actor", "actor_unit"]
