"""Evidence over the API: a platform adds its recordings to the work order it filed, anyone who may
see the case lists and downloads them, nobody else even learns they exist."""
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Case, CaseEvent
from routing.models import User
from tests.api.conftest import system_create, user_client
from tests.api.payloads import work_order
from tests.complaints import journeys
from tests.factories import UserFactory

CASES = "/api/v1/cases/"
RECORDING = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256))


def _filed(system) -> Case:
    response = system.client.post(CASES, work_order(), format="json")
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["number"])


def _upload(client, case, name="call-20261118.wav", content=RECORDING, **data):
    return client.post(f"{CASES}{case.number}/evidence/",
                       {"file": SimpleUploadedFile(name, content, content_type="audio/wav"), **data},
                       format="multipart")


def _download(client, url, **headers):
    response = client.get(url, **headers)
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_the_platform_adds_its_call_recording_and_it_is_listed_and_downloaded(hotline, org, client):
    case = _filed(hotline)
    response = _upload(hotline.client, case, description="12345来电录音")
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["name"], added["size"], added["description"]) == ("call-20261118.wav", len(RECORDING),
                                                                      "12345来电录音")
    assert response["Location"] == added["url"]

    listed = hotline.client.get(f"{CASES}{case.number}/evidence/").json()
    assert [item["id"] for item in listed] == [added["id"]]
    response, content = _download(hotline.client, listed[0]["url"], HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200 and content == RECORDING
    assert "call-20261118.wav" in response["Content-Disposition"]
    # It is the case's evidence like any other: in its history, and on its page for the clerk.
    assert CaseEvent.objects.filter(case=case, action="evidence", actor=hotline.system.acting_user).exists()
    client.force_login(org.clerk)
    assert _download(client, f"/cases/{case.number}/evidence/{added['id']}/")[1] == RECORDING


def test_the_handling_unit_adds_and_reads_evidence_of_its_case(org, station_tool):
    case = journeys.to_handling(org)
    assert _upload(station_tool.client, case, name="receipt.jpg", content=b"\xff\xd8jpeg").status_code == 201
    listed = station_tool.client.get(f"{CASES}{case.number}/evidence/").json()
    assert [item["name"] for item in listed] == ["receipt.jpg"]


def test_another_units_case_and_its_evidence_are_404(org, station_tool):
    case = journeys.to_dispatched(org)
    response = _upload(station_tool.client, case)
    assert response.status_code == 201
    url = response.json()["url"]
    far = system_create(code="huicheng-tool",
                        user=UserFactory(username="svc-huicheng", unit=org.far_station, role=User.Role.HANDLER))
    assert far.client.get(f"{CASES}{case.number}/evidence/").status_code == 404
    assert _download(far.client, url)[0].status_code == 404
    assert _upload(far.client, case).status_code == 404
    assert case.attachments.count() == 1
    # Nor is an attachment reached through another case the caller does see.
    own = journeys.to_dispatched(org)
    other_case_url = f"{CASES}{own.number}/evidence/{case.attachments.get().pk}/"
    assert _download(station_tool.client, other_case_url)[0].status_code == 404


def test_scopes_decide_who_adds_and_who_reads(hotline, org):
    case = _filed(hotline)
    reader = system_create(code="reader", user=hotline.system.acting_user, scopes=["cases:read"])
    response = _upload(reader.client, case)
    assert response.status_code == 403
    # cases:create covers the work orders the system filed, not the cases of others...
    filer = system_create(code="filer", user=hotline.system.acting_user, scopes=["cases:create"])
    assert _upload(filer.client, case).status_code == 403
    assert filer.client.get(f"{CASES}{case.number}/evidence/").status_code == 403  # reading needs cases:read
    # ...which cases:act reaches, as far as the acting user sees.
    actor = system_create(code="actor", user=hotline.system.acting_user, scopes=["cases:act"])
    assert _upload(actor.client, case).status_code == 201
    assert case.attachments.count() == 1


def test_the_acting_users_role_must_allow_evidence(org):
    case = journeys.to_dispatched(org)
    viewer = UserFactory(username="viewer", unit=org.center, role="")  # sees the case, holds no role
    assert _upload(user_client(viewer), case).status_code == 403


def test_an_ended_case_takes_no_more_evidence(org, center_tool):
    for case in (journeys.to_archived(org), journeys.to_declined(org)):
        response = _upload(center_tool.client, case)
        assert response.status_code == 400
        assert "file" in response.json()
        assert not case.attachments.exists()


def test_bad_uploads_are_400_naming_the_file(org, center_tool):
    case = journeys.to_dispatched(org)
    url = f"{CASES}{case.number}/evidence/"
    assert "file" in center_tool.client.post(url, {"description": "没有文件"}, format="multipart").json()
    assert "file" in _upload(center_tool.client, case, content=b"").json()  # empty, as the page refuses
    assert "file" in _upload(center_tool.client, case, name="!!!").json()  # no usable name left
    assert "file" in _upload(center_tool.client, case, name="a." + "x" * 150).json()  # cannot be stored
    assert "description" in _upload(center_tool.client, case, description="长" * 201).json()
    assert "file" in center_tool.client.post(url, {"file": "not-a-file"}, format="json").json()
    assert not case.attachments.exists()


def test_the_schema_documents_evidence(db, center_tool):
    paths = center_tool.client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    evidence = paths["/api/v1/cases/{number}/evidence/"]
    assert {"get", "post"} <= set(evidence)
    upload = evidence["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["$ref"].endswith("/EvidenceInput")
    download = paths["/api/v1/cases/{number}/evidence/{attachment_id}/"]["get"]
    assert "application/octet-stream" in download["responses"]["200"]["content"]
