"""Open311 GeoReport v2 compatibility (JSON): 311-style clients list services, file service requests
and follow them. A service maps to a case kind and category (Open311Service, editable in the admin);
a service request is a case, its id the case number. Filing needs an external system's api_key."""
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors
from complaints.inputs import typed_moment_parse
from complaints.models import Case
from complaints.outward import public_state_label
from core.errors import ApplicationError
from core.replica import stale_ok

from ..models import ExternalSystem, Open311Service
from ..services import ReferenceConflict, case_receive_external
from .auth import HasScope, Open311KeyAuthentication, request_system

MAX_RESULTS = 200

SERVICE_FIELDS = {
    "service_code": serializers.CharField(), "service_name": serializers.CharField(),
    "description": serializers.CharField(), "metadata": serializers.BooleanField(),
    "type": serializers.CharField(), "keywords": serializers.CharField(), "group": serializers.CharField(),
}
REQUEST_FIELDS = {
    "service_request_id": serializers.CharField(), "status": serializers.CharField(),
    "status_notes": serializers.CharField(), "service_name": serializers.CharField(),
    "service_code": serializers.CharField(), "description": serializers.CharField(),
    "agency_responsible": serializers.CharField(),
    "requested_datetime": serializers.DateTimeField(), "updated_datetime": serializers.DateTimeField(),
    "address": serializers.CharField(),
}
ERROR_FIELDS = {"code": serializers.IntegerField(), "description": serializers.CharField()}


def _listed(name: str, fields: dict):
    return inline_serializer(name=name, fields=fields, many=True)


SERVICES_SCHEMA = _listed("Open311Service", SERVICE_FIELDS)
REQUESTS_SCHEMA = _listed("Open311Request", REQUEST_FIELDS)
ERRORS_SCHEMA = _listed("Open311Error", ERROR_FIELDS)


def _errors(code: int, messages) -> Response:
    return Response([{"code": code, "description": str(m)} for m in messages], status=code)


def _field_errors(errors: dict) -> Response:
    return _errors(400, [f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in errors.items()])


class Open311Mixin:
    authentication_classes = [Open311KeyAuthentication, *APIView.authentication_classes]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(response.data, dict):  # GeoReport errors are a list of {code, description}
            detail = response.data.get("detail") or "; ".join(f"{k}: {v}" for k, v in response.data.items())
            response.data = [{"code": response.status_code, "description": str(detail)}]
        return response


class ServiceListApi(Open311Mixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=SERVICES_SCHEMA, operation_id="open311_services")
    def get(self, request):
        return Response([
            {"service_code": svc.service_code, "service_name": svc.service_name,
             "description": svc.description, "metadata": False, "type": "realtime", "keywords": "",
             "group": svc.group}
            for svc in Open311Service.objects.filter(is_active=True)
        ])


class RequestCreateInput(serializers.Serializer):
    service_code = serializers.SlugRelatedField(slug_field="service_code",
                                                queryset=Open311Service.objects.filter(is_active=True))
    description = serializers.CharField(max_length=4000)
    address_string = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    first_name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    # Extension: the business complained about (GeoReport has no field for it).
    respondent_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _service_map() -> dict:
    return {(svc.kind, svc.category_id): svc for svc in Open311Service.objects.all()}


def _service_for(case: Case, services: dict):
    return services.get((case.kind, case.category_id)) or services.get((case.kind, None))


def _request_output(case: Case, services: dict) -> dict:
    service = _service_for(case, services)
    events = list(case.events.all())
    last = events[-1].at if events else case.received_at
    return {
        "service_request_id": case.number,
        "status": "closed" if case.state in Case.ENDED_STATES else "open",
        "status_notes": public_state_label(case),
        "service_name": service.service_name if service else case.get_kind_display(),
        "service_code": service.service_code if service else "",
        "description": case.facts,
        "agency_responsible": case.handling_unit.name if case.handling_unit else "",
        "requested_datetime": case.received_at.isoformat(),
        "updated_datetime": last.isoformat(),
        "address": case.incident_place,
    }


CREATED = _listed("Open311Created", {"service_request_id": serializers.CharField(),
                                    "service_notice": serializers.CharField()})


