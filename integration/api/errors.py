"""Maps domain errors to HTTP for the REST API: 400 with the field at fault, 409 for an illegal or
stale transition (with the current state), 403/404 as DRF does."""
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import STALE_MESSAGE, ApplicationError, TransitionRefused


def exception_handler(exc, context):
    if isinstance(exc, (TransitionRefused, TransitionNotAllowed, ConcurrentTransition)):
        detail = STALE_MESSAGE if isinstance(exc, ConcurrentTransition) else str(exc)
        body = {"detail": str(detail)}
        case = context.get("case")
        if case is not None:
            body["state"] = case.state
            body["version"] = case.version
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ApplicationError):
        body = dict(exc.errors) if exc.errors else {"non_field_errors": [exc.message]}
        body.setdefault("detail", exc.message)
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
