"""Cases over the API: list and create, read one with its clocks and history, supply what it lacks,
and one view per transition (evidence: views_evidence.py). Each view parses, fetches what the
caller may see (404 otherwise), calls one service."""
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_fsm import ConcurrentTransition
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors
from complaints.actions import ACTIONS_BY_NAME
from complaints.models import Case, CaseEvent
from complaints.services.intake import case_update_details
from complaints.services.platform import case_platform_jurisdiction_switch
from core.errors import STALE_MESSAGE
from core.replica import stale_ok
from deadlines.models import CaseClock

from ..models import ExternalSystem, WebhookDelivery
from ..selectors import case_filed_by
from ..services import ReferenceConflict, case_receive_external, case_supplement_external
from ..webhooks import webhook_replay
from . import serializers as s
from .auth import HasScope, MaySupplement, request_key, request_system
from .filters import CaseFilter, CasePagination, DeliveryPagination

ERROR = OpenApiResponse(description="error: {'detail': ..., '<field>': [...]} ")
CONFLICT = OpenApiResponse(description="illegal or stale transition: {'detail', 'state', 'version'}")


def _output_context(request) -> dict:
    return {
        "identity_viewer": request.user,
        "show_internal": request_key(request) is None,
    }


def _case_for(request, number: str, *, detail: bool = False) -> Case:
    qs = selectors.case_list(visible_to=request.user)
    if detail:
        qs = qs.prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor_unit")),
            Prefetch("clocks", queryset=CaseClock.objects.order_by("started_at", "pk")),
            "clusters",
        ).select_related("routing__proposed_unit", "linked_case", "repeat_of", "external_origin__system",
                         "cross_region_notice__target_unit", "cross_region_notice__receiving_unit")
    try:
        return qs.get(number=number)
    except Case.DoesNotExist:
        raise Http404(_("工单不存在或您无权查看。")) from None


def _detail_response(request, case: Case, *, code=status.HTTP_200_OK) -> Response:
    case = _case_for(request, case.number, detail=True)
    response = Response(s.CaseDetailOutput(case, context=_output_context(request)).data, status=code)
    response["ETag"] = f'"{case.version}"'
    return response


class CaseCollectionApi(APIView):
    permission_classes = [*APIView.permission_classes, HasScope]
    required_scope = {"GET": ExternalSystem.Scope.CASES_READ, "POST": ExternalSystem.Scope.CASES_CREATE}

    @extend_schema(parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
                   filters=True, responses=s.CaseOutput(many=True))
    @method_decorator(stale_ok)
    def get(self, request):
        qs = selectors.case_list(visible_to=request.user)
        qs = DjangoFilterBackend().filter_queryset(request, qs, self)
        paginator = CasePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.CaseOutput(page, many=True, context=_output_context(request)).data)

    filterset_class = CaseFilter

    @extend_schema(request=s.CaseCreateInput,
                   responses={200: s.CaseCreatedOutput, 201: s.CaseCreatedOutput, 400: ERROR, 403: ERROR,
                              409: ERROR},
                   description="Idempotent on `reference` per external system: the same work order sent "
                               "again returns the same case with 200; other content under the same "
                               "reference is refused with 409.")
    def post(self, request):
        system = request_system(request)
        if system is None:
            raise PermissionDenied(_("只有注册的外部系统可以通过接口提交工单，请使用接口密钥。"))
        data = s.CaseCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reference = fields.pop("reference")
        extra = {"also_report": fields.pop("also_report"), "platform_received_at": fields.pop("received_at"),
                 "platform_due_at": fields.pop("platform_due_at")}
        try:
            case, created = case_receive_external(system=system, reference=reference, fields=fields, **extra)
        except ReferenceConflict as conflict:
            body = {"detail": conflict.message, "reference": [conflict.message]}
            if conflict.case is not None:
                body.update(number=conflict.case.number, state=conflict.case.state)
            return Response(body, status=status.HTTP_409_CONFLICT)
        # The case as just written, without re-reading it: creates are the hot path of intake.
        response = Response(s.CaseCreatedOutput(case).data,
                            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        response["Location"] = f"{request.path}{case.number}/"
        response["ETag"] = f'"{case.version}"'
        return response


def _require_version(request, case: Case, expected: int | None) -> None:
    """Refuse (409) a write made on an older version of the case than the stored one: the version
    the client saw comes in the body or as `If-Match`."""
    if_match = request.headers.get("If-Match", "").removeprefix("W/").strip('" ')
    if expected is None and if_match.isdecimal():  # isdecimal, not isdigit: int() refuses '²'
        expected = int(if_match)
    if expected is not None and expected != case.version:
        raise ConcurrentTransition(STALE_MESSAGE)


class CaseWriteMixin:
    """For views that change a case: a 409 body carries the state as it is now, not as this request
    found it."""

    case: Case | None = None

    def get_exception_handler_context(self):
        context = super().get_exception_handler_context()
        if self.case is not None:
            context["case"] = Case.objects.filter(pk=self.case.pk).first()
        return context


def require_own_work_order(request, case: Case) -> None:
    system = request_system(request)
    if system is None or system.has_scope(ExternalSystem.Scope.CASES_ACT):
        return
    if not case_filed_by(case=case, system=system):
        raise PermissionDenied(_("该接口密钥只能补充本系统提交的工单。"))


IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)


