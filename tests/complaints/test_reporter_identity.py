"""An anonymous reporter's identity never reaches the handling unit (SPEC §3; Order 20 art. 33).

The walk below requests every URL pattern of the project, as every user and key of the handling
side, and looks for the reporter's distinctive values in whatever comes back (pages, JSON, Excel
exports). A page added later is walked without editing this test."""
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from complaints import services
from complaints.forms import CaseDetailsForm
from complaints.models import Case, CaseEvent
from routing.models import User
from tests.api.conftest import system_create
from tests.factories import CategoryFactory, UserFactory, case_fields

pytestmark = pytest.mark.django_db

NAME = "欧阳保密"
PHONE = "13912340987"
ADDRESS = "江门市蓬江区杜阮镇保密路99号"
ID_NUMBER = "440703198807151234"
# Values the report held before the clerk corrected them, and one from a history row written by an
# older version of the system (before identity changes were masked when written).
FIRST_PHONE = "13977770001"
FIRST_ID_NUMBER = "440703198807150000"
LEGACY_PHONE = "13966660002"
SECRETS = [NAME, PHONE, ADDRESS, ID_NUMBER, FIRST_PHONE, FIRST_ID_NUMBER, LEGACY_PHONE]
NONSENSE = "无此关键词"
QUERY_VARIANTS = [{}, {"q": PHONE}, {"q": NONSENSE}, {"export": "xlsx"}]
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@pytest.fixture
def anonymous_report(org):
    """A real-name-withheld report about a food shop, corrected after receipt, dispatched to the
    station and in handling there, with evidence; and later a named complaint from the same phone
    about the same shop, handled in another district."""
    food = CategoryFactory(code="0101", name="食品安全")
    report = services.case_receive(by=org.clerk, register=False, fields=case_fields(
        kind=Case.Kind.REPORT, anonymous=True, complainant_name=NAME, complainant_phone=FIRST_PHONE,
        complainant_address=ADDRESS, complainant_id_number=FIRST_ID_NUMBER, category=food,
        respondent_name="江门市蓬江区某某食品商行", incident_place="蓬江区白沙大道东88号",
        facts="该商行销售过期预包装食品,货架上多款饼干已过保质期仍在售卖", demand="依法查处"))[0]
    services.case_update_details(case=report, by=org.clerk,
                                 fields={"complainant_phone": PHONE, "complainant_id_number": ID_NUMBER})
    CaseEvent.objects.create(case=report, action=CaseEvent.Action.UPDATE, note="修改字段：联系电话",
                             data={"changed": {"complainant_phone": {"from": LEGACY_PHONE, "to": PHONE}}})
    services.case_register(case=report, by=org.clerk)
    services.case_dispatch(case=report, unit=org.station, by=org.supervisor)
    services.case_accept(case=report, by=org.handler)
    services.case_record_contact(case=report, by=org.handler, means="phone", content="经中心转达,已联系举报人")
    services.case_attachment_add(case=report, by=org.handler, file=SimpleUploadedFile("现场.jpg", b"jpeg"))
    complaint = services.case_receive(by=org.clerk, fields=case_fields(
        complainant_name="陈明", complainant_phone=PHONE, category=food,
        respondent_name="江门市蓬江区某某食品商行", facts="购买的饼干已过期,要求退款", demand="退款"))[0]
    services.case_dispatch(case=complaint, unit=org.far_station, by=org.supervisor)
    return SimpleNamespace(report=Case.objects.get(pk=report.pk), complaint=Case.objects.get(pk=complaint.pk))


def _url_patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _url_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _paths(values: dict) -> list[str]:
    """Every project URL with its parameters filled in from `values` (unknown ones get "1");
    regular-expression patterns (the admin's catch-alls) are left out."""
    paths = []
    for pattern in _url_patterns():
        if pattern.startswith("admin/") or "^" in pattern or "(?P" in pattern:
            continue  # the admin is for is_staff users only (checked below); regexes match anything
        if pattern == "health/":
            continue  # answers 503 by design while the deadline sweep has not run (tests/operations/)
        paths.append("/" + PARAMETER.sub(lambda m: str(values.get(m["name"], "1")), pattern))
    return paths


