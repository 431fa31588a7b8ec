"""Demo and production apart: DEBUG off unless set, no start on the built-in key or without host
names, secure defaults that `check --deploy` accepts, demo data only into its own database, broker and
cache apart, error pages in Chinese, the request size limit and evidence through X-Accel-Redirect."""
from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from complaints.models import DemoDatabase
from routing.models import Unit, User
from tests.complaints import journeys
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "cases.example.gov.cn",
              "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}
# What config/settings_test.py put into this process's environment for the suite.
SUITE_ONLY = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
              "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE", "CACHE_URL",
              "CELERY_BROKER_URL", "SECURE_PROXY_SSL_HEADER",
              # set by the browser tests' conftest for Playwright's thread; a server never has it
              "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    """`manage.py args` in a fresh process with only `env` on top of a clean environment."""
    clean = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**clean, "VAR_DIR": str(tmp_path), **env})


def settings_of(env: dict, tmp_path: Path, *names: str) -> dict:
    code = f"from django.conf import settings; import json; print(json.dumps({{n: str(getattr(settings, n)) for n in {list(names)!r}}}))"
    proc = manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- DEBUG, the key, the hosts -------------------------------------------------------------------


def test_start_is_refused_with_the_built_in_key_and_debug_off(tmp_path):
    proc = manage("check", env={}, tmp_path=tmp_path)  # DEBUG unset: off; SECRET_KEY unset: built in
    assert proc.returncode != 0
    assert "SECRET_KEY is the built-in development key" in proc.stderr
    # The WSGI application a server would load refuses the same way.
    clean = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    wsgi = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**clean, "VAR_DIR": str(tmp_path)})
    assert wsgi.returncode != 0 and "SECRET_KEY" in wsgi.stderr


def test_code_only_commands_run_without_a_production_configuration(tmp_path):
    # A developer's or a linter's migration check reads the code only: no key is needed for it.
    proc = manage("makemigrations", "--check", "--dry-run", env={}, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "No changes detected" in proc.stdout


def test_start_is_refused_without_allowed_hosts(tmp_path):
    proc = manage("check", env={**PRODUCTION, "ALLOWED_HOSTS": ""}, tmp_path=tmp_path)
    assert proc.returncode != 0 and "ALLOWED_HOSTS is not set" in proc.stderr


def test_debug_is_off_unless_set_and_the_demo_sets_it(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "DEBUG"}
    assert settings_of(env, tmp_path, "DEBUG")["DEBUG"] == "False"
    assert settings_of({"DEBUG": "1"}, tmp_path, "DEBUG", "ALLOWED_HOSTS") == {"DEBUG": "True", "ALLOWED_HOSTS": "['*']"}
    assert 'export DEBUG="${DEBUG:-1}"' in (ROOT / "scripts/run.sh").read_text()


def test_with_debug_off_cookies_hsts_and_the_proxy_header_are_secure(tmp_path):
    values = settings_of({**PRODUCTION, "CSRF_TRUSTED_ORIGINS": "https://cases.example.gov.cn"}, tmp_path,
                         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                         "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS")
    assert values == {"SESSION_COOKIE_SECURE": "True", "CSRF_COOKIE_SECURE": "True", "SECURE_SSL_REDIRECT": "True",
                      "SECURE_HSTS_SECONDS": "31536000",
                      "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
                      "CSRF_TRUSTED_ORIGINS": "['https://cases.example.gov.cn']"}


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    proc = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout
    # And it would notice: the same check without HSTS fails.
    weaker = manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "SECURE_HSTS_SECONDS": "0"},
                    tmp_path=tmp_path)
    assert weaker.returncode != 0 and "security.W004" in weaker.stderr + weaker.stdout


# --- broker and cache ----------------------------------------------------------------------------


def test_the_cache_is_never_the_brokers_redis_database(tmp_path):
    same = manage("check", env={**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0",
                                "CACHE_URL": "redis://127.0.0.1:6379/0"}, tmp_path=tmp_path)
    assert same.returncode != 0 and "CACHE_URL names the Celery broker" in same.stderr
    apart = settings_of({**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_URL": "redis://127.0.0.1:6379/1"},
                        tmp_path, "CELERY_BROKER_URL", "CACHES")
    assert apart["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0" and "6379/1" in apart["CACHES"]


def test_without_redis_the_cache_is_shared_by_every_process(tmp_path):
    """Two processes (two gunicorn workers) see one count: the file cache in VAR_DIR."""
    code = ("from django.core.cache import cache; cache.add('hits', 0); print(cache.incr('hits'))")
    outputs = [manage("shell", "-c", code, env=PRODUCTION, tmp_path=tmp_path) for _ in range(2)]
    assert [proc.stdout.strip().splitlines()[-1] for proc in outputs] == ["1", "2"], outputs[-1].stderr
    assert (tmp_path / "cache").is_dir()


# --- demo data -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_data_is_refused_into_a_database_holding_other_data(settings):
    settings.DEBUG = True
    Unit.objects.create(code="440703000", name="江门市蓬江区市场监督管理局", kind="district_center")
    UserFactory(username="liu.fang")
    with pytest.raises(CommandError, match="not demo data"):
        call_command("demo_data", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists() and not DemoDatabase.objects.exists()


@pytest.mark.django_db
def test_demo_data_is_refused_with_debug_off_unless_asked_for(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_data", stdout=io.StringIO())
    assert not User.objects.exists()
    out = io.StringIO()
    call_command("demo_data", "--allow-without-debug", stdout=out)
    assert "admin" in out.getvalue() and DemoDatabase.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_database_takes_the_demo_data_again(settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    journeys_user = User.objects.get(username="clerk")  # the demo is played with, then started again
    call_command("demo_data", stdout=io.StringIO())
    assert User.objects.get(username="clerk") == journeys_user and DemoDatabase.objects.count() == 1


# --- pages and limits ----------------------------------------------------------------------------


def test_server_error_page_is_styled_and_chinese():
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出错" in page and "css/app.css" in page and "返回首页" in page


@pytest.mark.django_db
def test_missing_page_is_styled_and_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and "css/app.css" in response.content.decode()


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_with_a_clear_message(client, org, settings):
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    case = journeys.to_dispatched(org)
    client.force_login(org.handler)
    response = client.post(f"/cases/{case.number}/evidence/", {
        "file": SimpleUploadedFile("监控录像.mp4", b"0" * (1024 * 1024 + 1)), "description": "门店监控录像"})
    assert response.status_code == 413
    assert "不能超过 1 MB" in response.content.decode()
    assert not case.attachments.exists()


@pytest.mark.django_db
def test_evidence_goes_through_x_accel_redirect_after_the_permission_check(client, org, settings):
    settings.EVIDENCE_ACCEL_REDIRECT_PREFIX = "/_evidence/"
    case = journeys.to_dispatched(org)
    client.force_login(org.handler)
    client.post(f"/cases/{case.number}/evidence/", {
        "file": SimpleUploadedFile("收据.png", b"png-bytes"), "description": "消费收据"})
    attachment = case.attachments.get()
    url = f"/cases/{case.number}/evidence/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"].startswith("/_evidence/") and response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(org.other_handler)
    refused = client.get(url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


@pytest.mark.django_db
def test_with_debug_on_the_missing_page_is_still_ours_unless_technical_pages_are_asked_for(client, org, settings):
    settings.DEBUG = True
    for path in ("/no-such-page/", "/cases/20261202999999/"):
        client.force_login(org.clerk)
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 404 and "页面不存在" in page and "DEBUG = True" not in page, path
    settings.DEBUG_TECHNICAL_ERRORS = True
    assert "DEBUG = True" in client.get("/no-such-page/").content.decode()
