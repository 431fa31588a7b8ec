"""The production shape, started for real: Debian's nginx with deploy/nginx/cases12315.conf (only
paths and ports replaced) terminating TLS with a certificate made here, in front of gunicorn with
gunicorn.conf.py and DEBUG off. A clerk logs in, files a complaint, a handler downloads its evidence
(X-Accel-Redirect after the permission check), the ECharts file leaves gzipped."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile
from django.db import connection

from complaints.models import Attachment, Case
from tests.complaints import journeys

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "nginx"
SUITE_ONLY = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
              "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE", "CACHE_URL"}
PASSWORD = "pw-12315"  # tests/factories.py

pytestmark = [pytest.mark.production, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"process ended with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"nothing listens on {port}:\n{log.read_text()[-3000:]}")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _nginx_conf(tmp: Path, *, http: int, https: int, web: int, static: Path, media: Path, cert: Path, key: Path) -> Path:
    site = (DEPLOY / "cases12315.conf").read_text()
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{web};",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "server_name cases.example.gov.cn;": "server_name localhost;",
        "/etc/ssl/cases12315/fullchain.pem": str(cert),
        "/etc/ssl/cases12315/privkey.pem": str(key),
        "/srv/cases12315/staticfiles/": f"{static}/",
        "/srv/cases12315/media/": f"{media}/",
        "/etc/nginx/cases12315_proxy.conf": str(tmp / "cases12315_proxy.conf"),
        "return 301 https://$host$request_uri;": f"return 301 https://$host:{https}$request_uri;",
        "/var/log/nginx/cases12315.access.log": str(tmp / "site-access.log"),
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/cases12315.conf no longer has {old!r}: update this test"
        site = site.replace(old, new)
    (tmp / "site.conf").write_text(site)
    shutil.copy(DEPLOY / "cases12315_proxy.conf", tmp / "cases12315_proxy.conf")
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the test's private folders
    main = f"""{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""
    (tmp / "nginx.conf").write_text(main)
    return tmp / "nginx.conf"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """collectstatic once for the module: hashing and compressing ~1000 files takes a while (on a
    developer's busy machine, REUSE_STATIC_ROOT names the output of an earlier run instead)."""
    if os.environ.get("REUSE_STATIC_ROOT") and not os.environ.get("CI"):
        return Path(os.environ["REUSE_STATIC_ROOT"])
    static = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    env.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "localhost",
                "STATIC_ROOT": str(static), "VAR_DIR": str(tmp_path_factory.mktemp("var"))})
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=1200)
    return static


@pytest.fixture
def production(tmp_path, _media_root, org, static_root):
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    # The suite hashes with MD5 for speed (tests/conftest.py); the server knows the real hashers only.
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    for user in (org.clerk, org.handler, org.other_handler):
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(8))
        user.save(update_fields=["password"])
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    http, https, web = _free_port(), _free_port(), _free_port()
    static, var = static_root, tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    env.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://localhost:{https}", "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
        "DATABASE_URL": _database_url(), "VAR_DIR": str(var), "STATIC_ROOT": str(static), "MEDIA_ROOT": str(_media_root),
        "EVIDENCE_ACCEL_REDIRECT_PREFIX": "/_evidence/", "GUNICORN_BIND": f"127.0.0.1:{web}",
        "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2", "GUNICORN_MAX_REQUESTS": "50",
        "METRICS_TRUST_X_REAL_IP": "1", "TRACK_TRUST_X_FORWARDED_FOR": "1",
    })
    conf = _nginx_conf(tmp_path, http=http, https=https, web=web, static=static, media=_media_root, cert=cert, key=key)
    logs = {name: tmp_path / f"{name}.log" for name in ("gunicorn", "nginx", "site-access")}
    processes = []
    try:
        gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"],
                                    cwd=ROOT, env=env, stdout=logs["gunicorn"].open("w"), stderr=subprocess.STDOUT,
                                    start_new_session=True)
        processes.append(gunicorn)
        nginx = subprocess.Popen([nginx_bin, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                                 stdout=logs["nginx"].open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(nginx)
        _wait_for_port(web, gunicorn, logs["gunicorn"])
        _wait_for_port(https, nginx, tmp_path / "error.log")
        session = _session(cert)
        yield {"base": f"https://localhost:{https}", "http": f"http://localhost:{http}", "session": session,
               "static": static, "org": org, "logs": logs}
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, 15)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, 9)


def _session(cert) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE from the environment would win over verify
    session.verify = str(cert)
    return session


def _csrf(session, url: str) -> str:
    page = session.get(url)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _log_in(session, base: str, username: str) -> None:
    token = _csrf(session, f"{base}/accounts/login/")
    response = session.post(f"{base}/accounts/login/", data={"username": username, "password": PASSWORD,
                                                              "csrfmiddlewaretoken": token},
                            headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False)
    assert response.status_code == 302, response.text[:1000]


