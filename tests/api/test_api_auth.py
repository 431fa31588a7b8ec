"""Who may call: external systems by key (hashed, revocable, scoped), users by session/basic/token."""
import base64

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from integration.models import ApiKey
from integration.services import api_key_revoke
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


def test_users_authenticate_by_basic_auth_and_token(org):
    org.supervisor.set_password("pw-12315")
    org.supervisor.save()
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"supervisor:pw-12315").decode())
    assert basic.get(CASES).status_code == 200

    token = Token.objects.create(user=org.supervisor)
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert by_token.get(CASES).status_code == 200


def test_users_authenticate_by_session(client, org):
    client.force_login(org.handler)
    assert client.get(CASES).status_code == 200


def test_a_key_issued_from_the_command_line_works(hotline):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("api_key_issue", "hotline12345", stdout=out)
    assert key_client(out.getvalue().strip()).get(CASES).status_code == 200


def test_the_admin_lists_systems_and_deliveries(admin_client, hotline):
    assert admin_client.get("/admin/integration/externalsystem/").status_code == 200
    assert admin_client.get(f"/admin/integration/externalsystem/{hotline.system.pk}/change/").status_code == 200
    assert admin_client.get("/admin/integration/webhookdelivery/").status_code == 200
    assert admin_client.get("/admin/integration/open311service/").status_code == 200
