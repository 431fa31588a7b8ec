"""A retry storm: the same work order sent 20 times at once yields one case (PostgreSQL)."""
import threading

import pytest
from django.db import connection

from complaints.models import Case, CaseEvent, ExternalCaseRef
from tests.api.conftest import key_client
from tests.api.payloads import work_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STORM = 20


def test_twenty_concurrent_identical_creates_make_one_case(hotline):
    barrier = threading.Barrier(STORM)
    results: list = [None] * STORM

    def send(index):
        client = key_client(hotline.key)
        try:
            barrier.wait()
            response = client.post("/api/v1/cases/", work_order("GD-STORM-1"), format="json")
            results[index] = (response.status_code, response.json().get("number"))
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(STORM)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(code for code, _number in results)
    assert codes == [200] * (STORM - 1) + [201], results
    assert len({number for _code, number in results}) == 1
    assert Case.objects.count() == 1
    assert ExternalCaseRef.objects.get().case.number == results[0][1]
    assert CaseEvent.objects.filter(action=CaseEvent.Action.RECEIVE).count() == 1


def test_two_units_tools_accepting_at_once_one_wins_one_gets_409(org, station_tool):
    from tests.complaints import journeys

    case = journeys.to_dispatched(org)
    barrier = threading.Barrier(2)
    codes: list = []

    def accept():
        client = key_client(station_tool.key)
        try:
            barrier.wait()
            codes.append(client.post(f"/api/v1/cases/{case.number}/accept/", {}, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409]
    assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.ACCEPT).count() == 1


def test_concurrent_distinct_creates_get_distinct_numbers(hotline):
    """Numbers are drawn outside the intake transaction; they must still never repeat."""
    barrier = threading.Barrier(12)
    numbers: list = []

    def send(index):
        client = key_client(hotline.key)
        try:
            barrier.wait()
            numbers.append(client.post("/api/v1/cases/", work_order(f"D-{index}"), format="json").json()["number"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(numbers)) == 12 and Case.objects.count() == 12