class RequestCollectionApi(Open311Mixin, APIView):
    permission_classes = [IsAuthenticated, HasScope]
    required_scope = {"GET": ExternalSystem.Scope.CASES_READ, "POST": ExternalSystem.Scope.CASES_CREATE}

    @extend_schema(request=RequestCreateInput, operation_id="open311_request_create",
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, description=(
                       "Optional, at most 64 characters: a retry with the same key returns the same "
                       "request (200); other content under it is refused (409)."))],
                   responses={200: CREATED, 201: CREATED, 400: ERRORS_SCHEMA, 409: ERRORS_SCHEMA})
    def post(self, request):
        system = request_system(request)
        if system is None:
            return _errors(403, [_("提交服务请求需要外部系统的 api_key。")])
        data = RequestCreateInput(data=request.data)
        if not data.is_valid():
            return _field_errors(data.errors)
        d = data.validated_data
        service = d["service_code"]
        place = d["address_string"]
        if "lat" in d and "long" in d:
            place = f"{place} ({d['lat']:.6f},{d['long']:.6f})".strip()
        fields = {
            "kind": service.kind, "category": service.category, "channel": system.channel,
            "facts": d["description"], "incident_place": place,
            "complainant_name": f"{d['last_name']}{d['first_name']}".strip(), "complainant_phone": d["phone"],
            "respondent_name": d["respondent_name"],
        }
        # GeoReport has no client reference; a client that retries sends an Idempotency-Key instead.
        reference = request.headers.get("Idempotency-Key", "").strip() or f"open311-{uuid.uuid4().hex}"
        if len(reference) > 64:
            return _errors(400, [_("Idempotency-Key 不能超过 64 个字符。")])
        try:
            case, created = case_receive_external(system=system, reference=reference, fields=fields)
        except ReferenceConflict as conflict:
            return _errors(409, [conflict.message])
        except ApplicationError as error:
            return _errors(400, [error.message])
        notice = _("已接收，工单编号 %(n)s，查询码 %(c)s") % {"n": case.number, "c": case.query_code}
        if case.missing_elements:
            notice += _("；待补充：%s") % "、".join(case.missing_elements)
        return Response([{"service_request_id": case.number, "service_notice": notice, "account_id": None}],
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(operation_id="open311_request_list", responses=REQUESTS_SCHEMA)
    @method_decorator(stale_ok)
    def get(self, request):
        params = request.query_params
        qs = selectors.case_list(visible_to=request.user).prefetch_related("events")
        ids = [i for i in params.get("service_request_id", "").split(",") if i.strip()]
        if ids:
            qs = qs.filter(number__in=[i.strip() for i in ids[:MAX_RESULTS]])
        else:
            start, end = params.get("start_date"), params.get("end_date")
            try:
                start_at = typed_moment_parse(start) if start else None
                end_at = typed_moment_parse(end) if end else None
            except ValidationError as error:
                return _errors(400, [_("start_date/end_date:%s") % error.messages[0]])
            qs = qs.filter(received_at__gte=start_at or timezone.now() - timedelta(days=90))
            if end_at:
                qs = qs.filter(received_at__lt=end_at)
            if params.get("service_code"):
                svc = Open311Service.objects.filter(service_code=params["service_code"]).first()
                if svc is None:
                    return Response([])
                qs = qs.filter(kind=svc.kind)
                if svc.category_id:
                    qs = qs.filter(category_id=svc.category_id)
            wanted = params.get("status")
            if wanted == "open":
                qs = qs.exclude(state__in=Case.ENDED_STATES)
            elif wanted == "closed":
                qs = qs.filter(state__in=Case.ENDED_STATES)
        services = _service_map()
        return Response([_request_output(c, services) for c in qs.order_by("-id")[:MAX_RESULTS]])


class RequestDetailApi(Open311Mixin, APIView):
    permission_classes = [IsAuthenticated, HasScope]
    required_scope = ExternalSystem.Scope.CASES_READ

    @extend_schema(operation_id="open311_request_detail", responses={200: REQUESTS_SCHEMA,
                                                                     404: ERRORS_SCHEMA})
    def get(self, request, request_id):
        case = (
            selectors.case_list(visible_to=request.user).prefetch_related("events")
            .filter(Q(number=request_id)).first()
        )
        if case is None:
            return _errors(404, [_("服务请求不存在或无权查看。")])
        return Response([_request_output(case, _service_map())])
