"""/health/ for the load balancer (database, cache, broker, a recent deadline sweep) and /metrics in
Prometheus format for the monitoring addresses only."""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from core.logs import JsonFormatter, RequestIdFilter, request_id_var
from core.metrics import gauge_add, gauges
from supervision.models import SweepRun
from supervision.tasks import deadlines_sweep_task
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def _sweep_ran(ago: timedelta) -> None:
    SweepRun.objects.update_or_create(name=SweepRun.DEADLINES,
                                      defaults={"succeeded_at": timezone.now() - ago, "duration_seconds": 0.42})


def test_health_is_ok_after_a_sweep(client, settings):
    deadlines_sweep_task()  # the beat's task records its run
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok",
                                                          "deadline_sweep": "ok"}}


def test_health_fails_when_the_sweep_is_stale(client, settings):
    settings.SWEEP_INTERVAL_SECONDS = 180
    _sweep_ran(timedelta(seconds=359))
    assert client.get("/health/").status_code == 200
    _sweep_ran(timedelta(seconds=361))  # more than two intervals: beat or the worker is down
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["checks"]["database"] == "ok"
    assert "deadline sweep was 361 s ago" in body["checks"]["deadline_sweep"]


def test_health_fails_when_the_sweep_never_ran(client):
    response = client.get("/health/")
    assert response.status_code == 503 and "never succeeded" in response.json()["checks"]["deadline_sweep"]


def test_health_fails_when_the_cache_is_down(client, redis_down):
    _sweep_ran(timedelta(seconds=1))
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["checks"]["cache"].startswith("error: ")


def _metrics(text: str) -> dict[str, float]:
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def test_metrics_count_requests_and_report_the_gauges(client, org, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "10.20.0.0/16"]
    journeys.to_dispatched(org)  # one open dispatched case with its clocks
    journeys.to_received(org)  # a work order waiting for registration
    _sweep_ran(timedelta(seconds=5))
    client.get("/track/")
    client.get("/no-such-page/")
    response = client.get("/metrics", REMOTE_ADDR="10.20.3.4")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=0.0.4")
    values = _metrics(response.content.decode())
    assert values['cases12315_http_requests_total{method="GET",status="2xx"}'] >= 1
    assert values['cases12315_http_requests_total{method="GET",status="4xx"}'] >= 1
    assert values["cases12315_clocks_open"] >= 1
    assert values["cases12315_clocks_overdue"] == 0
    assert values["cases12315_deadline_sweep_duration_seconds"] == 0.42
    assert values["cases12315_cases_awaiting_registration"] == 1
    assert values["cases12315_webhook_outbox_depth"] == 0
    assert "# TYPE cases12315_clocks_open gauge" in response.content.decode()


def test_metrics_are_refused_to_other_addresses(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # Behind nginx the address is the X-Real-IP it writes, not the proxy's own.
    settings.METRICS_TRUST_X_REAL_IP = True
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="127.0.0.1").status_code == 200


def test_another_app_adds_a_gauge(client):
    gauge_add("cases12315_sms_outbox_depth", "SMS messages waiting to be sent.", lambda: 7)
    try:
        assert _metrics(client.get("/metrics").content.decode())["cases12315_sms_outbox_depth"] == 7
    finally:
        from core import metrics

        metrics._gauges.pop("cases12315_sms_outbox_depth")
    assert "cases12315_sms_outbox_depth" not in {gauge.name for gauge in gauges()}


def test_logs_are_json_lines_with_the_request_id(client):
    response = client.get("/track/", HTTP_X_REQUEST_ID="nginx-req-0001")
    assert response["X-Request-ID"] == "nginx-req-0001"
    assert len(client.get("/track/", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]) == 32  # replaced
    record = logging.LogRecord("complaints", logging.WARNING, __file__, 1, "工单 %s 已超期", ("2026120100001",), None)
    record.case = "2026120100001"
    token = request_id_var.set("nginx-req-0001")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    import json

    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "nginx-req-0001" and line["message"] == "工单 2026120100001 已超期"
    assert line["level"] == "WARNING" and line["case"] == "2026120100001"


def test_a_task_queued_by_a_request_logs_under_the_request_id(tmp_path):
    """A real worker (filesystem broker, no server) runs the mail task a request queued and logs it as
    a JSON line carrying that request's id."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL"}}
    env.update(VAR_DIR=str(tmp_path), LOG_FORMAT="json", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
               DJANGO_SETTINGS_MODULE="config.settings")
    queue = ("import django; django.setup()\n"
             "from core.logs import request_id_var\n"
             "from core.tasks import mail_send_later\n"
             "request_id_var.set('req-7f3a9c21')\n"
             "mail_send_later([('【12315】督办单', '请立即办理。', None, ['zhou@jiangmen.example.cn'])])\n")
    subprocess.run([sys.executable, "-c", queue], cwd=root, env=env, check=True, timeout=60)
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", "outbound", "--loglevel=INFO",
                               "--without-gossip", "--without-mingle", "--without-heartbeat"],
                              cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            lines = [json.loads(line) for line in (tmp_path / "worker.log").read_text().splitlines()
                     if line.startswith("{")]
            if any(line["message"] == "notification mail sent" for line in lines):
                break
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
        log.close()
    sent = [line for line in lines if line["message"] == "notification mail sent"]
    assert sent, (tmp_path / "worker.log").read_text()[-2000:]
    assert sent[0]["request_id"] == "req-7f3a9c21" and sent[0]["mails"] == 1
