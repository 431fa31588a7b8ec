"""Factories for the organisation and for cases in any state. Cases are moved through the real
services, so a case 'in handling' has the history and clocks a real one would have."""
import importlib

import factory
from django.contrib.auth.models import Group

from complaints import services
from complaints.models import Case
from deadlines.models import TimeLimit
from routing.models import Area, Category, Unit, User


def time_limits_seed() -> None:
    """Put back the policy rows that supervision's seeding migration wrote (a transactional test
    starts from an empty database). That migration names the model as it was then, in supervision;
    today the rows are written through deadlines.TimeLimit, the same table."""
    seeding = importlib.import_module("supervision.migrations.0002_seed_time_limits")
    for clock, kind, amount, unit, effective_from, basis in seeding.rows():
        TimeLimit.objects.get_or_create(
            clock=clock, case_kind=kind, grade="", effective_from=effective_from, is_active=True,
            defaults={"amount": amount, "unit": unit, "basis": basis},
        )


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Unit.Kind.STATION


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"4407{n:05d}")
    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = Area.Level.STREET


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"分类{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    unit = factory.SubFactory(UnitFactory)
    role = User.Role.HANDLER
    password = factory.PostGenerationMethodCall("set_password", "pw-12315")

    @factory.post_generation
    def ensure_role_group(self, create, extracted, **kwargs):
        # Role groups come from a data migration; transactional tests flush them, so recreate.
        if create and self.role and not Group.objects.filter(name=self.role).exists():
            from complaints.migrations_support import role_groups_ensure

            role_groups_ensure()
        self.save()


def case_fields(**overrides) -> dict:
    fields = {
        "kind": Case.Kind.COMPLAINT,
        "channel": Case.Channel.PHONE,
        "complainant_name": "张三",
        "complainant_phone": "13800138000",
        "respondent_name": "某美容店",
        "incident_time": "2026年11月20日",
        "incident_place": "白沙街道某路12号",
        "facts": "预付卡余额无法使用",
        "demand": "退还余额",
    }
    fields.update(overrides)
    return fields


def case_received(*, by, register=True, **overrides) -> Case:
    return services.case_receive(by=by, fields=case_fields(**overrides), register=register)[0]


def holiday_schedule_ahead(*, years: int = 1) -> None:
    """Enter an official schedule for the coming years the calendar library does not know yet, as a
    center does each winter (元旦 off, weekends as usual), for tests whose clocks may run past the
    year's end: counting into an unknown year waits by design, which such a test is not about."""
    from datetime import date

    from django.utils import timezone

    from deadlines.models import CalendarDay, HolidaySchedule
    from deadlines.workdays import local_date

    this_year = local_date(timezone.now()).year
    for year in range(this_year + 1, this_year + 1 + years):
        schedule, created = HolidaySchedule.objects.get_or_create(year=year, defaults={"notice": "测试用安排"})
        if created:
            CalendarDay.objects.create(date=date(year, 1, 1), is_workday=False, name="元旦", schedule=schedule)
