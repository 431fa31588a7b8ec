"""The center enters next year's State Council notice in the admin, and deadlines can be counted."""
from datetime import date

import pytest

from deadlines.models import HolidaySchedule
from deadlines.workdays import load_calendar
from routing.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.cn", "pw"))
    return client


def test_policy_and_calendar_pages_open(admin_client):
    for url in [
        "/admin/deadlines/holidayschedule/",
        "/admin/deadlines/holidayschedule/add/",
        "/admin/deadlines/calendarday/",
        "/admin/deadlines/timelimit/?clock__exact=statutory_accept",
    ]:
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get("/admin/deadlines/timelimit/").content.decode()
    assert "第121号" in page and "12315工作规范" in page


def test_entering_the_2027_notice_with_its_days_makes_2027_countable(admin_client):
    response = admin_client.post("/admin/deadlines/holidayschedule/add/", {
        "year": 2027, "notice": "国办发明电〔2026〕x号", "note": "",
        "days-TOTAL_FORMS": 2, "days-INITIAL_FORMS": 0,
        "days-0-date": "2027-01-01", "days-0-name": "元旦",
        "days-1-date": "2027-02-06", "days-1-is_workday": "on", "days-1-name": "调休上班",
    })
    assert response.status_code == 302
    calendar = load_calendar()
    assert calendar.year_known(2027)
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 2, 6))


def test_a_day_filed_under_the_wrong_years_notice_is_refused(admin_client):
    schedule = HolidaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕x号")
    response = admin_client.post("/admin/deadlines/calendarday/add/", {
        "date": "2026-05-01", "schedule": schedule.pk, "name": "劳动节",
    })
    assert response.status_code == 200  # form shown again with the error
    assert "日期不在所属安排的年份内" in response.content.decode()
