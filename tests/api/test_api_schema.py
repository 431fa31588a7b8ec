"""The published OpenAPI schema, its documentation page from our own static files, and schemathesis
fuzzing every operation of the schema in-process (WSGI): no input may produce a server error."""
import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error

from integration.models import Open311Service
from tests.complaints import journeys

SCHEMA = "/api/v1/schema/"


def test_schema_is_openapi_3_and_covers_the_api(db):
    response = APIClient().get(SCHEMA, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{number}/", "/api/v1/cases/{number}/dispatch/",
            "/api/v1/webhooks/deliveries/", "/open311/v2/requests.json"} <= set(paths)
    assert "apiKey" in schema["components"]["securitySchemes"]


def test_documentation_page_uses_our_own_static_files(client, db):
    html = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "//unpkg" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


@pytest.fixture
def fuzz_target(org, center_tool):
    """A real case for path parameters and a key with every scope, acting as a center supervisor."""
    # Like Django's test client: keep the connection across the in-process WSGI calls.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    Open311Service.objects.create(service_code="food", service_name="食品", kind="complaint")
    try:
        yield {"number": journeys.to_dispatched(org).number, "key": center_tool.key}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded from the running application, as a client would fetch it (no database needed for that).
schema = schemathesis.openapi.from_wsgi(SCHEMA, get_wsgi_application())


# Committed as in production, not inside the test's transaction: a service that takes no savepoint
# (registration) refuses by spoiling the transaction around it, which a request does not have.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, fuzz_target):
    if "number" in (case.path_parameters or {}):
        case.path_parameters["number"] = fuzz_target["number"]  # reach the code behind the 404
    case.call_and_validate(headers={"Authorization": f"Api-Key {fuzz_target['key']}"},
                           checks=[not_a_server_error])
