"""Input and output shapes of the API. Serializers parse and render only; the services decide."""
import copy

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.identity import identity_history_data, identity_output
from complaints.inputs import TypedMomentSerializerField
from complaints.models import Attachment, Case, CaseEvent, DeclineReason, LegalDecision
from complaints.models.choices import (
    HANDLING_LIMIT_UNITS,
    ContactMeans,
    Satisfaction,
)
from deadlines.models import CaseClock
from routing.models import Area, Category, Platform, PlatformJurisdiction, Unit

from ..models import WebhookDelivery


def _code_field(queryset, **kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=queryset, **kwargs)


def _text(**kwargs):
    kwargs.setdefault("required", False)
    if not kwargs["required"]:
        kwargs.setdefault("default", "")
        kwargs.setdefault("allow_blank", True)
    return serializers.CharField(**kwargs)


_FIELD_BUILDER = serializers.ModelSerializer()


def _case_field(name: str, **overrides) -> serializers.Field:
    """The API field for a Case field, built from the model (its length, choices, label, blank),
    so the API accepts what the column holds and nothing is copied by hand. Optional unless
    `required` says otherwise: a work order may leave out what the form would ask for later."""
    field_class, kwargs = _FIELD_BUILDER.build_standard_field(name, Case._meta.get_field(name))
    kwargs.update({"required": False, **overrides})
    if kwargs["required"]:
        kwargs.pop("allow_blank", None)
    return field_class(**kwargs)


class UnknownFieldsRefused:
    """A field the input does not know is refused with 400 naming it: dropping it silently would let
    the caller believe it was stored."""

    fixed_fields: dict = {}  # fields the input knows but refuses, with why

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.fixed_fields.get(name) or _("未知字段，未保存。")] for name in unknown}
                    | {"non_field_errors": [_("未知字段：%s") % ", ".join(unknown)]})
        return super().to_internal_value(data)


class SharedFields:
    """Fields built and bound once per class instead of once per request, for the shapes of the
    intake hot path: building, copying and binding thirty fields cost a third of parsing a work
    order. Safe for fields that keep nothing of a request (no context, no partial parsing): they
    are bound to a blank instance of the class, and only read afterwards. Only the class that
    names itself in `shared_fields_class` shares; subclasses (other shapes, partial parsing) build
    their fields as usual."""

    shared_fields_class = None

    @property
    def fields(self):
        cls = type(self)
        if cls is not self.shared_fields_class or getattr(self, "partial", False):
            return self._own_fields
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            shared = serializers.Serializer.fields.func(cls())
            cls._shared_fields = shared
        return shared

    @cached_property
    def _own_fields(self):
        return serializers.Serializer.fields.func(self)


class CaseCreateInput(SharedFields, UnknownFieldsRefused, serializers.Serializer):
    """A work order as an external system sends it.

    Its fields are copied shallowly for each request: DRF's deep copy rebuilds every field from its
    constructor arguments, an eighth of a create's time at intake peaks. These fields keep no state
    of a request beyond what bind() sets on the copy (name, parent); validators and choices are
    read-only and may be shared."""

    def get_fields(self):
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    reference = serializers.CharField(max_length=64, help_text=_("调用方系统自己的工单编号，用于幂等。"))
    kind = _case_field("kind", required=True)
    channel = _case_field("channel")
    grade = _case_field("grade")
    enterprise_related = _case_field("enterprise_related")
    sensitive = _case_field("sensitive")
    anonymous = _case_field("anonymous")
    sms_opt_out = _case_field("sms_opt_out", help_text=_("投诉人不接收短信通知。"))
    complainant_type = _case_field("complainant_type")
    complainant_name = _case_field("complainant_name")
    complainant_phone = _case_field("complainant_phone")
    complainant_address = _case_field("complainant_address")
    complainant_id_number = _case_field("complainant_id_number")
    respondent_name = _case_field("respondent_name")
    respondent_credit_code = _case_field("respondent_credit_code")
    respondent_address = _case_field("respondent_address")
    respondent_phone = _case_field("respondent_phone")
    respondent_area = _code_field(Area.objects.all(), required=False, allow_null=True)
    # A merchant on an e-commerce platform: the platform by its code (淘宝 taobao, 天猫 tmall ...).
    respondent_platform = _code_field(Platform.objects.filter(is_active=True), required=False, allow_null=True)
    respondent_shop = _case_field("respondent_shop")
    platform_jurisdiction = _case_field("platform_jurisdiction")
    incident_time = _case_field("incident_time")
    incident_place = _case_field("incident_place")
    # The model's text columns are unbounded; a work order's account of the facts is not.
    facts = _case_field("facts", max_length=20000)
    demand = _case_field("demand", max_length=20000)
    category = _code_field(Category.objects.all(), required=False, allow_null=True)
    # What the platform says of its work order beside the case itself.
    received_at = TypedMomentSerializerField(
        required=False, allow_null=True, default=None,
        help_text=_("平台接收该工单的时间（保留并显示；法定时限自本系统接收时起算）。"))
    platform_due_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text=_("平台要求的办结期限，作为单独的时限显示，承办单位看到较早的一个。"))
    also_report = serializers.BooleanField(
        required=False, default=False, help_text=_("投诉同时作为举报：生成两件关联工单（投诉、举报）。"))

    def validate(self, data):
        received, due = data.get("received_at"), data.get("platform_due_at")
        if due is not None and received is not None and due <= received:
            raise serializers.ValidationError({"platform_due_at": [_("平台办结期限须晚于平台接收时间。")]})
        return data