class CaseDetailApi(CaseWriteMixin, APIView):
    """One case: read it, or supply what it lacks while it is received or registered."""

    permission_classes = [*APIView.permission_classes, HasScope, MaySupplement]
    required_scope = {"GET": ExternalSystem.Scope.CASES_READ}

    @extend_schema(responses={200: s.CaseDetailOutput, 404: ERROR})
    def get(self, request, number):
        return _detail_response(request, _case_for(request, number))

    @extend_schema(
        request=s.CaseUpdateInput, parameters=[IF_MATCH], operation_id="case_supplement",
        summary="补充工单信息 supply missing elements or correct details",
        responses={200: s.CaseDetailOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: CONFLICT},
        description="Any of the create's fields but `reference` and `channel`, while the case is received or "
                    "registered (409 with the current state otherwise). Systems need `cases:create` for "
                    "their own work orders, `cases:act` for other cases. A work order of a system that "
                    "registers automatically is registered by the worker once it is complete.",
    )
    def patch(self, request, number):
        self.case = case = _case_for(request, number)
        require_own_work_order(request, case)
        data = s.CaseUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        _require_version(request, case, fields.pop("version", None))
        system = request_system(request)
        if system is None:
            case_update_details(case=case, by=request.user, fields=fields)
        else:
            case_supplement_external(system=system, case=case, fields=fields)
        return _detail_response(request, case)


class CaseActionApi(CaseWriteMixin, APIView):
    """Base of the transition endpoints. Subclasses name the action (complaints/actions.py, shared
    with the case page) and their input serializer."""

    permission_classes = [*APIView.permission_classes, HasScope]
    required_scope = ExternalSystem.Scope.CASES_ACT
    action_name: str = ""
    input_serializer = s.EmptyInput

    def post(self, request, number):
        try:
            self.case = case = _case_for(request, number)
        except Http404:
            returned = selectors.case_returned_by(number=number, user=request.user) \
                if self.action_name == "return" else None
            if returned is None:
                raise
            # A retry of a return that went through: the same answer as the first time.
            return Response({"number": returned.number, "state": returned.state, "version": returned.version})
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        _require_version(request, case, values.pop("version", None))
        case = ACTIONS_BY_NAME[self.action_name].run(case, request.user, values) or case
        if not selectors.case_list(visible_to=request.user).filter(pk=case.pk).exists():
            # A return takes the case out of the caller's units: answer with what they may still know.
            return Response({"number": case.number, "state": case.state, "version": case.version})
        return _detail_response(request, case)


def _action_api(name: str, serializer, summary: str) -> type[CaseActionApi]:
    view = type(f"Case{name.title().replace('_', '')}Api", (CaseActionApi,),
                {"action_name": name, "input_serializer": serializer, "__doc__": summary})
    def post(self, request, number):
        return CaseActionApi.post(self, request, number)

    view.post = extend_schema(
        request=serializer, summary=summary, operation_id=f"case_{name}",
        parameters=[IF_MATCH],
        responses={200: s.CaseDetailOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: CONFLICT},
    )(post)
    return view


