"""A platform's work order arrives whole (佛山 12345): its own receipt and due times, a complaint that
is also a report, unknown fields refused, and the case resource telling what the center sees."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.forms import IntakeForm
from complaints.models import Case, ProfessionalClaimant
from integration.models import ExternalCaseRef
from integration.services import external_cases_register
from routing.models import User
from tests.api.conftest import system_create
from tests.api.payloads import work_order
from tests.factories import UserFactory, time_limits_seed
from tests.foshan import foshan_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def fs(db):
    time_limits_seed()
    return foshan_city()


@pytest.fixture
def platform(fs):
    """佛山市12345政务服务便民热线, filing at the city center as an intake clerk."""
    user = UserFactory(username="svc-fs12345", unit=fs.center, role=User.Role.CLERK)
    return system_create(code="fs12345", user=user, channel="hotline_12345")


def foshan_order(reference="FS12345-20261201-0088", **overrides):
    return work_order(reference, **{
        "respondent_name": "佛山市南海区桂城某某健身会所", "respondent_area": "440605011",
        "incident_place": "桂城街道南海大道北68号", "facts": "办理年卡3680元,会所装修停业两个月未营业",
        "demand": "退还剩余年卡费用", **overrides})


def created(platform, body):
    response = platform.client.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def detail(platform, number):
    return platform.client.get(f"/api/v1/cases/{number}/").json()


def test_the_platforms_receipt_is_kept_while_the_statutory_clock_counts_from_ours(platform, fs, client):
    platform_received = timezone.now() - timedelta(days=3)
    before = timezone.now()
    number = created(platform, foshan_order(received_at=platform_received.isoformat()))["number"]
    case = Case.objects.get(number=number)
    assert case.received_at >= before  # our receipt, now
    origin = ExternalCaseRef.objects.get(case=case)
    assert abs(origin.platform_received_at - platform_received) < timedelta(seconds=1)
    statutory = case.clocks.get(clock="statutory_accept")
    assert statutory.started_at == case.received_at
    body = detail(platform, number)
    assert body["platform"]["reference"] == "FS12345-20261201-0088"
    assert body["platform"]["received_at"] is not None
    client.force_login(UserFactory(username="fs-supervisor", unit=fs.center, role=User.Role.SUPERVISOR))
    page = client.get(f"/cases/{number}/").content.decode()
    assert "平台接收时间" in page and timezone.localtime(platform_received).strftime("%Y-%m-%d %H:%M") in page


def test_the_platforms_due_time_is_a_clock_of_its_own(platform, fs, client):
    due = timezone.now() + timedelta(days=2)
    number = created(platform, foshan_order(platform_due_at=due.isoformat()))["number"]
    case = Case.objects.get(number=number)
    clock = case.clocks.get(clock="platform_due", stopped_at__isnull=True)
    assert abs(clock.due_at - due) < timedelta(seconds=1)
    # Earlier than the statutory 7 working days: it is the nearest deadline the case shows.
    nearest = case.clocks.filter(stopped_at__isnull=True).order_by("due_at").first()
    assert nearest.clock == "platform_due"
    clocks = {c["clock"]: c for c in detail(platform, number)["clocks"]}
    assert {"platform_due", "statutory_accept"} <= clocks.keys()
    client.force_login(UserFactory(username="fs-supervisor", unit=fs.center, role=User.Role.SUPERVISOR))
    assert "平台办结期限" in client.get(f"/cases/{number}/").content.decode()


@pytest.mark.postgres  # the stored nearest deadline is kept by PostgreSQL triggers
def test_the_case_stores_its_nearest_deadline_from_the_first_write(platform, fs):
    """The create writes the clocks before their case, so the case's insert trigger reads them:
    the inbox's order and tabs see the platform's due time the moment the work order arrives."""
    due = timezone.now() + timedelta(days=1)
    number = created(platform, foshan_order(platform_due_at=due.isoformat()))["number"]
    case = Case.objects.get(number=number)
    assert ExternalCaseRef.objects.get(case=case).registration_pending  # the worker has not touched it
    nearest = case.clocks.filter(stopped_at__isnull=True).order_by("due_at").first()
    assert nearest.clock == "platform_due" and case.next_due_at == nearest.due_at


def test_a_due_time_before_the_platforms_receipt_is_refused(platform):
    now = timezone.now()
    response = platform.client.post("/api/v1/cases/", foshan_order(
        received_at=(now - timedelta(hours=1)).isoformat(), platform_due_at=(now - timedelta(hours=2)).isoformat()),
        format="json")
    assert response.status_code == 400 and "platform_due_at" in response.json()


def test_also_report_makes_two_linked_cases(platform):
    body = created(platform, foshan_order(also_report=True, facts="会所虚假宣传“全年无休”,实际长期停业"))
    complaint = Case.objects.get(number=body["number"])
    assert complaint.kind == "complaint" and complaint.linked_case is not None
    report = complaint.linked_case
    assert report.kind == "report" and report.linked_case == complaint
    assert body["linked_case"] == report.number
    assert detail(platform, complaint.number)["linked_cases"] == [report.number]
    external_cases_register()
    complaint.refresh_from_db()
    report.refresh_from_db()
    assert complaint.state == report.state == "registered"


def test_also_report_on_a_consultation_is_refused(platform):
    response = platform.client.post("/api/v1/cases/", foshan_order(kind="consultation", also_report=True),
                                    format="json")
    assert response.status_code == 400 and "also_report" in response.json()
    assert not Case.objects.exists()


def test_an_unknown_field_is_refused_naming_it(platform):
    response = platform.client.post("/api/v1/cases/", foshan_order(complainant_wechat="wx_lisi", urgency="高"),
                                    format="json")
    assert response.status_code == 400
    assert {"complainant_wechat", "urgency"} <= response.json().keys()
    assert not Case.objects.exists()


def test_an_unknown_field_in_a_correction_is_refused(platform):
    number = created(platform, foshan_order(demand=""))["number"]
    response = platform.client.patch(f"/api/v1/cases/{number}/", {"demand": "退款", "remark": "催办"}, format="json")
    assert response.status_code == 400 and "remark" in response.json()
    assert Case.objects.get(number=number).demand == ""


def test_the_case_resource_returns_what_the_center_sees(platform, fs):
    ProfessionalClaimant.objects.create(name="王某", phone="13700137000")
    first = created(platform, foshan_order("FS12345-0001", complainant_phone="13700137000"))["number"]
    external_cases_register()
    second = created(platform, foshan_order("FS12345-0002", complainant_phone="13700137000"))["number"]
    missing = created(platform, foshan_order("FS12345-0003", demand="", incident_time=""))["number"]
    external_cases_register()
    body = detail(platform, second)
    assert body["routing"]["proposed_unit"] == "FS0501"
    assert "桂城" in body["routing"]["reason"]
    assert body["is_repeat"] is True and body["repeat_of"] == first
    assert body["professional_claimant"] is True
    assert body["cross_region"] is False and body["cross_region_notice"] is None
    assert body["linked_cases"] == [] and body["clusters"] == []
    assert detail(platform, missing)["missing_elements"] == ["何时", "何由（诉求）"]


def test_the_case_resource_shows_cross_region_and_its_notice(fs):
    # 南海区's own intake desk files, over the API, a complaint about a shop in 禅城区.
    user = UserFactory(username="svc-nanhai", unit=fs.guicheng, role=User.Role.CLERK)
    desk = system_create(code="nanhai-desk", user=user, channel="visit")
    number = created(desk, foshan_order(respondent_area="440604010", respondent_name="佛山市禅城区某某美容院"))["number"]
    external_cases_register()
    body = detail(desk, number)
    assert body["cross_region"] is True
    assert body["cross_region_notice"]["target_unit"] == "FS04"
    assert body["routing"]["proposed_unit"] == "FS0401"


@pytest.mark.parametrize("bad, field", [
    ({"complainant_phone": "abc"}, "complainant_phone"),
    ({"respondent_credit_code": "X"}, "respondent_credit_code"),
    ({"anonymous": True}, "anonymous"),
    ({"complainant_name": ""}, "complainant_name"),
    ({"complainant_phone": ""}, "complainant_phone"),
])
def test_the_forms_rules_refuse_the_same_bad_values_over_the_api(platform, fs, bad, field):
    response = platform.client.post("/api/v1/cases/", foshan_order(**bad), format="json")
    assert response.status_code == 400 and field in response.json()
    # The clerk's intake form refuses the same value on the same field, with the same message.
    data = {**foshan_order(**bad), "channel": "phone", "grade": "general", "complainant_type": "individual",
            "respondent_area": fs.areas["440605011"].pk}
    form = IntakeForm(data={k: v for k, v in data.items() if v is not False})
    assert not form.is_valid() and field in form.errors
    assert response.json()[field][0] in form.errors[field]
    assert not Case.objects.exists()


def test_an_anonymous_complaint_with_a_bad_phone_and_credit_code_is_refused_whole(platform):
    response = platform.client.post("/api/v1/cases/", foshan_order(
        anonymous=True, complainant_name="", complainant_phone="abc", respondent_credit_code="X"), format="json")
    assert response.status_code == 400
    assert {"anonymous", "complainant_phone", "respondent_credit_code"} <= response.json().keys()
    assert not Case.objects.exists()


def test_a_weibo_post_missing_its_demand_stays_received(platform):
    number = created(platform, foshan_order(kind="weibo", demand=""))["number"]
    external_cases_register()
    case = Case.objects.get(number=number)
    assert case.state == "received" and case.missing_elements == ["何由（诉求）"]
    platform.client.patch(f"/api/v1/cases/{number}/", {"demand": "要求商家道歉并退款"}, format="json")
    external_cases_register()
    case.refresh_from_db()
    assert case.state == "registered"