CaseCreateInput.shared_fields_class = CaseCreateInput


@extend_schema_field(OpenApiTypes.STR)
class CaseNumberField(serializers.SlugRelatedField):
    """Another case named by its number, in a serializer with no model to infer the type from."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="number", read_only=True, **kwargs)


class CaseCreatedOutput(SharedFields, serializers.Serializer):
    """What a create answers: the case's identity and where it stands (the full case is at Location).
    Kept small because creates are the hot path of intake."""

    number = serializers.CharField()
    query_code = serializers.CharField()
    state = serializers.CharField()
    version = serializers.IntegerField()
    external_ref = serializers.CharField()
    registering_unit = serializers.CharField(source="registering_unit.code")
    missing_elements = serializers.ListField(child=serializers.CharField())
    received_at = serializers.DateTimeField()
    linked_case = CaseNumberField()


CaseCreatedOutput.shared_fields_class = CaseCreatedOutput


class ClockOutput(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    # The colour the case page shows (deadlines.selectors.clock_colour): none, yellow or red.
    colour = serializers.ChoiceField(choices=CaseClock.Warning.choices, read_only=True)

    class Meta:
        model = CaseClock
        fields = ["clock", "started_at", "due_date", "due_at", "stopped_at", "status", "colour", "extended_days",
                  "pending_reason"]


def _identity_viewer(serializer):
    """Whom the output is for; without one, nobody who may see a hidden identity (fail closed)."""
    return serializer.context.get("identity_viewer") or AnonymousUser()


class EventOutput(serializers.ModelSerializer):
    """A history row; its details pass the identity rule (context `identity_viewer`)."""

    actor_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "action", "source_state", "target_state", "actor_unit", "note", "data"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        case = self.context.get("case")
        if case is not None:
            data["data"] = identity_history_data(case=case, user=_identity_viewer(self), data=data["data"])
        return data


class CaseOutput(serializers.ModelSerializer):
    """A case as a client sees it. Identity fields pass the identity rule (context
    `identity_viewer`: the user the caller acts as)."""

    state_display = serializers.CharField(source="get_state_display", read_only=True)
    registering_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handling_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    respondent_platform = serializers.SlugRelatedField(slug_field="code", read_only=True)
    missing_elements = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Case
        fields = [
            "number", "query_code", "state", "state_display", "version", "kind", "channel", "external_ref",
            "grade", "category", "registering_unit", "handling_unit", "complainant_type", "complainant_name",
            "complainant_phone", "complainant_address", "complainant_id_number", "anonymous",
            "sms_opt_out", "respondent_name", "respondent_address", "respondent_platform", "respondent_shop",
            "platform_jurisdiction", "incident_time", "incident_place", "facts", "demand",
            "missing_elements", "received_at", "registered_at", "dispatched_at", "accepted_at",
            "contacted_at", "replied_at", "archived_at", "outcome_text", "satisfaction", "resolved",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return identity_output(case=instance, user=_identity_viewer(self), values=data)


class CaseDetailOutput(CaseOutput):
    clocks = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    legal_basis = serializers.CharField(read_only=True)
    merged_into = serializers.SlugRelatedField(slug_field="number", read_only=True)
    decisions = serializers.SerializerMethodField()

    # What the center sees of the case, each derived at registration by the services.
    routing = serializers.SerializerMethodField()
    cross_region_notice = serializers.SerializerMethodField()
    repeat_of = serializers.SlugRelatedField(slug_field="number", read_only=True)
    clusters = serializers.SerializerMethodField()
    linked_cases = serializers.SerializerMethodField()
    platform = serializers.SerializerMethodField()

    class Meta(CaseOutput.Meta):
        fields = CaseOutput.Meta.fields + [
            "legal_basis", "acceptance", "mediation_outcome", "amount_recovered", "report_decision", "merged_into",
            "decisions", "clocks", "history", "routing", "cross_region", "cross_region_notice", "is_repeat",
            "repeat_of", "clusters", "professional_claimant", "linked_cases", "platform"]

    def get_decisions(self, case) -> list[dict]:
        return LegalDecisionOutput(case.legal_decisions.select_related("ground", "related_case", "decided_by_unit"),
                                   many=True).data

    def get_routing(self, case) -> dict | None:
        routing = getattr(case, "routing", None)
        if routing is None:
            return None
        return {"proposed_unit": getattr(routing.proposed_unit, "code", None),
                "proposed_unit_name": getattr(routing.proposed_unit, "name", None),
                "rule": routing.rule_id, "reason": routing.reason, "computed_at": routing.computed_at}

    def get_cross_region_notice(self, case) -> dict | None:
        notice = getattr(case, "cross_region_notice", None)
        if notice is None:
            return None
        return {"receiving_unit": notice.receiving_unit.code, "target_unit": notice.target_unit.code,
                "target_unit_name": notice.target_unit.name, "due_at": notice.due_at,
                "notified_at": notice.notified_at, "status": notice.status}

    def get_clusters(self, case) -> list[dict]:
        return [{"id": c.pk, "respondent_name": c.respondent_name, "state": c.state} for c in case.clusters.all()]

    def get_linked_cases(self, case) -> list[str]:
        return [case.linked_case.number] if case.linked_case_id else []

    def get_platform(self, case) -> dict | None:
        """The calling platform's own numbers and times for its work order."""
        origin = getattr(case, "external_origin", None)
        if origin is None:
            return None
        return {"system": origin.system.code, "reference": origin.reference,
                "received_at": origin.platform_received_at, "due_at": origin.platform_due_at}

    def get_clocks(self, case) -> list[dict]:
        return ClockOutput(case.clocks.all(), many=True).data

    def get_history(self, case) -> list[dict]:
        events = case.events.all()
        if not self.context.get("show_internal", True):
            events = [e for e in events if not e.internal]
        return EventOutput(events, many=True, context={**self.context, "case": case}).data


