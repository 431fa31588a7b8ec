"""Open311 GeoReport v2: list services, file a request, follow it."""
import pytest
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Case
from integration.models import Open311Service
from tests.api.conftest import user_client
from tests.factories import CategoryFactory

BASE = "/open311/v2"


@pytest.fixture
def service(db):
    prepaid = CategoryFactory(code="prepaid", name="预付卡")
    return Open311Service.objects.create(service_code="prepaid-card", service_name="预付卡投诉",
                                         kind="complaint", category=prepaid, group="消费投诉")


def test_services_are_listed_without_a_key(service):
    body = APIClient().get(f"{BASE}/services.json").json()
    assert body == [{"service_code": "prepaid-card", "service_name": "预付卡投诉", "description": "",
                     "metadata": False, "type": "realtime", "keywords": "", "group": "消费投诉"}]


def test_a_request_is_filed_with_the_api_key_parameter_and_tracked(org, hotline, service):
    response = APIClient().post(f"{BASE}/requests.json", {
        "api_key": hotline.key, "service_code": "prepaid-card", "description": "健身房关门,预付卡无法退款",
        "address_string": "白沙街道健身路8号", "lat": "22.58", "long": "113.08",
        "first_name": "四", "last_name": "李", "phone": "13900139000",
    })
    assert response.status_code == 201
    number = response.json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.kind == "complaint" and case.category.code == "prepaid"
    assert case.complainant_name == "李四" and "22.580000" in case.incident_place

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {hotline.key}")
    item = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert item["status"] == "open" and item["service_code"] == "prepaid-card"
    listed = client.get(f"{BASE}/requests.json", {"service_code": "prepaid-card", "status": "open"}).json()
    assert [r["service_request_id"] for r in listed] == [number]


def test_a_closed_case_reads_closed(org, hotline, service):
    case = services.case_receive(by=org.clerk, fields={
        "kind": "consultation", "channel": "web", "facts": "预付卡能否退?", "complainant_name": "赵敏",
        "complainant_phone": "13700001111"})[0]
    services.case_answer(case=case, by=org.clerk, answer="可以依法要求退还。")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {hotline.key}")
    assert client.get(f"{BASE}/requests/{case.number}.json").json()[0]["status"] == "closed"


def test_errors_are_georeport_lists(org, hotline, service):
    client = APIClient()
    response = client.post(f"{BASE}/requests.json", {"service_code": "nope", "description": "x",
                                                      "api_key": hotline.key})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400 and "service_code" in response.json()[0]["description"]
    response = client.post(f"{BASE}/requests.json", {"service_code": "prepaid-card", "description": "x"})
    assert response.status_code in (401, 403) and response.json()[0]["code"] in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {hotline.key}")
    assert client.get(f"{BASE}/requests/20990101000001.json").status_code == 404


def test_other_units_requests_are_not_found(org, hotline, service):
    number = APIClient().post(f"{BASE}/requests.json", {
        "service_code": "prepaid-card", "description": "预付卡", "api_key": hotline.key, "last_name": "钱",
        "first_name": "多多", "phone": "13700002222"}).json()[0]["service_request_id"]
    client = APIClient()
    client.force_authenticate(org.far_handler)
    assert client.get(f"{BASE}/requests/{number}.json").status_code == 404


def test_demo_data_gives_a_working_key_and_services(db, settings):
    import io

    from django.core.management import call_command

    settings.DEBUG = True  # as make run starts it
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    call_command("demo_data", stdout=io.StringIO())  # twice changes nothing
    key = out.getvalue().split("Api-Key ")[1].split()[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/cases/").status_code == 200
    assert len(APIClient().get(f"{BASE}/services.json").json()) == 5


def _file(hotline, *, key: str = "", description: str = "健身房关门,预付卡无法退款"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return APIClient().post(f"{BASE}/requests.json", {
        "api_key": hotline.key, "service_code": "prepaid-card", "description": description, "address_string": "白沙街道健身路8号",
        "first_name": "四", "last_name": "李", "phone": "13900139000", "respondent_name": "某健身房",
    }, **headers)


def test_a_retry_with_the_same_idempotency_key_returns_the_same_request(org, hotline, service):
    first = _file(hotline, key="311-0001")
    again = _file(hotline, key="311-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Case.objects.count() == 1
    other = _file(hotline, key="311-0001", description="另一件事")
    assert other.status_code == 409 and other.json()[0]["code"] == 409
    assert Case.objects.count() == 1


def test_without_a_key_each_request_is_a_new_case(org, hotline, service):
    numbers = {_file(hotline).json()[0]["service_request_id"] for _ in range(2)}
    assert len(numbers) == 2


def test_a_filed_request_without_all_five_elements_waits_for_the_clerk(org, hotline, service):
    from integration.services import external_cases_register

    response = _file(hotline, key="311-0002")
    notice = response.json()[0]["service_notice"]
    assert notice.startswith("已接收") and "待补充" in notice  # GeoReport carries no time of the incident
    number = response.json()[0]["service_request_id"]
    external_cases_register()
    case = Case.objects.get(number=number)
    assert case.state == "received" and case.external_origin.reference == "311-0002"


@pytest.mark.parametrize("start", ["2026-02-30T00:00:00", "2026-13-01T00:00:00", "2026-01-01T25:00:00",
                                   "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_an_impossible_start_date_is_a_400(org, start):
    response = user_client(org.supervisor).get("/open311/v2/requests.json", {"start_date": start})
    assert response.status_code == 400
    assert "start_date" in response.json()[0]["description"]


def test_a_request_without_contact_details_is_refused_as_the_form_would(org, hotline, service):
    response = APIClient().post(f"{BASE}/requests.json", {
        "service_code": "prepaid-card", "description": "预付卡余额无法退还", "api_key": hotline.key})
    assert response.status_code == 400
    assert "联系电话" in response.json()[0]["description"] or "姓名" in response.json()[0]["description"]


def test_the_api_key_in_a_header_works_and_in_the_address_is_refused(hotline, service, caplog):
    by_header = APIClient().get(f"{BASE}/requests.json", HTTP_X_API_KEY=hotline.key)
    assert by_header.status_code == 200
    in_address = APIClient().get(f"{BASE}/requests.json?api_key={hotline.key}")
    assert in_address.status_code in (401, 403)
    assert "X-Api-Key" in in_address.content.decode()
    # Django's own request log line (a 4xx is logged with its path) does not carry the key.
    assert hotline.key.split(".")[1] not in caplog.text


def test_a_key_in_a_logged_address_is_redacted():
    import logging

    from core.logredact import SecretRedactFilter

    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /open311/v2/requests.json?api_key=ab12cd34.s3cr3t&page=2 HTTP/1.1", 401, 120),
                               None)
    SecretRedactFilter().filter(record)
    assert record.getMessage() == '"GET /open311/v2/requests.json?api_key=[redacted]&page=2 HTTP/1.1" 401 120'


def test_a_key_in_a_logged_requests_repr_is_redacted_in_the_json_line():
    """django.request logs a 4xx with `request=<WSGIRequest: GET '...?api_key=...'>`: the JSON line
    (core/logs.py writes extras as text) must not carry the key."""
    import logging

    from django.test import RequestFactory

    from core.logredact import SecretRedactFilter
    from core.logs import JsonFormatter

    request = RequestFactory().get("/open311/v2/services.json?api_key=ab12cd34.s3cr3t-value&jurisdiction_id=1")
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Unauthorized: %s",
                               (request.path,), None)
    record.request, record.status_code = request, 401
    SecretRedactFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "s3cr3t-value" not in line and "api_key=[redacted]" in line and '"status_code": 401' in line
