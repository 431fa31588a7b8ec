import pytest

from complaints import services
from complaints.models import Case, CaseEvent
from core.errors import ApplicationError
from tests.factories import case_fields, case_received

pytestmark = pytest.mark.django_db


def test_complete_complaint_is_registered_with_number_query_code_and_history(org):
    case = case_received(by=org.clerk)

    assert case.state == Case.State.REGISTERED
    assert len(case.number) == 13 and case.number[:8].isdigit()
    assert len(case.query_code) == 8
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [CaseEvent.Action.RECEIVE, CaseEvent.Action.REGISTER]
    assert case.events.get(action="register").actor == org.clerk


def test_case_missing_an_element_stays_received_and_lists_what_is_missing(org):
    case = case_received(by=org.clerk, incident_place="", demand="")

    assert case.state == Case.State.RECEIVED
    assert case.missing_elements == ["何地", "何由（诉求）"]
    with pytest.raises(ApplicationError, match="何地"):
        services.case_register(case=case, by=org.clerk)


def test_supplying_the_missing_element_then_registering(org):
    case = case_received(by=org.clerk, incident_place="")
    services.case_update_details(case=case, by=org.clerk, fields={"incident_place": "环市街道"})
    services.case_register(case=case, by=org.clerk)

    case.refresh_from_db()
    assert case.state == Case.State.REGISTERED
    update = case.events.get(action=CaseEvent.Action.UPDATE)
    assert update.data["changed"]["incident_place"] == {"from": "", "to": "环市街道"}


def test_complaint_that_is_also_a_report_becomes_two_linked_cases(org):
    complaint, report = services.case_receive(by=org.clerk, fields=case_fields(), also_report=True)

    assert (complaint.kind, report.kind) == (Case.Kind.COMPLAINT, Case.Kind.REPORT)
    assert complaint.linked_case == report and report.linked_case == complaint
    assert complaint.number != report.number
    assert complaint.state == report.state == Case.State.REGISTERED
    assert complaint.events.filter(action=CaseEvent.Action.LINK, note__contains=report.number).exists()


def test_case_numbers_count_up_within_a_day(org):
    first = case_received(by=org.clerk)
    second = case_received(by=org.clerk)
    assert int(second.number) == int(first.number) + 1


def test_a_handling_unit_may_not_register_cases(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        case_received(by=org.handler)


def test_consultation_needs_only_its_content(org):
    case = case_received(by=org.clerk, kind=Case.Kind.CONSULTATION, respondent_name="", incident_time="",
                         incident_place="", demand="")
    assert case.state == Case.State.REGISTERED