# --- transitions: one input shape per operation -------------------------------------------------

class ActionInput(UnknownFieldsRefused, serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0, help_text=_("客户端看到的工单版本；已变化则返回409（也可用 If-Match 头）。")
    )


class EmptyInput(ActionInput):
    pass


class AnswerInput(ActionInput):
    answer = serializers.CharField(max_length=20000)


class DeclineInput(ActionInput):
    reason = _code_field(DeclineReason.objects.filter(is_active=True))
    note = _text(max_length=2000)


class TransferInput(ActionInput):
    department = _code_field(Unit.objects.filter(kind=Unit.Kind.EXTERNAL, is_active=True))
    note = serializers.CharField(max_length=2000)


class DispatchInput(ActionInput):
    unit = _code_field(Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True))
    handling_limit_amount = serializers.IntegerField(required=False, min_value=1, max_value=720,
                                                     allow_null=True, default=None)
    handling_limit_unit = serializers.ChoiceField(
        choices=HANDLING_LIMIT_UNITS,
        required=False, allow_blank=True, default="",
    )
    note = _text(max_length=2000)

    def validate(self, data):
        if data.get("handling_limit_amount") and not data.get("handling_limit_unit"):
            raise serializers.ValidationError({"handling_limit_unit": [_("请选择时限单位。")]})
        return data


class RedispatchInput(ActionInput):
    unit = _code_field(Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True))
    note = _text(max_length=2000)


class ReasonInput(ActionInput):
    reason = serializers.CharField(max_length=2000)


class PlatformJurisdictionInput(ActionInput):
    reason = serializers.ChoiceField(choices=PlatformJurisdiction.choices)


class ContactInput(ActionInput):
    means = serializers.ChoiceField(choices=ContactMeans.choices)
    contacted_at = TypedMomentSerializerField(required=False, allow_null=True, default=None)
    content = serializers.CharField(max_length=2000)


