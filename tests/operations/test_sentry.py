"""With SENTRY_DSN set, an error reaches the Sentry-compatible server it names (a small real HTTP
server here); without it nothing is initialised."""
import gzip
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class _Sentry(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # sentry-sdk compresses with brotli only when it is installed

            body = brotli.decompress(body)
        self.server.envelopes.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_errors_go_to_the_server_the_dsn_names(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    server.envelopes = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/42"
        code = ("import django; django.setup()\n"
                "import sentry_sdk\n"
                "try:\n    1 / 0\nexcept ZeroDivisionError:\n    sentry_sdk.capture_exception()\n"
                "sentry_sdk.flush(timeout=10)\n")
        env = {**os.environ, "SENTRY_DSN": dsn, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert server.envelopes and server.envelopes[0][0].startswith("/api/42/envelope/")
    assert b"ZeroDivisionError" in b"".join(body for _, body in server.envelopes)


def test_without_a_dsn_sentry_is_not_initialised(tmp_path):
    code = "import django; django.setup()\nimport sentry_sdk\nprint(sentry_sdk.get_client().is_active())\n"
    env = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "False", proc.stderr
