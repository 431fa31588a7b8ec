"""The rules' own history: who changed a time limit, a routing rule, a unit, a user's role, an external
system's scopes or a holiday schedule, and what it was before; shown, read-only, in the admin."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from audit.models import RuleChange
from deadlines.models import HolidaySchedule, TimeLimit
from integration.models import ExternalSystem
from routing.models import Unit, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(org):
    root = UserFactory(username="root", is_staff=True, is_superuser=True, unit=org.center)
    client = Client()
    client.force_login(root)
    client.root = root
    return client


def _changes(model):
    return RuleChange.objects.filter(content_type=ContentType.objects.get_for_model(model)).order_by("pk")


def test_a_time_limit_edited_in_the_admin_is_kept_with_who_and_what_it_was(admin_client):
    limit = TimeLimit.objects.create(clock="handling", case_kind="complaint", amount=30, unit="working_days",
                                     effective_from=datetime.date(2020, 1, 1), basis="市场监管总局令第20号")
    response = admin_client.post(f"/admin/deadlines/timelimit/{limit.pk}/change/", {
        "clock": "handling", "case_kind": "complaint", "grade": "", "amount": 20, "unit": "working_days",
        "effective_from": "2020-01-01", "basis": "市场监管总局令第20号(修订)", "is_active": "on"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    created, edited = _changes(TimeLimit).filter(object_id=str(limit.pk))
    assert created.action == "create" and created.actor is None and created.after["amount"] == 30
    assert edited.action == "update" and edited.actor == admin_client.root
    assert edited.before["amount"] == 30 and edited.after["amount"] == 20
    assert edited.changed == ["amount", "basis"]


def test_a_users_role_change_is_kept_but_a_login_is_not(org, admin_client):
    org.handler.role = User.Role.UNIT_LEADER
    org.handler.save()
    change = _changes(User).filter(object_id=str(org.handler.pk)).last()
    assert change.before["role"] == "handler" and change.after["role"] == "unit_leader"
    assert "password" not in change.after
    count = RuleChange.objects.count()
    org.handler.set_password("Baisha-2026-secure")
    org.handler.save(update_fields=["password"])
    Client().post("/accounts/login/", {"username": "handler", "password": "Baisha-2026-secure"})
    assert RuleChange.objects.count() == count


def test_a_units_move_an_api_systems_scopes_and_a_holiday_schedule_are_kept(org):
    org.station.parent = org.far_district
    org.station.save()
    moved = _changes(Unit).filter(object_id=str(org.station.pk)).last()
    assert moved.before["parent"] == org.district.pk and moved.after["parent"] == org.far_district.pk
    assert set(moved.changed) == {"parent", "path"}

    system = ExternalSystem.objects.create(code="hotline12345", name="12345热线", acting_user=org.clerk,
                                           scopes=["cases:read"])
    system.scopes = ["cases:read", "cases:create"]
    system.save()
    change = _changes(ExternalSystem).last()
    assert change.before["scopes"] == ["cases:read"] and change.after["scopes"] == ["cases:read", "cases:create"]

    schedule = HolidaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕9号")
    schedule.delete()
    assert [c.action for c in _changes(HolidaySchedule)] == ["create", "delete"]
    assert _changes(HolidaySchedule).last().before["notice"] == "国办发明电〔2026〕9号"


def test_a_roles_permissions_changed_are_kept(org):
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="handler")
    before = sorted(group.permissions.values_list("codename", flat=True))
    group.permissions.add(Permission.objects.get(codename="archive_case"))
    change = _changes(Group).last()
    assert change.before["permissions"] == before and "archive_case" in change.after["permissions"]


def test_the_history_is_shown_read_only_in_the_admin(org, admin_client):
    org.district.name = "蓬江区12315投诉举报受理中心"
    org.district.save()
    listing = admin_client.get("/admin/audit/rulechange/").content.decode()
    assert "蓬江区12315投诉举报受理中心" in listing
    change = _changes(Unit).last()
    page = admin_client.get(f"/admin/audit/rulechange/{change.pk}/change/").content.decode()
    assert "蓬江区12315受理中心" in page  # what it was before
    assert admin_client.post(f"/admin/audit/rulechange/{change.pk}/delete/", {"post": "yes"}).status_code == 403