class TextInput(ActionInput):
    text = serializers.CharField(max_length=20000)


class ExtensionRequestInput(ActionInput):
    clock = serializers.ChoiceField(
        choices=["handling", "statutory_report_decision"], default="handling",
        help_text=_("handling 办理时限；statutory_report_decision 举报核查时限（按规定延长一次）"))
    days = serializers.IntegerField(min_value=1, max_value=60, required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=2000)


class ExtensionDecisionInput(ActionInput):
    approve = serializers.BooleanField()
    note = _text(max_length=2000)


class NoteInput(ActionInput):
    note = _text(max_length=2000)


class FollowUpInput(ActionInput):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None)
    note = _text(max_length=2000)


# --- the statutory track (complaints/services/procedure.py) ----------------------------------------
# A ground is named by its code; the grounds a case may take are those of its own order (by its
# receipt date), so an unknown or other order's code answers 400 naming `ground`.

class NotAcceptInput(ActionInput):
    ground = serializers.CharField(max_length=40, help_text=_("不予受理情形编码（该工单接收时适用规章的情形）"))
    note = _text(max_length=2000)


class MediationInput(ActionInput):
    outcome = serializers.ChoiceField(choices=["agreement", "terminated", "entrusted"])
    ground = serializers.CharField(max_length=40, required=False, allow_null=True, default=None,
                                   help_text=_("终止调解情形编码（终止调解时必填）"))
    amount_recovered = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                                allow_null=True, default=None)
    agreement_text = _text(max_length=20000)
    entrusted_to = _text(max_length=200)
    note = _text(max_length=2000)


class ReportDecisionInput(ActionInput):
    opened = serializers.BooleanField(help_text=_("true 立案，false 不予立案"))
    ground = serializers.CharField(max_length=40, required=False, allow_null=True, default=None,
                                   help_text=_("不予立案理由编码（不予立案时必填）"))
    note = _text(max_length=2000)


class RepeatReportInput(ActionInput):
    earlier = serializers.CharField(max_length=20, help_text=_("原举报工单编号"))
    note = _text(max_length=2000)


class MergeReportsInput(ActionInput):
    followers = serializers.ListField(child=serializers.CharField(max_length=20), min_length=1, max_length=200,
                                      help_text=_("并入本案的举报工单编号"))
    note = _text(max_length=2000)


class LegalDecisionOutput(serializers.ModelSerializer):
    """A statutory decision as the originating system reads it; nothing about the reporter."""

    ground = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ground_title = serializers.CharField(source="ground.title", default="", read_only=True)
    related_case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    decided_by_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LegalDecision
        fields = ["track", "outcome", "legal_basis", "ground", "ground_title", "notice_text", "amount_recovered",
                  "agreement_text", "entrusted_to", "related_case", "decided_by_unit", "decided_at"]


# --- supplying what a case lacks: details and evidence -------------------------------------------

class CaseUpdateInput(ActionInput, CaseCreateInput):
    """Missing elements or corrections for a received or registered case: the create's fields, each
    optional (parsed with partial=True). The reference and the channel say where the work order came
    from and never change."""

    reference = None
    channel = None
    fixed_fields = {"reference": _("工单来源（编号、渠道）不能修改，未保存。"),
                    "channel": _("工单来源（编号、渠道）不能修改，未保存。")}
    received_at = None
    platform_due_at = None
    also_report = None


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent as a multipart part (the schema would otherwise call it a URI, its output form)."""


class EvidenceInput(serializers.Serializer):
    """As the case page's evidence form: one non-empty file and a short description."""

    file = UploadField(help_text=_("证据文件（录音、照片、票据等）。"))
    description = _text(max_length=200)


class AttachmentOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    size = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("下载地址（需同样的认证）。"))

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "sha256", "description", "uploaded_at", "url"]

    def get_size(self, attachment) -> int | None:
        if attachment.size is not None:  # measured at upload
            return attachment.size
        try:
            return attachment.file.size
        except OSError:  # the file is gone from storage: list the record all the same
            return None

    def get_url(self, attachment) -> str:
        path = reverse("api-v1:case-evidence-file", args=[attachment.case.number, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class WebhookDeliveryOutput(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "case", "status", "attempts", "response_code", "last_error", "created_at",
                  "last_attempt_at", "next_attempt_at", "delivered_at", "payload"]
