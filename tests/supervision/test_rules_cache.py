"""The per-process copies of the rule tables (core/cache.py, routing/auth.py): within the
trusted period intake reads no rule table, and an edit made in this process applies at once."""
from datetime import date

import pytest

from complaints.models import IntakeSettings
from deadlines.models import Clock, DeadlineSettings, LimitUnit, TimeLimit
from deadlines.policy import time_limit_for
from deadlines.workdays import load_calendar
from supervision.models import SupervisionSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def copies_kept(settings):
    settings.RULES_CACHE_SECONDS = 60
    from core.cache import clear_all

    clear_all()  # nothing left over from tests run with the period at 0
    yield
    clear_all()


def limit(kind="complaint"):
    return time_limit_for(clock=Clock.STATUTORY_MEDIATION, case_kind=kind, grade="general",
                          received_on=date(2026, 5, 6))


def test_rules_are_read_once_per_period(copies_kept, django_assert_num_queries):
    SupervisionSettings.cached(), IntakeSettings.cached(), DeadlineSettings.cached(), limit(), load_calendar()
    with django_assert_num_queries(0):
        assert limit().amount == 45
        load_calendar()
        SupervisionSettings.cached(), IntakeSettings.cached(), DeadlineSettings.cached()


def test_a_new_rule_saved_in_this_process_applies_at_once(copies_kept):
    assert limit().amount == 45
    TimeLimit.objects.create(clock=Clock.STATUTORY_MEDIATION, case_kind="complaint", grade="general", amount=30,
                             unit=LimitUnit.DAYS, effective_from=date(2026, 1, 1), basis="新规定")
    assert (limit().amount, limit().basis) == (30, "新规定")


def test_changed_settings_apply_at_once(copies_kept):
    SupervisionSettings.cached()
    policy = SupervisionSettings.current()
    policy.parent_after_hours = 36
    policy.save()
    assert SupervisionSettings.cached().parent_after_hours == 36
    IntakeSettings.cached()
    intake = IntakeSettings.current()
    intake.repeat_window_days = 90
    intake.save()
    assert IntakeSettings.cached().repeat_window_days == 90
    DeadlineSettings.cached()
    lead = DeadlineSettings.current()
    lead.warning_lead_amount = 2
    lead.save()
    assert DeadlineSettings.cached().warning_lead_amount == 2


def test_most_specific_then_newest_rule_wins_in_memory_as_in_sql(copies_kept):
    TimeLimit.objects.create(clock=Clock.STATUTORY_MEDIATION, case_kind="", grade="", amount=10,
                             unit=LimitUnit.DAYS, effective_from=date(2026, 4, 1), basis="通用")
    assert limit().amount == 45  # the seeded complaint rule is more specific than a newer general one
    assert limit(kind="consultation").basis == "通用"


def test_a_revoked_role_permission_applies_at_once_in_this_process(copies_kept, org):
    from django.contrib.auth.models import Group, Permission

    clerk = UserFactory(username="clerk2", unit=org.center, role="clerk")
    assert clerk.has_perm("complaints.receive_case")
    Group.objects.get(name="clerk").permissions.remove(Permission.objects.get(codename="receive_case"))
    again = type(clerk).objects.get(pk=clerk.pk)  # a new request loads the user afresh
    assert not again.has_perm("complaints.receive_case")


def test_permissions_are_not_reread_for_each_request(copies_kept, org, django_assert_num_queries):
    type(org.clerk).objects.get(pk=org.clerk.pk).has_perm("complaints.receive_case")
    again = type(org.clerk).objects.get(pk=org.clerk.pk)
    with django_assert_num_queries(0):
        assert again.has_perm("complaints.receive_case")
