"""External systems and API clients for the API tests."""
import http.server
import json
import threading
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from integration.models import ExternalSystem
from integration.services import api_key_issue
from routing.models import User
from tests.factories import UserFactory

ALL_SCOPES = [scope.value for scope in ExternalSystem.Scope]


def system_create(*, code: str, user, scopes=None, webhook_url: str = "", channel: str = "api") -> SimpleNamespace:
    system = ExternalSystem.objects.create(
        code=code, name=code, acting_user=user, scopes=ALL_SCOPES if scopes is None else scopes,
        webhook_url=webhook_url, channel=channel,
    )
    key = api_key_issue(system=system)
    return SimpleNamespace(system=system, key=key, client=key_client(key))


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def user_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def hotline(org):
    """The city 12345 platform: files cases at the center as an intake clerk would."""
    user = UserFactory(username="svc-12345", unit=org.center, role=User.Role.CLERK)
    return system_create(code="hotline12345", user=user, channel="hotline_12345",
                         webhook_url="http://127.0.0.1:9/unused")


@pytest.fixture
def station_tool(org):
    """A handling unit's own tool, acting as a handler of the station."""
    user = UserFactory(username="svc-baisha", unit=org.station, role=User.Role.HANDLER)
    return system_create(code="baisha-tool", user=user)


@pytest.fixture
def center_tool(org):
    user = UserFactory(username="svc-center", unit=org.center, role=User.Role.SUPERVISOR)
    return system_create(code="center-tool", user=user)


class _Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.calls.append({"headers": dict(self.headers), "body": body, "json": json.loads(body)})
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_receiver():
    """A real HTTP endpoint on localhost that records the calls it gets and answers `status`."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.calls, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield server
    server.shutdown()
    server.server_close()
