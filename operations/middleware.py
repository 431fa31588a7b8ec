"""Request id (for the logs and the tasks a request queues), request counts for /metrics, and the
request size limit."""
from __future__ import annotations

import re
import time

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from core.logs import request_id_new, request_id_var

from .counters import request_count

# An id the proxy (nginx's $request_id) or a caller sends is kept when it looks like one.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = given if _REQUEST_ID.match(given) else request_id_new()
        token = request_id_var.set(request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        request_count(method=request.method, status=response.status_code, seconds=time.monotonic() - started)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a body larger than REQUEST_MAX_BYTES before anything reads it (nginx refuses the same
    size in front; this holds when Django is reached another way). Uploads are the usual cause."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            from django.http import HttpResponse

            page = render_to_string("413.html", {"limit_mb": settings.REQUEST_MAX_BYTES // (1024 * 1024)},
                                    request=None)
            return HttpResponse(page, status=413)
        return self.get_response(request)


# Django's debug pages carry this sentence; with DEBUG on they replace our styled 404 and 500 pages.
_TECHNICAL_PAGE = b"seeing this error because you have <code>DEBUG = True</code>"


class StyledErrorPagesMiddleware:
    """Our Chinese 404 and 500 pages in every mode: with DEBUG on (the demo, a developer's machine)
    Django answers a missing page or an error with its technical page, which a clerk trying the demo
    should not see. DEBUG_TECHNICAL_ERRORS=1 keeps the technical pages for debugging."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (not settings.DEBUG or settings.DEBUG_TECHNICAL_ERRORS or response.status_code not in (404, 500)
                or getattr(response, "streaming", False) or _TECHNICAL_PAGE not in response.content):
            return response
        template = "404.html" if response.status_code == 404 else "500.html"
        context = {"request": request} if response.status_code == 404 else {}
        return HttpResponse(render_to_string(template, context, request=request if context else None),
                            status=response.status_code)