ACTION_APIS = {
    "register": _action_api("register", s.EmptyInput, "登记 register a received case"),
    "answer": _action_api("answer", s.AnswerInput, "当场解答 answer a consultation on the spot"),
    "decline": _action_api("decline", s.DeclineInput, "不予登记 decline"),
    "transfer": _action_api("transfer", s.TransferInput, "移送 transfer out to an external department"),
    "dispatch": _action_api("dispatch", s.DispatchInput, "分流 dispatch to a unit"),
    "redispatch": _action_api("redispatch", s.RedispatchInput, "二级分流 second-level dispatch"),
    "accept": _action_api("accept", s.EmptyInput, "签收 the unit signs for the case"),
    "return": _action_api("return", s.ReasonInput, "退回 return to the dispatcher"),
    "contact": _action_api("contact", s.ContactInput, "联系投诉人 record contact"),
    "stage_reply": _action_api("stage_reply", s.TextInput, "阶段性回复 progress report"),
    "request_extension": _action_api("request_extension", s.ExtensionRequestInput, "申请延期 ask for more time"),
    "decide_extension": _action_api("decide_extension", s.ExtensionDecisionInput, "审批延期 decide an extension"),
    "reply": _action_api("reply", s.TextInput, "答复 reply with the result"),
    "approve_reply": _action_api("approve_reply", s.NoteInput, "核查通过 approve the reply"),
    "redo": _action_api("redo", s.ReasonInput, "发回重办 return the reply for redo"),
    "follow_up": _action_api("follow_up", s.FollowUpInput, "回访 record the follow-up"),
    "archive": _action_api("archive", s.NoteInput, "办结归档 archive"),
    "reopen": _action_api("reopen", s.ReasonInput, "二次交办 reopen"),
    # The statutory track: each answers the case with its `decisions`.
    "legal_accept": _action_api("legal_accept", s.NoteInput, "受理 accept a complaint (statutory decision)"),
    "not_accept": _action_api("not_accept", s.NotAcceptInput, "不予受理 refuse a complaint with a statutory ground"),
    "mediation": _action_api("mediation", s.MediationInput,
                             "调解结果 mediation outcome: agreement, termination or entrusted mediation"),
    "report_decide": _action_api("report_decide", s.ReportDecisionInput, "立案/不予立案 decide on a report"),
    "report_repeat": _action_api("report_repeat", s.RepeatReportInput, "重复举报不予处理 a repeated report"),
    "merge": _action_api("merge", s.MergeReportsInput, "并案处理 merge related reports into this lead case"),
    "decision_notice": _action_api("decision_notice", s.NoteInput, "告知 the parties were told of a decision"),
}


class CasePlatformJurisdictionApi(CaseWriteMixin, APIView):
    """改按平台经营者住所地管辖 switch a platform merchant's case to the operator's home bureau
    (Order 121); a dispatched case goes back to the dispatcher in the same call."""

    permission_classes = [*APIView.permission_classes, HasScope]
    required_scope = ExternalSystem.Scope.CASES_ACT

    @extend_schema(request=s.PlatformJurisdictionInput, parameters=[IF_MATCH],
                   operation_id="case_platform_jurisdiction",
                   summary="改按平台经营者住所地管辖 route by the platform operator's home",
                   responses={200: s.CaseDetailOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: CONFLICT})
    def post(self, request, number):
        self.case = case = _case_for(request, number)
        data = s.PlatformJurisdictionInput(data=request.data)
        data.is_valid(raise_exception=True)
        _require_version(request, case, data.validated_data.get("version"))
        case = case_platform_jurisdiction_switch(case=case, by=request.user, reason=data.validated_data["reason"])
        if not selectors.case_list(visible_to=request.user).filter(pk=case.pk).exists():
            # Handed back by the unit: answer with what it may still know.
            return Response({"number": case.number, "state": case.state, "version": case.version})
        return _detail_response(request, case)


def _deliveries_for(request):
    system = request_system(request)
    if system is not None:
        return WebhookDelivery.objects.filter(system=system)
    if request.user.is_superuser:
        return WebhookDelivery.objects.all()
    raise PermissionDenied(_("回调记录只对外部系统本身开放。"))


class WebhookDeliveryListApi(APIView):
    permission_classes = [*APIView.permission_classes, HasScope]
    required_scope = ExternalSystem.Scope.WEBHOOKS

    @extend_schema(parameters=[OpenApiParameter("cursor", str), OpenApiParameter("status", str)],
                   responses=s.WebhookDeliveryOutput(many=True))
    @method_decorator(stale_ok)
    def get(self, request):
        qs = _deliveries_for(request).select_related("case")
        wanted = request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted)
        paginator = DeliveryPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.WebhookDeliveryOutput(page, many=True).data)


class WebhookDeliveryReplayApi(APIView):
    permission_classes = [*APIView.permission_classes, HasScope]
    required_scope = ExternalSystem.Scope.WEBHOOKS

    @extend_schema(request=None, responses={202: s.WebhookDeliveryOutput, 404: ERROR})
    def post(self, request, delivery_id):
        delivery = get_object_or_404(_deliveries_for(request).select_related("case"), pk=delivery_id)
        delivery = webhook_replay(delivery=delivery)
        return Response(s.WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)
