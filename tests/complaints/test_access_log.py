"""Every showing of a complainant's or reporter's identity is logged (who, when, case, fields, door,
address); a reporter's identity seen outside the handling unit and the center is an alert; the
center searches the log on its own page (Order 20 art. 33)."""
import pytest
from django.test import Client

from complaints.models import Case, PersonalDataAccess
from tests.factories import case_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(org):
    case = case_received(by=org.clerk, kind=Case.Kind.REPORT, complainant_name="李举报", anonymous=False,
                         complainant_phone="13800138111", respondent_name="蓬江区某超市",
                         facts="销售过期食品", demand="依法查处")
    Case.objects.filter(pk=case.pk).update(handling_unit=org.station)
    case.refresh_from_db()
    return case


def _view(user, path, **extra):
    client = Client(**extra)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response


def test_the_center_viewing_a_reporters_identity_is_logged_without_alert(org, report):
    page = _view(org.supervisor, f"/cases/{report.number}/", REMOTE_ADDR="10.20.30.40").content.decode()
    assert "李举报" in page
    entry = PersonalDataAccess.objects.get(case=report)
    assert entry.user == org.supervisor and entry.unit == org.center
    assert entry.fields == ["complainant_name", "complainant_phone"]
    assert entry.channel == PersonalDataAccess.Channel.PAGE and entry.ip == "10.20.30.40"
    assert entry.path == f"/cases/{report.number}/" and entry.reporter and not entry.alert


def test_the_handling_unit_is_logged_and_a_district_center_viewing_a_reporter_is_an_alert(org, report):
    _view(org.handler, f"/cases/{report.number}/")
    _view(org.district_supervisor, f"/cases/{report.number}/")
    by_user = {e.user.username: e for e in PersonalDataAccess.objects.filter(case=report)}
    assert not by_user["handler"].alert
    assert by_user["district"].alert and by_user["district"].unit == org.district


def test_a_complainants_identity_seen_anywhere_is_logged_but_not_an_alert(org):
    complaint = case_received(by=org.clerk, complainant_name="王投诉")
    Case.objects.filter(pk=complaint.pk).update(handling_unit=org.station)
    _view(org.district_supervisor, f"/cases/{complaint.number}/")
    entry = PersonalDataAccess.objects.get(case=complaint)
    assert not entry.reporter and not entry.alert


def test_an_api_read_is_logged_as_such(org, report):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(org.handler)
    assert client.get(f"/api/v1/cases/{report.number}/").json()["complainant_name"] == "李举报"
    entry = PersonalDataAccess.objects.get(case=report)
    assert entry.channel == PersonalDataAccess.Channel.API and entry.user == org.handler


def test_a_hidden_identity_is_not_logged(org):
    anonymous = case_received(by=org.clerk, kind=Case.Kind.REPORT, complainant_name="匿名人", anonymous=True,
                              complainant_phone="13800138222")
    Case.objects.filter(pk=anonymous.pk).update(handling_unit=org.station)
    assert "匿名人" not in _view(org.handler, f"/cases/{anonymous.number}/").content.decode()
    assert not PersonalDataAccess.objects.filter(case=anonymous).exists()


def test_the_center_searches_the_log_and_sees_the_alerts(org, report):
    _view(org.district_supervisor, f"/cases/{report.number}/")
    _view(org.handler, f"/cases/{report.number}/")
    page = _view(org.supervisor, "/audit/personal-data/").content.decode()
    assert "异常查看提醒" in page and report.number in page and "蓬江区12315受理中心" in page
    found = _view(org.supervisor, f"/audit/personal-data/?username=handler&number={report.number}").content
    assert found.decode().count('<tr class="alert-row">') == 1  # the alert list; the search shows the handler only
    assert "白沙市场监管所" in found.decode()
    only_alerts = _view(org.supervisor, "/audit/personal-data/?alerts_only=on").content.decode()
    assert "白沙市场监管所</td>" not in only_alerts.split("查询")[-1]


def test_only_the_centers_supervisors_open_the_log(org):
    for user in (org.handler, org.district_supervisor, org.clerk):
        client = Client()
        client.force_login(user)
        assert client.get("/audit/personal-data/").status_code == 403


def test_the_django_admins_case_page_shows_identity_only_as_allowed_and_logs_each_showing(org, report):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True, unit=org.center)
    page = _view(root, f"/admin/complaints/case/{report.pk}/change/", REMOTE_ADDR="10.9.8.7").content.decode()
    assert "李举报" in page and "13800138111" in page
    entry = PersonalDataAccess.objects.get(case=report)
    assert entry.user == root and entry.ip == "10.9.8.7" and entry.path == f"/admin/complaints/case/{report.pk}/change/"
    assert entry.fields == ["complainant_name", "complainant_phone"]

    # Staff outside the center with the admin's view permission: an anonymous reporter stays hidden
    # (and nothing is logged for them); a named one is shown and logged, as an alert.
    outsider = UserFactory(username="far-admin", is_staff=True, unit=org.far_station, role="handler")
    outsider.user_permissions.add(Permission.objects.get(codename="view_case"))
    Case.objects.filter(pk=report.pk).update(anonymous=True)
    hidden = _view(outsider, f"/admin/complaints/case/{report.pk}/change/").content.decode()
    assert "李举报" not in hidden and "13800138111" not in hidden and report.number in hidden
    assert not PersonalDataAccess.objects.filter(user=outsider).exists()
    # Nor can they find it by the reporter's phone in the admin's list (the center can).
    assert report.number not in _view(outsider, "/admin/complaints/case/?q=13800138111").content.decode()
    assert report.number in _view(root, "/admin/complaints/case/?q=13800138111").content.decode()
    Case.objects.filter(pk=report.pk).update(anonymous=False)
    _view(outsider, f"/admin/complaints/case/{report.pk}/change/")
    assert PersonalDataAccess.objects.get(user=outsider).alert
