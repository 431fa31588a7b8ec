"""Transitions over the API: what the role allows, 409 for illegal or stale, 400 naming the field,
403 for the role, 404 for what the caller may not see."""
from complaints.models import Case, CaseEvent
from tests.api.conftest import user_client
from tests.complaints import journeys

CASES = "/api/v1/cases/"


def act(client, case, action, data=None, **extra):
    return client.post(f"{CASES}{case.number}/{action}/", data or {}, format="json", **extra)


def test_a_case_goes_the_main_line_through_the_api(org, center_tool, station_tool):
    case = journeys.to_registered(org)
    center, unit = center_tool.client, station_tool.client
    assert act(center, case, "dispatch", {"unit": "S0101"}).json()["state"] == "dispatched"
    assert act(unit, case, "accept").json()["state"] == "handling"
    assert act(unit, case, "contact", {"means": "phone", "content": "已电话联系"}).status_code == 200
    body = act(unit, case, "reply", {"text": "经调查,商家已同意退还预付卡余额,投诉人无异议。"}).json()
    assert body["state"] == "replied"
    assert act(center, case, "approve-reply").status_code == 200
    assert act(center, case, "follow-up", {"satisfaction": "satisfied", "resolved": True}).status_code == 200
    assert act(center, case, "archive").json()["state"] == "archived"
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions[-7:] == ["dispatch", "accept", "contact", "reply", "approve_reply", "follow_up", "archive"]


def test_an_illegal_transition_is_409_with_the_current_state(org):
    case = journeys.to_registered(org)
    response = act(user_client(org.supervisor), case, "archive")
    assert response.status_code == 409
    assert response.json()["state"] == "registered"


def test_a_stale_version_is_409_and_changes_nothing(org):
    case = journeys.to_dispatched(org)
    client = user_client(org.handler)
    response = act(client, case, "accept", {"version": case.version - 1})
    assert response.status_code == 409
    assert response.json()["state"] == "dispatched" and response.json()["version"] == case.version
    assert Case.objects.get(pk=case.pk).state == "dispatched"


def test_if_match_header_guards_against_stale_writes(org):
    case = journeys.to_dispatched(org)
    client = user_client(org.handler)
    assert act(client, case, "accept", HTTP_IF_MATCH='"0"').status_code == 409
    assert act(client, case, "accept", HTTP_IF_MATCH=f'"{case.version}"').status_code == 200


def test_validation_errors_name_the_field(org):
    case = journeys.to_handling(org)
    client = user_client(org.handler)
    response = act(client, case, "request-extension", {"days": 0, "reason": ""})
    assert response.status_code == 400
    assert {"days", "reason"} <= set(response.json())
    # A rule the service enforces is reported on its field too.
    response = act(client, case, "reply", {"text": "太短"})
    assert response.status_code == 400 and "text" in response.json()


def test_a_role_that_may_not_act_gets_403(org):
    case = journeys.to_dispatched(org)
    assert act(user_client(org.clerk), case, "accept").status_code == 403
    case = journeys.to_replied(org)
    assert act(user_client(org.handler), case, "redo", {"reason": "自己发回"}).status_code == 403
    assert Case.objects.get(pk=case.pk).state == "replied"


def test_a_unit_tool_cannot_approve(org, station_tool):
    case = journeys.to_replied(org)
    assert act(station_tool.client, case, "approve-reply").status_code == 403
    assert Case.objects.get(pk=case.pk).reply_approved_at is None


def test_another_units_case_is_404(org):
    case = journeys.to_dispatched(org)
    assert act(user_client(org.far_handler), case, "accept").status_code == 404
    assert act(user_client(org.far_handler), case, "accept", {"version": "x"}).status_code == 404


def test_a_key_without_the_act_scope_cannot_transition(org):
    from tests.api.conftest import system_create

    reader = system_create(code="ro", user=org.handler, scopes=["cases:read"])
    case = journeys.to_dispatched(org)
    assert act(reader.client, case, "accept").status_code == 403


def test_a_return_answers_the_case_state_the_caller_may_still_know(org):
    case = journeys.to_dispatched(org)
    response = act(user_client(org.handler), case, "return", {"reason": "不属于本单位管辖"})
    assert response.status_code == 200
    assert response.json() == {"number": case.number, "state": "registered", "version": case.version + 1}


def test_a_retried_return_gets_the_same_answer_and_others_still_get_404(org):
    case = journeys.to_dispatched(org)
    client = user_client(org.handler)
    first = act(client, case, "return", {"reason": "不属于本单位管辖"})
    retry = act(client, case, "return", {"reason": "不属于本单位管辖"})
    assert retry.status_code == 200 and retry.json() == first.json()
    assert act(user_client(org.other_handler), case, "return", {"reason": "试探"}).status_code == 404
    assert act(client, case, "accept").status_code == 404  # only the return itself is answered
