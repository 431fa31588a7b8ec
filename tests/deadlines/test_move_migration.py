"""Moving the calendar, the time limits, the warning lead and the clocks into the deadlines app loses
nothing: a database written in the layout before the move (clocks in complaints, the calendar and
the policy in supervision) is migrated, and every row is found through the new models."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.cache import clear_all

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 2, 9, 0, tzinfo=SH)

# The layout before the move: deadlines did not exist (its first migration and whatever depends on
# it, such as complaints 0021 and supervision 0006-0007, are not applied).
BEFORE = [("deadlines", None)]


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_layout_rows(apps) -> dict:
    """A unit, a user, a case with three clocks (running, stopped, paused), its history, an
    escalation, a time limit, a holiday schedule with a day and the warning lead, written with the
    models as they were before the move."""
    Unit = apps.get_model("routing", "Unit")
    User = apps.get_model("routing", "User")
    Case = apps.get_model("complaints", "Case")
    CaseEvent = apps.get_model("complaints", "CaseEvent")
    CaseClock = apps.get_model("complaints", "CaseClock")
    TimeLimit = apps.get_model("supervision", "TimeLimit")
    HolidaySchedule = apps.get_model("supervision", "HolidaySchedule")
    CalendarDay = apps.get_model("supervision", "CalendarDay")
    Escalation = apps.get_model("supervision", "Escalation")
    SupervisionSettings = apps.get_model("supervision", "SupervisionSettings")

    unit = Unit.objects.create(code="MIG01", name="迁移测试所", kind="station", path="MIG01/")
    user = User.objects.create(username="migration-handler", unit=unit, role="handler")
    case = Case.objects.create(number="MIG-2026-000001", query_code="MIGQ01", kind="complaint", channel="phone",
                               registering_unit=unit, handling_unit=unit, state="handling", received_at=START)
    events = [CaseEvent.objects.create(case=case, action=action, actor=user, at=START + timedelta(minutes=n))
              for n, action in enumerate(["receive", "register", "dispatch", "accept"])]
    due = datetime(2026, 11, 17, 0, 0, tzinfo=SH)
    clock_fields = {"case": case, "started_at": START, "limit_amount": 10, "limit_unit": "working_days"}
    clocks = [
        CaseClock.objects.create(clock="handling", due_date=date(2026, 11, 16), due_at=due,
                                 warn_at=due - timedelta(days=1), warning="yellow", extended_days=2,
                                 **clock_fields),
        CaseClock.objects.create(clock="contact", due_date=date(2026, 11, 4), stopped_at=START + timedelta(hours=2),
                                 **clock_fields),
        CaseClock.objects.create(clock="statutory_mediation", paused_at=START + timedelta(days=1),
                                 pause_reason="送检", paused_working_days=1, **clock_fields),
    ]
    escalation = Escalation.objects.create(case=case, clock=clocks[0], level=1, unit=unit, due_at=due,
                                           created_at=due + timedelta(minutes=3))
    limit = TimeLimit.objects.create(clock="redo", case_kind="report", amount=4, unit="working_days",
                                     effective_from=date(2026, 6, 1), basis="迁移测试规定")
    schedule = HolidaySchedule.objects.create(year=2031, notice="国办发明电〔2030〕9号")
    day = CalendarDay.objects.create(date=date(2031, 1, 1), is_workday=False, name="元旦", schedule=schedule)
    SupervisionSettings.objects.update_or_create(pk=1, defaults={"warning_lead_amount": 6, "warning_lead_unit": "hours",
                                                                 "repeat_window_days": 45})
    return {"case": case.pk, "events": [e.pk for e in events], "clocks": [c.pk for c in clocks],
            "escalation": escalation.pk, "limit": limit.pk, "schedule": schedule.pk, "day": day.pk}


# PostgreSQL only: on SQLite, unapplying complaints' sibling 0024 branches in one plan remakes the
# case table from a state that lacks the other branches' columns (Django rebuilds a table to drop a
# foreign key there), and the next step fails. Databases written before a move are production's.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cases_clocks_history_and_rules_written_before_the_move_are_found_after_it():
    view_clock = Permission.objects.get(content_type__app_label="deadlines", codename="view_caseclock")
    try:
        migrate(BEFORE)
        applied = MigrationExecutor(connection).loader.applied_migrations
        assert ("deadlines", "0001_initial") not in applied and ("complaints", "0020_history_truncate_trigger") in applied
        before = MigrationExecutor(connection).loader.project_state(list(applied)).apps
        assert not ContentType.objects.filter(app_label="deadlines", model="caseclock").exists()
        written = old_layout_rows(before)

        migrate(latest())
        ContentType.objects.clear_cache()
        clear_all()

        from complaints.models import Case, CaseEvent, IntakeSettings
        from deadlines.models import CalendarDay, CaseClock, DeadlineSettings, HolidaySchedule, TimeLimit
        from deadlines.workdays import load_calendar
        from supervision.models import Escalation

        case = Case.objects.get(pk=written["case"])
        assert sorted(case.events.values_list("pk", flat=True)) == sorted(written["events"])
        assert CaseEvent.objects.filter(pk__in=written["events"]).count() == 4
        clocks = {c.clock: c for c in CaseClock.objects.filter(case=case)}
        assert sorted(c.pk for c in clocks.values()) == sorted(written["clocks"])
        handling = clocks["handling"]
        assert (handling.due_date, handling.extended_days, handling.warning) == (date(2026, 11, 16), 2, "yellow")
        assert clocks["contact"].stopped_at == START + timedelta(hours=2)
        assert (clocks["statutory_mediation"].pause_reason, clocks["statutory_mediation"].status) == ("送检", "paused")
        assert set(case.clocks.all()) == set(clocks.values())  # the reverse relation still works

        escalation = Escalation.objects.select_related("clock").get(pk=written["escalation"])
        assert escalation.clock == handling and list(handling.escalations.all()) == [escalation]

        assert TimeLimit.objects.get(pk=written["limit"]).basis == "迁移测试规定"
        day = CalendarDay.objects.select_related("schedule").get(pk=written["day"])
        assert day.schedule == HolidaySchedule.objects.get(pk=written["schedule"])
        calendar = load_calendar()
        assert calendar.year_known(2031) and not calendar.is_workday(date(2031, 1, 1))

        lead = DeadlineSettings.current()
        assert (lead.warning_lead_amount, lead.warning_lead_unit) == (6, "hours")
        # The repeat window written then is registration's now (complaints 0023 copied it on).
        assert IntakeSettings.current().repeat_window_days == 45

        # Permissions and admin history stay attached: the content types moved with the models.
        assert not ContentType.objects.filter(app_label="complaints", model="caseclock").exists()
        assert Permission.objects.get(pk=view_clock.pk).content_type.app_label == "deadlines"
    finally:
        # Whatever happened, leave the full schema for the tests after this one.
        migrate(latest())
        ContentType.objects.clear_cache()
        clear_all()
