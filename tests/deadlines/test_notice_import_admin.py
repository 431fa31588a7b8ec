"""The center pastes the State Council's notice in the admin, checks the year's calendar, confirms,
and the clocks that were waiting for that year get their deadlines."""
import re
from datetime import date, datetime
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from deadlines.models import CalendarDay, HolidaySchedule
from deadlines.workdays import load_calendar
from routing.models import User
from tests.celery_support import wait_for
from tests.complaints import journeys

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/admin/deadlines/holidayschedule/import/"
TEXT_2027 = (Path(__file__).parent / "notices" / "notice_2027_test.txt").read_text(encoding="utf-8")


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.cn", "pw"))
    return client


def form(text=TEXT_2027, **extra):
    return {"year": "", "notice": "国办发明电〔2026〕（测试）号", "published_on": "2026-11-05", "text": text,
            **extra}


def confirm(admin_client, text=TEXT_2027):
    preview = admin_client.post(URL, form(text, step="preview"))
    return admin_client.post(URL, form(text, step="confirm", previewed=preview.context["previewed"]))


@pytest.mark.django_db
def test_the_list_links_to_the_import_and_preview_marks_every_day_without_saving(admin_client):
    assert URL in admin_client.get("/admin/deadlines/holidayschedule/").content.decode()
    page = admin_client.post(URL, form(step="preview")).content.decode()
    assert "2027年：放假28天，调休上班5天" in page
    for day in ["2027-01-01", "2027-02-05", "2027-02-12", "2027-06-09", "2027-10-07"]:
        assert re.search(rf'class="holiday" title="[^"]+" data-date="{day}"', page), day
    assert 'class="makeup" title="春节" data-date="2027-02-13"' in page
    assert 'id="notice-confirm"' in page
    assert not HolidaySchedule.objects.exists() and not CalendarDay.objects.exists()
    assert not load_calendar().year_known(2027)


@pytest.mark.django_db
def test_a_mistake_shows_its_line_keeps_the_text_and_saves_nothing(admin_client):
    wrong = TEXT_2027.replace("4月3日（周六）", "4月3日（周五）")
    response = admin_client.post(URL, form(wrong, step="confirm"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "第6行：4月3日是周六，文中写的是周五。（三、清明节：4月3日（周五）至5日（周一）放假，共3天。）" in page
    assert "4月3日（周五）至5日" in page  # the textarea keeps what was pasted
    assert 'id="notice-confirm"' not in page
    assert not HolidaySchedule.objects.exists() and not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_confirm_saves_the_year_as_previewed_only(admin_client, django_capture_on_commit_callbacks):
    # A confirm without the preview it confirms (or of another text) is shown as a preview first.
    unconfirmed = admin_client.post(URL, form(step="confirm", previewed="x"))
    assert unconfirmed.status_code == 200 and not HolidaySchedule.objects.exists()

    with mock.patch("deadlines.tasks.clocks_reschedule_task.delay") as recount, \
            django_capture_on_commit_callbacks(execute=True):
        response = confirm(admin_client)
    schedule = HolidaySchedule.objects.get(year=2027)
    assert response.status_code == 302 and response.url.endswith(f"/{schedule.pk}/change/")
    assert schedule.notice == "国办发明电〔2026〕（测试）号" and schedule.notice_text == TEXT_2027.strip()
    recount.assert_called_once_with("2027-01-01")
    calendar = load_calendar()
    assert calendar.year_source(2027) == "center"
    holidays, makeup = calendar.year_special_days(2027)
    assert len(holidays) == 28 and makeup == [date(2027, 2, 13), date(2027, 4, 25), date(2027, 5, 8),
                                             date(2027, 9, 26), date(2027, 10, 9)]
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert CalendarDay.objects.get(date=date(2027, 2, 13)).name == "春节调休上班"


@pytest.mark.django_db
def test_importing_again_replaces_the_years_rows(admin_client):
    schedule = HolidaySchedule.objects.create(year=2027, notice="旧文号")
    CalendarDay.objects.create(date=date(2027, 3, 1), is_workday=False, name="误录", schedule=schedule)
    CalendarDay.objects.create(date=date(2027, 3, 2), is_workday=False, name="单日调整")
    preview = admin_client.post(URL, form(step="preview")).content.decode()
    assert "将替换已录入的2027年安排（旧文号）" in preview and "另有1条单日调整" in preview
    with mock.patch("deadlines.tasks.clocks_reschedule_task.delay"):
        confirm(admin_client)
    assert HolidaySchedule.objects.get().notice == "国办发明电〔2026〕（测试）号"
    assert not CalendarDay.objects.filter(date__in=[date(2027, 3, 1), date(2027, 3, 2)]).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 33


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_2027_text_entered_in_the_admin_makes_a_waiting_clock_count(org, time_limits, celery_worker_process,
                                                                     admin_client):
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 12, 21, 9, 0, tzinfo=SHANGHAI)):
        case = journeys.to_registered(org)
        # 受理 starts the statutory mediation clock, which runs into 2027.
        services.case_accept_complaint(case=case, by=org.supervisor)
    waiting = case.clocks.get(clock="statutory_mediation")
    assert waiting.due_date is None and "2027" in waiting.pending_reason

    assert confirm(admin_client).status_code == 302

    def counted():
        waiting.refresh_from_db()
        return waiting.due_date is not None
    logs = "\n".join(p.read_text()[-2000:] for p in sorted(celery_worker_process.glob("*.log")))
    assert wait_for(counted, timeout=30), f"the worker did not recount; logs:\n{logs}"
    # 45 working days from 2026-12-21: weekends alone would give 2027-02-22; the text's 元旦 (1 day)
    # and 春节 (6 weekdays, less the make-up Saturday) move it six working days on.
    assert (waiting.limit_amount, waiting.limit_unit) == (45, "working_days")
    assert waiting.pending_reason == "" and waiting.due_date == date(2027, 3, 2)
