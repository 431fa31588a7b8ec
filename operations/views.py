"""/health/ for the load balancer and /metrics for Prometheus. Neither needs a login: /health/ says
only ok or which part failed, /metrics answers only METRICS_ALLOWED_IPS."""
from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.metrics import gauges
from supervision.models import SweepRun

from .counters import request_counts

logger = logging.getLogger(__name__)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = "health:probe"
    cache.set(key, "1", timeout=30)
    if cache.get(key) != "1":
        raise RuntimeError("the cache does not return what was written")
    return "ok"


def _broker() -> str:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _sweep() -> str:
    run = SweepRun.last(SweepRun.DEADLINES)
    if run is None:
        raise RuntimeError("the deadline sweep has never succeeded")
    allowed = timedelta(seconds=2 * settings.SWEEP_INTERVAL_SECONDS)
    age = timezone.now() - run.succeeded_at
    if age > allowed:
        raise RuntimeError(f"the last successful deadline sweep was {int(age.total_seconds())} s ago"
                           f" (allowed {int(allowed.total_seconds())} s): are beat and the worker running?")
    return "ok"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "deadline_sweep": _sweep}


@never_cache
@require_GET
def health(request):
    """200 when every part answers, 503 naming the parts that do not."""
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure is an unhealthy part, reported by name
            healthy = False
            results[name] = f"error: {exc.__class__.__name__}: {exc}"[:300]
            logger.warning("health check %s failed: %s", name, results[name])
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)


def _client_address(request) -> str:
    if settings.METRICS_TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"].strip()
    return request.META.get("REMOTE_ADDR", "")


def metrics_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.error("METRICS_ALLOWED_IPS holds %r, not an address or network", allowed)
    return False


def _sample(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


@never_cache
@require_GET
def metrics(request):
    """Prometheus text exposition format 0.0.4."""
    if not metrics_allowed(_client_address(request)):
        return HttpResponseForbidden("metrics are served to the monitoring addresses only\n",
                                     content_type="text/plain")
    lines = ["# HELP cases12315_http_requests_total HTTP requests answered, by method and status class.",
             "# TYPE cases12315_http_requests_total counter"]
    rows = request_counts()
    for method, status_class, count, _seconds in rows:
        lines.append(f'cases12315_http_requests_total{{method="{method}",status="{status_class}"}} {count}')
    lines += ["# HELP cases12315_http_request_duration_seconds_total Time spent answering, by method and status"
              " class.", "# TYPE cases12315_http_request_duration_seconds_total counter"]
    for method, status_class, _count, seconds in rows:
        lines.append(f'cases12315_http_request_duration_seconds_total{{method="{method}",status="{status_class}"}}'
                     f" {_sample(seconds)}")
    for gauge in gauges():
        try:
            value = gauge.read()
        except Exception:  # one failing gauge must not hide the others
            logger.exception("gauge %s failed", gauge.name)
            continue
        if value is None:
            continue
        lines += [f"# HELP {gauge.name} {gauge.help}", f"# TYPE {gauge.name} gauge", f"{gauge.name} {_sample(value)}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")
