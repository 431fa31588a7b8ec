"""Review, redo on its 3-working-day clock, follow-up; dissatisfied with new reasons is assigned again."""
import pytest

from complaints import services
from complaints.models import Case, CaseEvent
from core.errors import ApplicationError
from deadlines.workdays import load_calendar, local_date
from supervision.models import RedLineItem
from tests.complaints.journeys import to_approved, to_replied

pytestmark = pytest.mark.django_db


def test_redo_runs_on_a_three_working_day_clock(org):
    case = services.case_return_for_redo(case=to_replied(org), by=org.supervisor, reason="答复未写明处理依据")
    redo = case.clocks.get(clock="redo", stopped_at__isnull=True)
    assert (redo.limit_amount, redo.limit_unit) == (3, "working_days")
    assert redo.due_date == load_calendar().add_working_days(local_date(redo.started_at), 3)
    assert redo.warn_at is not None


def test_dissatisfied_goes_on_the_red_line_ledger(org):
    case = services.case_follow_up(case=to_approved(org), by=org.supervisor, satisfaction="dissatisfied",
                                   resolved=False, note="投诉人对处理结果不满意")
    assert case.state == Case.State.REPLIED
    assert RedLineItem.objects.filter(case=case, reason="dissatisfied", closed_at__isnull=True).exists()


def test_dissatisfied_with_new_reasons_leads_to_a_second_assignment(org):
    case = services.case_follow_up(case=to_approved(org), by=org.supervisor, satisfaction="dissatisfied",
                                   resolved=False, note="不满意", new_reasons="投诉人提供了新的消费凭证")
    case.refresh_from_db()
    assert case.state == Case.State.HANDLING and case.handling_unit == org.station
    assert case.clocks.filter(clock="handling", stopped_at__isnull=True).exists()
    actions = list(case.events.values_list("action", flat=True))
    assert actions[-3:] == [CaseEvent.Action.FOLLOW_UP, CaseEvent.Action.ARCHIVE, CaseEvent.Action.REOPEN]


def test_new_reasons_are_refused_when_the_complainant_is_satisfied(org):
    with pytest.raises(ApplicationError):
        services.case_follow_up(case=to_approved(org), by=org.supervisor, satisfaction="satisfied",
                                resolved=True, new_reasons="无")


def test_the_unit_is_told_of_a_second_assignment_and_why(client, org):
    case = services.case_follow_up(case=to_approved(org), by=org.supervisor, satisfaction="dissatisfied",
                                   resolved=False, note="不满意", new_reasons="投诉人提供了新的消费凭证")
    client.force_login(org.handler)
    page = client.get("/notifications/").content.decode()
    assert f"工单 {case.number} 二次交办" in page and "投诉人提供了新的消费凭证" in page


def test_the_unit_is_told_of_a_redo_and_why(client, org):
    case = services.case_return_for_redo(case=to_replied(org), by=org.supervisor, reason="答复未写明处理依据")
    client.force_login(org.handler)
    page = client.get("/notifications/").content.decode()
    assert f"工单 {case.number} 被发回重办" in page and "答复未写明处理依据" in page
