"""Who may call: external systems by key (hashed, revocable, scoped), users by session or a staff
token (hashed, expiring); never HTTP Basic."""
import base64
import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from integration.models import ApiKey, StaffToken
from integration.services import api_key_revoke, staff_token_issue, staff_token_revoke
from tests.api.conftest import key_client, system_create
from tests.api.payloads import work_order

CASES = "/api/v1/cases/"


def test_no_credentials_is_refused(org):
    response = APIClient().get(CASES)
    assert response.status_code in (401, 403)


def test_a_key_is_stored_only_as_a_hash(hotline):
    stored = ApiKey.objects.get(system=hotline.system)
    prefix, secret = hotline.key.split(".")
    assert stored.prefix == prefix
    assert secret not in stored.hashed and stored.hashed != secret


def test_a_valid_key_acts_as_its_system(hotline):
    response = hotline.client.post(CASES, work_order(), format="json")
    assert response.status_code == 201
    assert response.json()["registering_unit"] == "C"
    assert hotline.client.get(response["Location"]).json()["channel"] == "hotline_12345"


def test_a_wrong_secret_is_refused(hotline):
    prefix = hotline.key.split(".")[0]
    response = key_client(f"{prefix}.not-the-secret").get(CASES)
    assert response.status_code == 401


def test_a_revoked_key_stops_working_and_a_new_one_works(hotline):
    assert hotline.client.get(CASES).status_code == 200
    api_key_revoke(key=ApiKey.objects.get(system=hotline.system))
    assert hotline.client.get(CASES).status_code == 401


def test_a_disabled_system_is_refused(hotline):
    hotline.system.is_active = False
    hotline.system.save()
    assert hotline.client.get(CASES).status_code == 401


def test_a_key_without_the_scope_is_refused(org):
    reader = system_create(code="reader", user=org.clerk, scopes=["cases:read"])
    assert reader.client.get(CASES).status_code == 200
    response = reader.client.post(CASES, work_order(), format="json")
    assert response.status_code == 403


def test_basic_auth_is_refused_even_with_the_right_password(org):
    org.supervisor.set_password("pw-12315-江门")
    org.supervisor.save()
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode("supervisor:pw-12315-江门".encode()).decode())
    response = basic.get(CASES)
    assert response.status_code in (401, 403)
    assert "Basic" not in response.get("WWW-Authenticate", "")


def _token_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_a_staff_token_is_stored_hashed_and_works_until_it_expires(org):
    raw = staff_token_issue(user=org.supervisor, days=30)
    stored = StaffToken.objects.get(user=org.supervisor)
    prefix, secret = raw.split(".")
    assert stored.prefix == prefix and secret not in stored.hashed
    assert _token_client(raw).get(CASES).status_code == 200
    assert _token_client(f"{prefix}.wrong").get(CASES).status_code == 401

    StaffToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _token_client(raw).get(CASES)
    assert response.status_code == 401 and "已过期" in response.json()["detail"]


def test_a_revoked_staff_token_is_refused(org):
    raw = staff_token_issue(user=org.handler)
    staff_token_revoke(token=StaffToken.objects.get(user=org.handler))
    assert _token_client(raw).get(CASES).status_code == 401


def test_a_staff_token_is_issued_from_the_command_line(org):
    out = io.StringIO()
    call_command("staff_token_issue", "supervisor", "--days", "7", stdout=out)
    token = StaffToken.objects.get(user=org.supervisor)
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert _token_client(out.getvalue().strip()).get(CASES).status_code == 200


def test_users_authenticate_by_session(client, org):
    client.force_login(org.handler)
    assert client.get(CASES).status_code == 200


def test_a_key_issued_from_the_command_line_works(hotline):
    out = io.StringIO()
    call_command("api_key_issue", "hotline12345", stdout=out)
    assert key_client(out.getvalue().strip()).get(CASES).status_code == 200


def test_the_admin_lists_systems_and_deliveries(admin_client, hotline):
    assert admin_client.get("/admin/integration/externalsystem/").status_code == 200
    assert admin_client.get(f"/admin/integration/externalsystem/{hotline.system.pk}/change/").status_code == 200
    assert admin_client.get("/admin/integration/webhookdelivery/").status_code == 200
    assert admin_client.get("/admin/integration/open311service/").status_code == 200
