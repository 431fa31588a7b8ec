"""涉企 (enterprise-related) cases may have a shorter limit in the policy table ("马上就办")."""
from datetime import date

import pytest

from deadlines.models import CaseClock, TimeLimit
from tests.complaints import journeys
from tests.factories import time_limits_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise_limit(db):
    time_limits_seed()
    return TimeLimit.objects.create(
        clock="handling", case_kind="complaint", grade="", enterprise_related=True, amount=5,
        unit=TimeLimit.LimitUnit.WORKING_DAYS, effective_from=date(2020, 1, 1),
        basis="涉企诉求接诉即办“十条措施”(马上就办)",
    )


def test_an_enterprise_related_complaint_gets_the_shorter_limit(org, enterprise_limit):
    case = journeys.to_dispatched(org, enterprise_related=True, complainant_type="enterprise")
    clock = CaseClock.objects.get(case=case, clock="handling")
    assert clock.limit_amount == 5 and "马上就办" in clock.basis


def test_other_complaints_keep_the_general_limit(org, enterprise_limit):
    case = journeys.to_dispatched(org)
    clock = CaseClock.objects.get(case=case, clock="handling")
    assert clock.limit_amount == 10 and "马上就办" not in clock.basis
