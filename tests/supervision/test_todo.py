"""The center's to-do list (中心待办), the notices that tell the center work has arrived, and the
everyday edges of the action pages (GET on an action URL, errors at the top, one case per form)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import Case, CrossRegionNotice, Notification
from deadlines.models import CaseClock
from routing.models import User
from supervision.models import SupervisionSettings
from supervision.todo import center_todo, center_todo_count
from tests.complaints import journeys
from tests.factories import UserFactory, case_fields

pytestmark = pytest.mark.django_db


def _section(user, name):
    return next(s for s in center_todo(user=user) if s["kind"].name == name)


def test_extension_return_and_reply_wait_in_the_to_do_oldest_first(org):
    extension_case = journeys.to_handling(org)
    services.case_request_extension(case=extension_case, by=org.handler, days=5, reason="需等待检测报告")
    returned = journeys.to_dispatched(org)
    services.case_return(case=returned, by=org.handler, reason="被投诉人位于环市街道，不属本所管辖")
    replied = journeys.to_replied(org)
    assert [r.case for r in _section(org.supervisor, "extensions")["rows"]] == [extension_case]
    row = _section(org.supervisor, "returns")["rows"][0]
    assert row == returned and row.returned_by_name == org.station.name and "环市街道" in row.returned_reason
    assert _section(org.supervisor, "replies")["rows"] == [replied]
    assert center_todo_count(user=org.supervisor) >= 3
    # The district center sees what concerns its own units.
    assert [r.case for r in _section(org.district_supervisor, "extensions")["rows"]] == [extension_case]
    assert center_todo_count(user=org.handler) == 0


def test_supervisors_and_per_the_rules_the_director_are_told_of_arrivals(org):
    director = UserFactory(username="director", unit=org.center, role=User.Role.DIRECTOR)
    case = journeys.to_handling(org)
    services.case_request_extension(case=case, by=org.handler, days=3, reason="需现场核查")
    told = set(Notification.objects.filter(case=case, kind=Notification.Kind.EXTENSION)
               .values_list("recipient_user__username", flat=True))
    assert told == {"supervisor", "district", "director"}  # 督办规则: director told of extensions by default
    settings = SupervisionSettings.current()
    settings.tell_director_of_replies = False
    settings.save()
    replied = journeys.to_replied(org)
    told = set(Notification.objects.filter(case=replied, title__contains="已答复")
               .values_list("recipient_user__username", flat=True))
    assert "supervisor" in told and "director" not in told
    assert director.pk  # the director exists and was left out by the rule


def test_a_return_re_proposes_without_the_returning_unit(org):
    from routing.models import Area, RoutingRule
    area = Area.objects.create(code="440703001", name="白沙街道", level=Area.Level.STREET, unit=org.station)
    RoutingRule.objects.create(area=area, unit=org.station, sequence=1)
    RoutingRule.objects.create(area=area, unit=org.other_station, sequence=2)
    case = journeys.to_registered(org, respondent_area=area)
    assert case.routing.proposed_unit == org.station
    case = services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    services.case_return(case=case, by=org.handler, reason="非本所管辖")
    case = Case.objects.get(pk=case.pk)
    assert case.routing.proposed_unit == org.other_station


def test_get_on_an_action_url_shows_the_case_and_errors_are_at_the_top(client, org):
    case = journeys.to_handling(org)
    client.force_login(org.handler)
    response = client.get(f"/cases/{case.number}/act/reply/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    response = client.post(f"/cases/{case.number}/act/reply/", {"version": case.version, "reply-text": "已处理"})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.index("答复内容过短") < page.index('id="actions"')  # the banner above the actions
    assert "已处理</textarea>" in page  # what was typed is kept


def test_the_same_intake_form_sent_twice_makes_one_case(client, org):
    client.force_login(org.clerk)
    page = client.get("/cases/new/").content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {**case_fields(), "form_token": token, "submit": "register", "complainant_type": "individual",
            "grade": "general"}
    first = client.post("/cases/new/", data)
    again = client.post("/cases/new/", data)
    assert first.status_code == 302 and again.status_code == 302
    assert Case.objects.count() == 1
    assert again["Location"] == first["Location"]


def test_each_role_lands_on_its_own_page(client, org):
    for user, landing in ((org.clerk, "/cases/new/"), (org.handler, "/inbox/"), (org.supervisor, "/supervision/todo/"),
                          (org.district_supervisor, "/supervision/todo/")):
        client.force_login(user)
        assert client.get("/")["Location"] == landing


def test_a_sensitive_reply_is_referred_from_the_to_do_not_approved(client, org):
    case = journeys.to_replied(org, sensitive=True)
    client.force_login(org.supervisor)
    page = client.get("/supervision/todo/").content.decode()
    row = page.split(f'data-case="{case.number}"')[1].split("</tr>")[0]
    assert "报中心主任审批" in row and "核查通过" not in row
    response = client.post(f"/cases/{case.number}/act/refer_reply/",
                           {"version": case.version, "next": "/supervision/todo/"})
    assert response.status_code == 302 and response["Location"] == "/supervision/todo/"
    assert case.events.filter(action="refer_reply").exists()


def _stage_reply_owed(org) -> Case:
    case = journeys.to_handling(org)
    CaseClock.objects.filter(case=case, clock="handling").update(
        original_due_at=timezone.now() - timedelta(hours=2), extended_days=3)
    return case


def _cross_region_unfiled(org) -> Case:
    case = journeys.to_handling(org)
    CrossRegionNotice.objects.create(case=case, receiving_unit=org.far_station, target_unit=org.station,
                                     due_at=timezone.now() + timedelta(days=1))
    return case


def _row(page: str, number: str) -> str:
    return page.split(f'data-case="{number}"')[1].split("</tr>")[0]


def test_a_stage_reply_owed_is_recorded_on_its_row(client, org):
    case = _stage_reply_owed(org)
    client.force_login(org.supervisor)
    assert 'name="do" value="stage_reply"' in _row(client.get("/supervision/todo/").content.decode(), case.number)
    response = client.post("/supervision/todo/", {"do": "stage_reply", "case": case.number, "version": case.version,
                                                  "text": "已电话告知投诉人：检测报告预计下周出具"}, follow=True)
    assert response.redirect_chain == [("/supervision/todo/", 302)]
    assert "已记录阶段性回复" in response.content.decode()
    assert [r.case for r in _section(org.supervisor, "stage_replies")["rows"]] == []
    assert case.events.get(action="stage_reply").note == "已电话告知投诉人：检测报告预计下周出具"


def test_a_cross_region_notice_is_filed_on_its_row(client, org):
    case = _cross_region_unfiled(org)
    client.force_login(org.supervisor)
    assert 'name="do" value="cross_region"' in _row(client.get("/supervision/todo/").content.decode(), case.number)
    response = client.post("/supervision/todo/", {"do": "cross_region", "case": case.number, "version": case.version,
                                                  "text": "已函告白沙市场监管所"}, follow=True)
    assert response.redirect_chain == [("/supervision/todo/", 302)]
    assert _section(org.supervisor, "cross_region")["rows"] == []
    notice = CrossRegionNotice.objects.get(case=case)
    assert notice.notified_by == org.supervisor and notice.note == "已函告白沙市场监管所"


def test_a_refused_row_action_shows_the_error_at_the_top_and_keeps_the_text(client, org):
    case = _stage_reply_owed(org)
    client.force_login(org.supervisor)
    response = client.post("/supervision/todo/", {"do": "stage_reply", "case": case.number,
                                                  "version": case.version - 1, "text": "已告知投诉人办理进度"})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.index('class="alert error"') < page.index('id="todo-stage_replies"')
    assert "状态已变化" in page
    assert 'value="已告知投诉人办理进度"' in _row(page, case.number)
    assert not case.events.filter(action="stage_reply").exists()
