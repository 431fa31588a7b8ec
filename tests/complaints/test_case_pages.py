"""Case pages: what each user sees, the actions offered, 409 for stale or illegal actions."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Case
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_case_page_shows_number_query_code_state_deadlines_and_history(client, org):
    case = journeys.to_dispatched(org)
    page = login(client, org.supervisor).get(f"/cases/{case.number}/").content.decode()
    assert case.number in page and case.query_code in page
    assert "已分流" in page
    assert "办理" in page and "首次联系" in page  # running clocks
    assert "分流" in page and org.supervisor.first_name in page and org.station.name in page


@pytest.mark.parametrize("viewer", ["handler", "leader", "district_supervisor", "supervisor"])
def test_units_in_the_chain_see_the_case(client, org, viewer):
    case = journeys.to_dispatched(org)
    assert login(client, getattr(org, viewer)).get(f"/cases/{case.number}/").status_code == 200


@pytest.mark.parametrize("viewer", ["other_handler", "far_handler"])
def test_other_units_get_404_on_the_case_and_do_not_see_it_listed(client, org, viewer):
    case = journeys.to_dispatched(org)
    login(client, getattr(org, viewer))
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.post(f"/cases/{case.number}/act/accept/", {"version": case.version}).status_code == 404
    assert case.number not in client.get("/cases/").content.decode()
    assert client.get(f"/cases/?q={case.number}").context["page"].object_list == []


def test_far_district_center_does_not_see_another_districts_case(client, org):
    from tests.factories import UserFactory

    far_center_user = UserFactory(username="far_center", unit=org.far_district, role="supervisor")
    case = journeys.to_dispatched(org)
    assert login(client, far_center_user).get(f"/cases/{case.number}/").status_code == 404


def test_evidence_download_is_isolated_too(client, org):
    case = journeys.to_dispatched(org)
    login(client, org.handler).post(f"/cases/{case.number}/evidence/", {
        "file": SimpleUploadedFile("photo.png", b"png-bytes"), "description": "现场照片"})
    attachment = case.attachments.get()
    url = f"/cases/{case.number}/evidence/{attachment.pk}/"
    assert b"".join(client.get(url).streaming_content) == b"png-bytes"
    assert login(client, org.other_handler).get(url).status_code == 404


def test_only_the_actions_the_viewer_may_take_are_offered(client, org):
    case = journeys.to_dispatched(org)
    handler_page = login(client, org.handler).get(f"/cases/{case.number}/").content.decode()
    assert 'id="action-accept"' in handler_page and 'id="action-return"' in handler_page
    assert 'id="action-dispatch"' not in handler_page
    center_page = login(client, org.supervisor).get(f"/cases/{case.number}/").content.decode()
    assert 'id="action-accept"' not in center_page


def test_unit_signs_for_a_case_through_the_page(client, org):
    case = journeys.to_dispatched(org)
    response = login(client, org.handler).post(f"/cases/{case.number}/act/accept/", {"version": case.version})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == Case.State.HANDLING


def test_stale_page_gets_409_and_the_case_is_unchanged(client, org):
    case = journeys.to_dispatched(org)
    stale_version = case.version
    login(client, org.handler).post(f"/cases/{case.number}/act/accept/", {"version": stale_version})
    response = login(client, org.leader).post(f"/cases/{case.number}/act/return/",
                                              {"version": stale_version, "return-reason": "不归我们"})
    assert response.status_code == 409
    assert "已被他人处理" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == Case.State.HANDLING


def test_illegal_transition_through_the_page_is_409(client, org):
    case = journeys.to_registered(org)
    response = login(client, org.handler).post(f"/cases/{case.number}/act/accept/", {"version": case.version})
    assert response.status_code in (404, 409)  # the station does not see a case not yet dispatched to it
    case = journeys.to_replied(org)
    response = login(client, org.supervisor).post(f"/cases/{case.number}/act/archive/",
                                                  {"version": case.version})
    assert response.status_code == 409
    assert "回访" in response.content.decode()


def test_form_errors_on_an_action_are_shown_in_its_form(client, org):
    case = journeys.to_dispatched(org)
    response = login(client, org.handler).post(f"/cases/{case.number}/act/return/",
                                               {"version": case.version, "return-reason": ""})
    assert response.status_code == 400
    assert 'id="action-return" open' in response.content.decode().replace("\n", " ").replace("  ", " ") or \
        response.context["open_action"] == "return"


def test_anonymous_reporter_identity_is_hidden_from_the_unit(client, org):
    from complaints import services
    from tests.factories import case_received

    case = case_received(by=org.clerk, kind="report", anonymous=True, complainant_name="秘密举报人",
                         complainant_phone="")
    services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    unit_page = login(client, org.handler).get(f"/cases/{case.number}/").content.decode()
    assert "秘密举报人" not in unit_page and "身份保密" in unit_page
    assert "秘密举报人" in login(client, org.supervisor).get(f"/cases/{case.number}/").content.decode()


def test_dispatch_through_the_page_with_urgent_limit(client, org):
    case = journeys.to_registered(org, grade="urgent")
    login(client, org.supervisor)
    missing = client.post(f"/cases/{case.number}/act/dispatch/",
                          {"version": case.version, "dispatch-unit": org.station.pk})
    assert missing.status_code == 400
    ok = client.post(f"/cases/{case.number}/act/dispatch/", {
        "version": case.version, "dispatch-unit": org.station.pk,
        "dispatch-handling_limit_amount": 24, "dispatch-handling_limit_unit": "hours"})
    assert ok.status_code == 302
    clock = Case.objects.get(pk=case.pk).clocks.get(clock="handling")
    assert (clock.limit_amount, clock.limit_unit) == (24, "hours")


def test_dispatch_queue_lists_registered_cases_for_the_center(client, org):
    waiting = journeys.to_registered(org)
    dispatched = journeys.to_dispatched(org)
    page = login(client, org.supervisor).get("/cases/queue/").content.decode()
    assert waiting.number in page and dispatched.number not in page
    assert login(client, org.handler).get("/cases/queue/").status_code == 403


def test_a_file_gone_from_storage_is_a_clear_404_not_a_server_error(client, org, caplog):
    case = journeys.to_dispatched(org)
    login(client, org.handler).post(f"/cases/{case.number}/evidence/", {
        "file": SimpleUploadedFile("photo.png", b"png-bytes"), "description": "现场照片"})
    attachment = case.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    response = client.get(f"/cases/{case.number}/evidence/{attachment.pk}/")
    assert response.status_code == 404
    assert "evidence file missing from storage" in caplog.text


def test_a_file_name_storage_cannot_keep_gets_a_message_not_an_error_page(client, org):
    case = journeys.to_dispatched(org)
    response = login(client, org.handler).post(f"/cases/{case.number}/evidence/", {
        "file": SimpleUploadedFile("!!!", b"png-bytes")}, follow=True)
    assert response.status_code == 200
    assert "文件名无效" in response.content.decode()
    assert not case.attachments.exists()
