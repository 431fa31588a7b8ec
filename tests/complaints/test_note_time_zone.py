"""Dates a person reads in history notes are Beijing dates, whatever the database's zone."""
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from complaints.models import Case, CaseEvent
from deadlines.workdays import SHANGHAI
from tests.factories import case_received

pytestmark = pytest.mark.django_db


def test_the_repeat_note_names_the_earlier_case_by_its_beijing_date(org):
    # 03:24 in Beijing is 19:24 of the day before in UTC: the two dates differ.
    day = timezone.now().astimezone(SHANGHAI).date() - timedelta(days=1)
    early_morning = datetime.combine(day, time(3, 24), tzinfo=SHANGHAI)
    assert early_morning.astimezone(UTC).date() == day - timedelta(days=1)
    first = case_received(by=org.clerk)
    Case.objects.filter(pk=first.pk).update(received_at=early_morning)
    second = case_received(by=org.clerk)
    note = CaseEvent.objects.get(case=second, action=CaseEvent.Action.LINK).note
    assert f"已于 {day:%Y-%m-%d} 投诉" in note
    assert f"{day - timedelta(days=1):%Y-%m-%d}" not in note
    assert "，" in note and "," not in note  # full-width punctuation
