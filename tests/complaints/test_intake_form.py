"""The clerk's intake page: field-by-field errors, nothing typed is lost, linked complaint+report."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Case
from tests.factories import case_fields

pytestmark = pytest.mark.django_db

FIVE = ["incident_time", "incident_place", "respondent_name", "facts", "demand"]


def post_intake(client, submit="register", **overrides):
    data = {**case_fields(), "grade": "general", "complainant_type": "individual", "submit": submit}
    data.update(overrides)
    return client.post("/cases/new/", {k: v for k, v in data.items() if v is not None})


@pytest.fixture
def clerk_client(client, org):
    client.force_login(org.clerk)
    return client


def test_intake_page_is_in_chinese(clerk_client):
    page = clerk_client.get("/cases/new/").content.decode()
    assert "登记投诉举报" in page and "五要素" in page and "被投诉/举报人" in page


@pytest.mark.parametrize("element", FIVE)
def test_each_missing_element_is_shown_on_its_field_and_nothing_is_lost(clerk_client, element):
    response = post_intake(clerk_client, **{element: ""})

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [element]
    assert "五要素" in form.errors[element][0]
    page = response.content.decode()
    assert f'data-field="{element}"' in page
    # what the clerk typed in the other fields is still there
    for other in FIVE:
        if other != element:
            assert case_fields()[other] in page
    assert Case.objects.count() == 0


def test_receive_only_keeps_an_incomplete_case_with_what_is_missing(clerk_client):
    response = post_intake(clerk_client, submit="receive", incident_place="", demand="")
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.state == Case.State.RECEIVED
    page = clerk_client.get(f"/cases/{case.number}/").content.decode()
    assert "缺少：何地、何由（诉求）" in page


@pytest.mark.parametrize("phone", ["1380013800", "23800138000", "abc", "010-123"])
def test_bad_phone_number_is_refused(clerk_client, phone):
    response = post_intake(clerk_client, complainant_phone=phone)
    assert response.status_code == 400
    assert "电话号码格式不正确" in response.context["form"].errors["complainant_phone"][0]
    assert phone in response.content.decode()


@pytest.mark.parametrize("phone", ["13800138000", "0750-3501234", "075012345678"])
def test_good_phone_numbers_are_accepted(clerk_client, phone):
    assert post_intake(clerk_client, complainant_phone=phone).status_code == 302


def test_anonymous_reporter_needs_no_name_or_phone(clerk_client):
    response = post_intake(clerk_client, kind="report", anonymous="on", complainant_name="", complainant_phone="")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.anonymous and case.kind == Case.Kind.REPORT and case.state == Case.State.REGISTERED


def test_a_complaint_cannot_be_anonymous(clerk_client):
    response = post_intake(clerk_client, anonymous="on", complainant_name="", complainant_phone="")
    assert response.status_code == 400
    assert "只有举报可以匿名" in response.context["form"].errors["anonymous"][0]


def test_named_complainant_needs_a_phone(clerk_client):
    response = post_intake(clerk_client, complainant_phone="")
    assert "请填写联系电话" in response.context["form"].errors["complainant_phone"][0]


def test_complaint_and_report_become_two_linked_cases(clerk_client):
    response = post_intake(clerk_client, also_report="on")
    complaint = Case.objects.get(kind="complaint")
    report = Case.objects.get(kind="report")
    assert response["Location"] == f"/cases/{complaint.number}/"
    assert complaint.linked_case == report
    page = clerk_client.get(response["Location"]).content.decode()
    assert report.number in page


def test_attachments_are_kept_as_evidence(clerk_client):
    upload = SimpleUploadedFile("receipt.jpg", b"\xff\xd8fake-jpeg", content_type="image/jpeg")
    data = {**case_fields(), "grade": "general", "complainant_type": "individual", "submit": "register",
            "attachments": [upload]}
    clerk_client.post("/cases/new/", data)
    case = Case.objects.get()
    assert case.attachments.count() == 1
    assert case.events.filter(action="evidence").exists()


@pytest.mark.parametrize("submit, state", [("register", "已登记"), ("receive", "已接收")])
def test_the_confirmation_names_the_state_once(clerk_client, submit, state):
    post_intake(clerk_client, submit=submit)
    case = Case.objects.get()
    page = clerk_client.get(f"/cases/{case.number}/").content.decode()
    assert f"工单 {case.number} {state}，查询码 {case.query_code}" in page
    assert "已已" not in page