def test_login_intake_and_evidence_through_nginx_over_https(production):
    base, session, org = production["base"], production["session"], production["org"]

    # Plain HTTP is sent to HTTPS; HTTPS answers with HSTS and secure cookies.
    assert requests.get(f"{production['http']}/accounts/login/", allow_redirects=False).status_code == 301
    login_page = session.get(f"{base}/accounts/login/")
    assert login_page.status_code == 200 and "登录" in login_page.text
    assert "max-age=31536000" in login_page.headers["Strict-Transport-Security"]
    assert all(cookie.secure for cookie in session.cookies)

    # The clerk logs in and files a complaint through the intake form.
    _log_in(session, base, org.clerk.username)
    assert any(c.name == "sessionid" and c.secure for c in session.cookies)
    token = _csrf(session, f"{base}/cases/new/")
    fields = {"kind": "complaint", "channel": "phone", "complainant_type": "individual", "grade": "general",
              "complainant_name": "陈美玲", "complainant_phone": "13829011234", "respondent_name": "江门市蓬江区某健身会所",
              "incident_time": "2026年11月20日", "incident_place": "蓬江区白沙街道港口路12号",
              "facts": "办理年卡后会所停业，余额3000元无法使用。", "demand": "要求退还预付卡余额。", "submit": "register",
              "csrfmiddlewaretoken": token}
    filed = session.post(f"{base}/cases/new/", data=fields, headers={"Referer": f"{base}/cases/new/"},
                         allow_redirects=False)
    assert filed.status_code == 302, filed.text[:2000]
    case = Case.objects.get(complainant_phone="13829011234")
    assert case.complainant_name == "陈美玲"

    # Evidence: the handling unit downloads it; nginx sends the file, the header never leaves.
    dispatched = journeys.to_dispatched(org)
    attachment = Attachment(case=dispatched, description="消费收据", uploaded_by=org.handler)
    attachment.file.save("收据.png", ContentFile(b"\x89PNG-receipt-bytes"), save=True)
    url = f"{base}/cases/{dispatched.number}/evidence/{attachment.pk}/"
    handler = _session(session.verify)
    _log_in(handler, base, org.handler.username)
    download = handler.get(url)
    assert download.status_code == 200 and download.content == b"\x89PNG-receipt-bytes"
    assert "X-Accel-Redirect" not in download.headers and "attachment" in download.headers["Content-Disposition"]
    # Another station's handler may not; nor may anyone fetch the internal location directly.
    other = _session(session.verify)
    _log_in(other, base, org.other_handler.username)
    assert other.get(url).status_code == 404
    assert handler.get(f"{base}/_evidence/{attachment.file.name}").status_code == 404

    # A body over client_max_body_size is refused by nginx before Django reads it.
    too_big = handler.post(f"{base}/cases/{dispatched.number}/evidence/", data=b"0" * (26 * 1024 * 1024),
                           headers={"Content-Type": "application/octet-stream"})
    assert too_big.status_code == 413


def test_static_files_are_hashed_and_sent_gzipped(production):
    import json

    manifest = json.loads((production["static"] / "staticfiles.json").read_text())["paths"]
    echarts = manifest["vendor/echarts/echarts.min.js"]
    assert echarts != "vendor/echarts/echarts.min.js"  # hashed name
    response = production["session"].get(f"{production['base']}/static/{echarts}",
                                         headers={"Accept-Encoding": "gzip"}, stream=True)
    raw = response.raw.read(decode_content=False)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    original = (production["static"] / echarts).stat().st_size
    assert original > 1_000_000 and len(raw) < original / 2
    assert "immutable" in response.headers["Cache-Control"]


def test_health_and_metrics_behind_nginx(production):
    session, base = production["session"], production["base"]
    health = session.get(f"{base}/health/")
    assert health.status_code == 503 and health.json()["checks"]["database"] == "ok"  # no sweep ran here
    # /metrics is for the monitoring host: nginx allows 127.0.0.1 and Django sees the real address.
    metrics = session.get(f"{base}/metrics")
    assert metrics.status_code == 200 and "cases12315_clocks_open" in metrics.text


def test_an_open311_api_key_leaves_no_trace_in_nginxs_or_gunicorns_access_log(production):
    session, base, org = production["session"], production["base"], production["org"]
    from integration.models import ExternalSystem
    from integration.services import api_key_issue

    system = ExternalSystem.objects.create(code="hotline12345", name="12345热线", acting_user=org.clerk,
                                           scopes=["cases:read", "cases:create"])
    key = api_key_issue(system=system)
    services = f"{base}/open311/v2/services.json"
    # In the address (refused by the API, but nginx and gunicorn have seen it), over HTTPS and over
    # plain HTTP before the redirect; then in a header and in a body, as the API asks.
    assert session.get(f"{services}?api_key={key}&jurisdiction_id=440700").status_code in (401, 403)
    assert requests.get(f"{production['http']}/open311/v2/services.json?api_key={key}",
                        allow_redirects=False).status_code == 301
    assert session.get(services, headers={"X-Api-Key": key}).status_code == 200
    session.post(f"{base}/open311/v2/requests.json", data={"api_key": key, "service_code": "x"})
    time.sleep(0.5)  # gunicorn's workers write their lines as they answer; give the last one a moment
    for name in ("site-access", "gunicorn"):
        log = production["logs"][name].read_text()
        assert log.count("/open311/v2/services.json") >= 2, f"{name}: the requests were not logged at all"
        assert key not in log and key.split(".")[-1] not in log, f"{name} logged the api_key"
        # The access lines keep no query string at all (gunicorn's file also holds the application's
        # JSON log lines, where a refused key's address is written redacted: api_key=[redacted]).
        access = [line for line in log.splitlines() if "/open311/" in line and not line.startswith("{")]
        assert access and not [line for line in access if "api_key" in line or "?" in line], access
