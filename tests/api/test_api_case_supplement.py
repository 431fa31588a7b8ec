"""PATCH a case: the platform supplies what its work order lacked and the worker registers it as if
it had come complete; details are fixed only before dispatch, never on a stale copy."""
from unittest import mock

from django.conf import settings

from complaints.models import Case, CaseEvent
from integration import services as integration
from integration.models import ExternalCaseRef
from integration.services import external_cases_register
from tests.api.conftest import system_create, user_client
from tests.api.payloads import work_order
from tests.complaints import journeys

CASES = "/api/v1/cases/"


def _filed(system, **overrides) -> Case:
    response = system.client.post(CASES, work_order(**overrides), format="json")
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["number"])


def _patch(client, case, data, **headers):
    return client.patch(f"{CASES}{case.number}/", data, format="json", **headers)


def test_the_platform_supplies_the_missing_demand_and_the_worker_registers_it(hotline):
    case = _filed(hotline, demand="")
    external_cases_register()
    assert Case.objects.get(pk=case.pk).state == Case.State.RECEIVED  # waits: the demand is missing

    response = _patch(hotline.client, case, {"demand": "退还余额2000元"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["demand"] == "退还余额2000元" and body["missing_elements"] == []
    assert body["state"] == "received" and response["ETag"] == f'"{body["version"]}"'
    assert body["history"][-1]["action"] == "update"

    assert external_cases_register() == 1
    case.refresh_from_db()
    assert case.state == Case.State.REGISTERED
    assert CaseEvent.objects.get(case=case, action="register").actor == hotline.system.acting_user


def test_supplying_asks_the_worker_after_commit(hotline, monkeypatch, django_capture_on_commit_callbacks):
    case = _filed(hotline, demand="")
    external_cases_register()
    monkeypatch.setattr(integration, "_last_kick", float("-inf"))
    with mock.patch("integration.tasks.external_cases_register_task.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            assert _patch(hotline.client, case, {"incident_place": "白沙街道"}).status_code == 200
        queued.assert_not_called()  # still incomplete: nothing for the worker
        with django_capture_on_commit_callbacks(execute=True):
            assert _patch(hotline.client, case, {"demand": "退款"}).status_code == 200
    queued.assert_called_once_with(countdown=settings.EXTERNAL_REGISTRATION_DELAY_SECONDS)


def test_without_automatic_registration_the_supplied_case_waits_for_the_clerk(hotline):
    hotline.system.registers_automatically = False
    hotline.system.save()
    case = _filed(hotline, demand="")
    assert _patch(hotline.client, case, {"demand": "退款"}).status_code == 200
    assert not ExternalCaseRef.objects.get(case=case).registration_pending
    external_cases_register()
    assert Case.objects.get(pk=case.pk).state == Case.State.RECEIVED


def test_a_registered_case_may_still_be_corrected(hotline):
    case = _filed(hotline)
    external_cases_register()
    response = _patch(hotline.client, case, {"respondent_name": "某某健身房(白沙店)"})
    assert response.status_code == 200
    assert response.json()["state"] == "registered"
    assert Case.objects.get(pk=case.pk).respondent_name == "某某健身房(白沙店)"


def test_a_dispatched_case_is_409_with_its_state(org, center_tool):
    case = journeys.to_dispatched(org)
    response = _patch(center_tool.client, case, {"demand": "改诉求"})
    assert response.status_code == 409
    assert response.json()["state"] == "dispatched" and response.json()["version"] == case.version
    assert Case.objects.get(pk=case.pk).demand != "改诉求"


def test_bad_fields_are_400_naming_them(hotline):
    case = _filed(hotline, demand="")
    response = _patch(hotline.client, case, {"kind": "rumour", "respondent_area": "NOWHERE",
                                              "complainant_phone": "1" * 21})
    assert response.status_code == 400
    assert {"kind", "respondent_area", "complainant_phone"} <= set(response.json())
    # What says where the work order came from is not the platform's to change: refused, not
    # dropped, so the platform does not believe it was stored.
    response = _patch(hotline.client, case, {"reference": "GD-OTHER", "channel": "wechat", "demand": "退款"})
    assert response.status_code == 400 and {"reference", "channel"} <= set(response.json())
    assert "不能修改" in response.json()["reference"][0]
    case.refresh_from_db()
    assert (case.external_ref, case.channel, case.demand) == ("GD-2026-0001", "hotline_12345", "")


def test_a_stale_version_is_409_and_changes_nothing(hotline):
    case = _filed(hotline, demand="")
    seen = case.version
    assert _patch(hotline.client, case, {"incident_place": "白沙街道", "version": seen}).status_code == 200
    response = _patch(hotline.client, case, {"demand": "退款", "version": seen})
    assert response.status_code == 409
    assert response.json()["version"] == seen + 1
    assert _patch(hotline.client, case, {"demand": "退款"}, HTTP_IF_MATCH=f'"{seen}"').status_code == 409
    assert Case.objects.get(pk=case.pk).demand == ""
    assert _patch(hotline.client, case, {"demand": "退款"}, HTTP_IF_MATCH=f'"{seen + 1}"').status_code == 200


def test_cases_create_supplies_the_systems_own_work_orders_only(hotline, org):
    filer = system_create(code="platform", user=hotline.system.acting_user, scopes=["cases:create", "cases:read"])
    own = _filed(filer, demand="")
    assert _patch(filer.client, own, {"demand": "退款"}).status_code == 200
    phoned_in = journeys.to_received(org)  # visible to its acting user, but not its work order
    assert _patch(filer.client, phoned_in, {"demand": "退款"}).status_code == 403
    assert _patch(hotline.client, phoned_in, {"demand": "退款"}).status_code == 200  # cases:act reaches it
    reader = system_create(code="reader", user=hotline.system.acting_user, scopes=["cases:read"])
    other = _filed(filer, reference="GD-2", demand="")
    assert _patch(reader.client, other, {"demand": "退款"}).status_code == 403
    assert Case.objects.get(pk=other.pk).demand == ""


def test_a_case_the_caller_cannot_see_is_404(org, station_tool):
    case = journeys.to_received(org)
    assert _patch(station_tool.client, case, {"demand": "退款"}).status_code == 404
    assert _patch(user_client(org.far_handler), case, {"demand": "退款"}).status_code == 404


def test_a_clerk_supplies_through_the_api_as_on_the_page(org):
    case = journeys.to_received(org)
    response = _patch(user_client(org.clerk), case, {"facts": "补充:已多次协商未果"})
    assert response.status_code == 200
    assert response.json()["facts"] == "补充:已多次协商未果"


def test_a_role_that_may_not_register_gets_403(org):
    case = journeys.to_dispatched(org)  # the handler's own case, yet details are the clerk's
    assert _patch(user_client(org.handler), case, {"demand": "x"}).status_code == 403


def test_the_schema_documents_the_patch(db, center_tool):
    schema = center_tool.client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    patch = schema["paths"]["/api/v1/cases/{number}/"]["patch"]
    name = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][name]["properties"]
    assert {"demand", "respondent_area", "version"} <= set(fields)
    assert not {"reference", "channel"} & set(fields)
    assert {"200", "400", "409"} <= set(patch["responses"])
