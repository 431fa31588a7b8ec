"""A retry storm: the same work order sent 20 times at once yields one case (PostgreSQL)."""
import pytest

from complaints.models import Case, CaseEvent
from integration.models import ExternalCaseRef
from tests.api.conftest import key_client
from tests.api.payloads import work_order
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STORM = 20


def test_twenty_concurrent_identical_creates_make_one_case(hotline):
    def send():
        response = key_client(hotline.key).post("/api/v1/cases/", work_order("GD-STORM-1"), format="json")
        return response.status_code, response.json().get("number")

    results = run_together(*[send] * STORM)

    codes = sorted(code for code, _number in results)
    assert codes == [200] * (STORM - 1) + [201], results
    assert len({number for _code, number in results}) == 1
    assert Case.objects.count() == 1
    assert ExternalCaseRef.objects.get().case.number == results[0][1]
    assert CaseEvent.objects.filter(action=CaseEvent.Action.RECEIVE).count() == 1


def test_two_units_tools_accepting_at_once_one_wins_one_gets_409(org, station_tool):
    from tests.complaints import journeys

    case = journeys.to_dispatched(org)

    def accept():
        return key_client(station_tool.key).post(f"/api/v1/cases/{case.number}/accept/", {}, format="json").status_code

    codes = run_together(accept, accept)
    assert sorted(codes) == [200, 409]
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.ACCEPT).count() == 1


def test_concurrent_distinct_creates_get_distinct_numbers(hotline):
    """Numbers are drawn outside the intake transaction; they must still never repeat."""
    def send(reference):
        return lambda: key_client(hotline.key).post("/api/v1/cases/", work_order(reference), format="json").json()["number"]

    numbers = run_together(*[send(f"D-{index}") for index in range(12)])
    assert len(set(numbers)) == 12 and Case.objects.count() == 12
