"""Extensions: the complainant is told; past the original limit, stage replies are owed."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import CaseEvent
from deadlines.models import CaseClock
from supervision.selectors import overdue_summary, stage_reply_owed
from supervision.sweep import deadlines_sweep
from tests.complaints.journeys import to_handling

pytestmark = pytest.mark.django_db


def extended(org, days=5):
    case = to_handling(org)
    services.case_request_extension(case=case, by=org.handler, days=days, reason="需委托检测")
    services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    return case


def test_the_complainant_is_told_of_an_approved_extension(org):
    case = extended(org)
    notice = CaseEvent.objects.get(case=case, action=CaseEvent.Action.NOTIFY_COMPLAINANT)
    clock = case.clocks.get(clock="handling")
    assert not notice.internal  # shown in the complainant's look-up
    assert clock.due_date.isoformat() in notice.note


def test_a_refused_extension_tells_no_one_and_keeps_the_deadline(org):
    case = to_handling(org)
    before = case.clocks.get(clock="handling").due_date
    services.case_request_extension(case=case, by=org.handler, days=5, reason="需委托检测")
    services.case_decide_extension(case=case, by=org.supervisor, approve=False)
    assert case.clocks.get(clock="handling").due_date == before
    assert not CaseEvent.objects.filter(case=case, action=CaseEvent.Action.NOTIFY_COMPLAINANT).exists()


def test_extension_keeps_the_original_deadline_and_clears_a_yellow_warning(org):
    case = to_handling(org)
    clock = case.clocks.get(clock="handling")
    original = clock.due_at
    deadlines_sweep(now=clock.warn_at + timedelta(minutes=1))
    services.case_request_extension(case=case, by=org.handler, days=5, reason="需委托检测")
    services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    clock.refresh_from_db()
    assert clock.original_due_at == original and clock.due_at > original
    assert clock.warning == CaseClock.Warning.NONE


def test_a_case_past_its_original_limit_owes_a_stage_reply_until_it_gives_one(org):
    case = extended(org)
    clock = case.clocks.get(clock="handling")
    assert not stage_reply_owed(visible_to=org.supervisor, now=clock.original_due_at - timedelta(hours=1)).exists()
    CaseClock.objects.filter(pk=clock.pk).update(original_due_at=timezone.now() - timedelta(hours=1))

    assert list(stage_reply_owed(visible_to=org.supervisor)) == [clock]
    assert list(stage_reply_owed(visible_to=org.handler)) == [clock]
    assert not stage_reply_owed(visible_to=org.far_handler).exists()

    services.case_stage_reply(case=case, by=org.handler, text="已委托检测机构,预计下周出具报告")
    assert not stage_reply_owed(visible_to=org.supervisor).exists()


def test_overdue_with_an_approved_extension_is_counted_apart(org):
    plain = to_handling(org)
    with_extension = extended(org)
    late = max(c.clocks.get(clock="handling").due_at for c in (plain, with_extension)) + timedelta(hours=1)
    deadlines_sweep(now=late)
    summary = overdue_summary(visible_to=org.supervisor, now=late)
    handling_red = CaseClock.objects.filter(clock="handling", warning="red")
    assert handling_red.count() == 2
    assert summary["overdue_with_extension"] == 1
    assert summary["overdue"] >= 1