def _readable(response) -> str:
    """What a reader of the response gets, as text: an Excel workbook is unpacked."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            return "".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist()
                           if name.endswith(".xml"))
    return body.decode("utf-8", "replace")


def _walk(client, paths, *, secrets=SECRETS, hidden_numbers=(), searched_number=None) -> int:
    """Request every path with every query variant and fail on any leak: a secret value, a case
    number the viewer must not learn of, or `searched_number` found by a search for the reporter's
    phone that a search for nonsense does not find. Returns the number of requests made."""
    made = 0
    for path in paths:
        bodies = {}
        for query in QUERY_VARIANTS:
            response = client.get(path, query)
            made += 1
            assert response.status_code < 500, (path, query, response.status_code)
            text = bodies[query.get("q") or query.get("export") or ""] = _readable(response)
            for secret in secrets:
                if secret in query.values():
                    continue  # what the viewer typed is shown back to them (the search box)
                assert secret not in text, f"{secret} leaks at {path} {query}"
            for number in hidden_numbers:
                assert number not in text, f"case {number} is named at {path} {query}"
        if searched_number:
            found_by_phone = searched_number in bodies[PHONE] and searched_number not in bodies[NONSENSE]
            assert not found_by_phone, f"a search by the reporter's phone finds the report at {path}"
    return made


def _values(case: Case) -> dict:
    return {"number": case.number, "attachment_id": case.attachments.get().pk, "action_name": "contact",
            "request_id": case.number}


@pytest.mark.parametrize("viewer", ["handler", "leader", "district_supervisor"])
def test_no_page_shows_the_anonymous_reporter_to_the_handling_side(client, org, anonymous_report, viewer):
    user = getattr(org, viewer)
    client.force_login(user)
    case = anonymous_report.report
    assert client.get(f"/cases/{case.number}/").status_code == 200  # the case itself is theirs to see
    made = _walk(client, _paths(_values(case)), hidden_numbers=[anonymous_report.complaint.number],
                 searched_number=case.number)
    assert made >= len(QUERY_VARIANTS) * 50  # the walk really went through the project's pages
    assert client.get("/admin/").status_code == 302  # not staff: the admin sends them to log in


def test_no_api_response_shows_the_anonymous_reporter_to_a_handling_units_key(org, anonymous_report):
    tool = system_create(code="baisha-tool", user=UserFactory(username="svc-baisha", unit=org.station,
                                                             role=User.Role.HANDLER))
    case = anonymous_report.report
    assert tool.client.get(f"/api/v1/cases/{case.number}/").status_code == 200
    paths = [p for p in _paths(_values(case)) if p.startswith(("/api/", "/open311/"))]
    _walk(tool.client, paths, hidden_numbers=[anonymous_report.complaint.number], searched_number=case.number)


def test_the_complaint_from_the_same_phone_is_not_linked_to_the_report(org, anonymous_report):
    complaint, report = anonymous_report.complaint, anonymous_report.report
    assert not complaint.is_repeat and complaint.repeat_of is None
    for one, other in ((complaint, report), (report, complaint)):
        assert not any(other.number in event.note for event in one.events.all())
    far = Client()
    far.force_login(org.far_handler)  # handles the named complaint: nothing there names the report
    _walk(far, [f"/cases/{complaint.number}/", "/inbox/", "/cases/", f"/api/v1/cases/{complaint.number}/"],
          secrets=[], hidden_numbers=[report.number])  # the complaint's own phone is the far unit's to see


def test_the_center_and_the_registering_unit_still_see_the_reporter(client, org, anonymous_report):
    case = anonymous_report.report
    client.force_login(org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert NAME in page and PHONE in page
    assert client.get("/api/v1/cases/", {"reference": ""}).status_code == 200
    detail = client.get(f"/api/v1/cases/{case.number}/").json()
    assert detail["complainant_phone"] == PHONE and detail["complainant_id_number"] == ID_NUMBER
    assert case.number in client.get("/cases/", {"q": PHONE}).content.decode()
    # The correction's values are kept out of the history even for the center (the change itself is kept).
    update = next(e for e in detail["history"] if e["action"] == "update" and "complainant_id_number" in
                  e["data"].get("changed", {}))
    assert update["data"]["changed"]["complainant_phone"] == {"from": "***", "to": "***"}


def test_the_handling_unit_may_not_open_the_edit_form(client, org, anonymous_report):
    client.force_login(org.handler)
    response = client.get(f"/cases/{anonymous_report.report.number}/edit/")
    assert response.status_code == 403
    assert PHONE not in response.content.decode()


def test_the_details_form_leaves_the_identity_out_for_who_may_not_see_it(org, anonymous_report):
    form = CaseDetailsForm(instance=anonymous_report.report, registering=False, identity_visible=False)
    html = str(form)
    assert not any(secret in html for secret in SECRETS)
    assert "complainant_phone" not in form.fields and "anonymous" not in form.fields


def test_who_may_not_see_the_identity_may_not_rewrite_it(org):
    report = services.case_receive(by=org.clerk, register=False, fields=case_fields(
        kind=Case.Kind.REPORT, anonymous=True, complainant_name=NAME, complainant_phone=PHONE))[0]
    district_clerk = UserFactory(username="district-clerk", unit=org.district, role=User.Role.CLERK)
    with pytest.raises(PermissionDenied):
        services.case_update_details(case=report, by=district_clerk, fields={"complainant_phone": "13800000000"})
    report.refresh_from_db()
    assert report.complainant_phone == PHONE
