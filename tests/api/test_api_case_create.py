"""Creating a case is idempotent on the client's reference."""
from complaints.models import Case
from integration.models import ExternalCaseRef
from tests.api.conftest import system_create, user_client
from tests.api.payloads import work_order

CASES = "/api/v1/cases/"


def test_create_receives_the_work_order(hotline):
    response = hotline.client.post(CASES, work_order(), format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "received"  # registration follows (test_api_case_registration)
    assert response.json()["external_ref"] == "GD-2026-0001"
    assert response["Location"].endswith(f"{response.json()['number']}/")
    body = hotline.client.get(response["Location"]).json()
    assert body["channel"] == "hotline_12345" and body["facts"] == work_order()["facts"]
    assert [e["action"] for e in body["history"]] == ["receive"]


def test_the_same_work_order_twice_returns_the_same_case(hotline):
    first = hotline.client.post(CASES, work_order(), format="json")
    second = hotline.client.post(CASES, work_order(), format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert Case.objects.count() == 1


def test_other_content_under_the_same_reference_is_a_conflict(hotline):
    first = hotline.client.post(CASES, work_order(), format="json").json()
    response = hotline.client.post(CASES, work_order(facts="完全不同的事情"), format="json")
    assert response.status_code == 409
    assert response.json()["number"] == first["number"]
    assert "reference" in response.json()
    assert Case.objects.count() == 1


def test_two_systems_may_use_the_same_reference(hotline, org):
    other = system_create(code="wechat", user=hotline.system.acting_user, channel="wechat")
    a = hotline.client.post(CASES, work_order(), format="json")
    b = other.client.post(CASES, work_order(), format="json")
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["number"] != b.json()["number"]
    assert ExternalCaseRef.objects.count() == 2


def test_an_incomplete_work_order_stays_received_with_what_is_missing(hotline):
    response = hotline.client.post(CASES, work_order(demand=""), format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "received"
    assert response.json()["missing_elements"]


def test_invalid_fields_are_named(hotline):
    response = hotline.client.post(CASES, work_order(kind="gossip", reference=""), format="json")
    assert response.status_code == 400
    assert {"kind", "reference"} <= set(response.json())
    assert Case.objects.count() == 0


def test_unknown_category_code_is_named(hotline):
    response = hotline.client.post(CASES, work_order(category="nope"), format="json")
    assert response.status_code == 400
    assert "category" in response.json()


def test_users_cannot_create_through_the_api(org):
    response = user_client(org.clerk).post(CASES, work_order(), format="json")
    assert response.status_code == 403


def test_numbers_keep_increasing_after_a_refused_create(hotline):
    first = hotline.client.post(CASES, work_order("A"), format="json").json()["number"]
    assert hotline.client.post(CASES, work_order("B", category="nope"), format="json").status_code == 400
    second = hotline.client.post(CASES, work_order("C"), format="json").json()["number"]
    assert int(second) > int(first)
    assert Case.objects.filter(number__in=[first, second]).count() == 2


def test_json_nested_deeper_than_the_stack_is_refused_with_400(hotline):
    body = "[" * 100_000 + "]" * 100_000
    response = hotline.client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]


def test_the_forms_rules_hold_for_a_platforms_work_order(hotline):
    """An anonymous complaint with the phone "abc" and the credit code "X": the intake form refuses
    all three, and so does the API, naming each field."""
    before = Case.objects.count()
    response = hotline.client.post("/api/v1/cases/", work_order(
        reference="GD-BAD-1", anonymous=True, complainant_phone="abc", respondent_credit_code="X"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert {"anonymous", "complainant_phone", "respondent_credit_code"} <= body.keys()
    assert "只有举报可以匿名" in body["anonymous"][0] and "18位" in body["respondent_credit_code"][0]
    assert Case.objects.count() == before  # nothing received, nothing for the worker to register


def test_a_phone_with_spaces_is_stored_as_the_form_would_store_it(hotline):
    response = hotline.client.post("/api/v1/cases/", work_order(
        reference="GD-SPACE-1", complainant_phone="139 0013 9000", respondent_credit_code="91440703ma4x1234xb"),
        format="json")
    assert response.status_code == 201
    case = Case.objects.get(number=response.json()["number"])
    assert case.complainant_phone == "13900139000" and case.respondent_credit_code == "91440703MA4X1234XB"
