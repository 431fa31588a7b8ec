"""Which clock updates mark an ended day for the rollups' rebuild (reports/migrations/0005): a change
to a deadline or a stop does, the sweep's colour and escalation level do not (no figure reads them)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.models import CaseClock
from deadlines.workdays import end_of_day, local_date
from reports.models import RollupDirtyDay
from tests.reports.test_rollups import clock, make_case

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # the dirty-day triggers are PostgreSQL's


def test_colour_and_level_mark_nothing_a_moved_deadline_marks_its_days(org):
    case = make_case(org, -8, unit=org.station)
    clock(case, "handling", due=-3, stopped=None)
    RollupDirtyDay.objects.all().delete()
    handling = CaseClock.objects.filter(case=case, clock="handling")

    handling.update(warning="red", escalation_level=1)
    assert not RollupDirtyDay.objects.exists()

    old_due = handling.get().due_at
    new_due = end_of_day(local_date(timezone.now()) - timedelta(days=2))
    handling.update(due_at=new_due)
    # The day the deadline left and the day it moved to (both ended: today is counted live).
    assert set(RollupDirtyDay.objects.values_list("day", flat=True)) == {local_date(old_due), local_date(new_due)}
