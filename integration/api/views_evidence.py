"""Evidence (证据) over the API: list a case's attachments, add one, download one. The same service,
permission and state checks as the case page's evidence form, and its download view's visibility:
404 for a case or an attachment the caller may not see."""
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.files import attachment_response
from complaints.services.intake import case_attachment_add

from ..models import ExternalSystem
from . import serializers as s
from .auth import HasScope, MaySupplement
from .views import ERROR, _case_for, require_own_work_order


class CaseEvidenceApi(APIView):
    permission_classes = [*APIView.permission_classes, HasScope, MaySupplement]
    required_scope = {"GET": ExternalSystem.Scope.CASES_READ}
    # JSON is accepted only to answer it with a 400 naming `file`, not a 415.
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: s.AttachmentOutput(many=True), 404: ERROR}, operation_id="case_evidence_list")
    def get(self, request, number):
        case = _case_for(request, number)
        return Response(s.AttachmentOutput(case.attachments.all(), many=True, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": s.EvidenceInput}, operation_id="case_evidence_add",
        summary="补充证据 add evidence",
        responses={201: s.AttachmentOutput, 400: ERROR, 403: ERROR, 404: ERROR},
        description="Multipart: `file` and an optional `description` (≤ 200 characters). Systems need "
                    "`cases:create` for their own work orders, `cases:act` for other cases; the acting "
                    "user's role must allow adding evidence. A case that has ended (archived, declined, "
                    "transferred) takes no more: 400 naming `file`.",
    )
    def post(self, request, number):
        case = _case_for(request, number)
        require_own_work_order(request, case)
        data = s.EvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = case_attachment_add(case=case, by=request.user, **data.validated_data)
        body = s.AttachmentOutput(attachment, context={"request": request}).data
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = body["url"]
        return response


class _AnyAccept(BaseContentNegotiation):
    """A download answers with the file whatever the client accepts; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CaseEvidenceFileApi(APIView):
    permission_classes = [*APIView.permission_classes, HasScope]
    required_scope = ExternalSystem.Scope.CASES_READ
    content_negotiation_class = _AnyAccept

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
                              404: ERROR},
                   operation_id="case_evidence_download", summary="下载证据 download one attachment")
    def get(self, request, number, attachment_id):
        case = _case_for(request, number)
        attachment = get_object_or_404(case.attachments.all(), pk=attachment_id)
        return attachment_response(attachment)
