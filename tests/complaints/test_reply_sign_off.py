"""Replies signed off inside the unit (经办人 → 负责人) and a sensitive reply approved by the director (报批)."""
import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.actions import actions_available
from complaints.models import Notification, ReplyDraft
from complaints.selectors_public import case_public_timeline
from complaints.services.signoff import case_refer_reply, case_return_reply_draft, case_submit_reply
from routing.models import User
from tests.complaints import journeys
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
REPLY = "经调查核实，该美容店已同意退还预付卡余额2800元，投诉人表示接受。"


def _names(case, user):
    return {action.name for action in actions_available(case, user)}


def test_without_the_unit_setting_the_handler_replies_directly(org):
    case = journeys.to_handling(org)
    assert "reply" in _names(case, org.handler) and "submit_reply" not in _names(case, org.handler)


def test_the_handlers_reply_waits_for_the_leader_who_sends_it(org):
    org.station.reply_needs_sign_off = True
    org.station.save()
    case = journeys.to_handling(org)
    assert "reply" not in _names(case, org.handler) and "submit_reply" in _names(case, org.handler)
    with pytest.raises(PermissionDenied, match="负责人签发"):
        services.case_reply(case=case, by=org.handler, text=REPLY)
    draft = case_submit_reply(case=case, by=org.handler, text=REPLY)
    case.refresh_from_db()
    assert case.state == "handling" and draft.decision == ReplyDraft.Decision.PENDING
    assert Notification.objects.filter(case=case, recipient_user=org.leader).exists()
    # The leader finds the draft in the reply form and sends it: the center gets it only now.
    reply = next(a for a in actions_available(case, org.leader) if a.name == "reply")
    assert reply.build_form(case, user=org.leader).fields["text"].initial == REPLY
    services.case_reply(case=case, by=org.leader, text=REPLY)
    case.refresh_from_db()
    draft.refresh_from_db()
    assert case.state == "replied" and draft.decision == ReplyDraft.Decision.SIGNED and draft.decided_by == org.leader


def test_the_leader_returns_a_draft_for_revision(org):
    org.station.reply_needs_sign_off = True
    org.station.save()
    case = journeys.to_handling(org)
    case_submit_reply(case=case, by=org.handler, text=REPLY)
    case.refresh_from_db()
    assert "submit_reply" not in _names(case, org.handler)  # one draft waits at a time
    draft = case_return_reply_draft(case=case, by=org.leader, reason="请补充退款凭证")
    case.refresh_from_db()
    assert draft.decision == ReplyDraft.Decision.RETURNED and "submit_reply" in _names(case, org.handler)


def test_a_sensitive_reply_is_approved_by_the_director_only(org):
    director = UserFactory(username="director", unit=org.center, role=User.Role.DIRECTOR)
    case = journeys.to_replied(org, sensitive=True)
    assert "approve_reply" not in _names(case, org.supervisor) and "refer_reply" in _names(case, org.supervisor)
    with pytest.raises(PermissionDenied, match="中心主任"):
        services.case_approve_reply(case=case, by=org.supervisor)
    case_refer_reply(case=case, by=org.supervisor, note="涉及网络舆情，请主任审批")
    assert Notification.objects.filter(case=case, recipient_user=director, title__contains="报请审批").exists()
    case.refresh_from_db()
    # Not yet approved: the complainant does not see the reply as the answer.
    assert "预付卡余额" not in " ".join(item["note"] for item in case_public_timeline(case=case))
    services.case_approve_reply(case=case, by=director)
    case.refresh_from_db()
    assert case.reply_approved_at is not None
    assert any("预付卡余额" in item["note"] for item in case_public_timeline(case=case))


def test_a_reply_sent_back_for_redo_is_not_shown_as_the_answer(org):
    case = journeys.to_replied(org)
    services.case_return_for_redo(case=case, by=org.supervisor, reason="未写明退款依据")
    notes = " ".join(item["note"] for item in case_public_timeline(case=case))
    assert "预付卡余额" not in notes


def test_the_public_look_up_shows_a_sensitive_reply_only_once_approved(org, client):
    director = UserFactory(username="director", unit=org.center, role=User.Role.DIRECTOR)
    case = journeys.to_replied(org, sensitive=True)
    page = client.post("/track/", {"number": case.number, "query_code": case.query_code}, follow=True)
    text = page.content.decode()
    assert "预付卡余额" not in text and "已答复" not in text
    services.case_approve_reply(case=case, by=director)
    text = client.get("/track/").content.decode()
    assert "预付卡余额" in text and "已答复" in text


def test_the_public_look_up_does_not_show_the_redo_of_a_sensitive_reply(org):
    case = journeys.to_replied(org, sensitive=True)
    services.case_return_for_redo(case=case, by=org.supervisor, reason="答复口径须经主任审定后重写")
    actions = [item["action_code"] for item in case_public_timeline(case=case)]
    assert "reply" not in actions and "redo" not in actions
