"""On PostgreSQL the rules' history is written by triggers: what bypasses save() (QuerySet.update,
bulk_create, bulk_update, raw SQL, a session in psql) is recorded with its values before and after,
once, and shown in the admin like any other change."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.test import Client

from audit.models import RuleChange
from deadlines.models import TimeLimit
from routing.models import RoutingRule
from tests.factories import AreaFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's; SQLite uses signals"),
]


@pytest.fixture
def limit():
    return TimeLimit.objects.create(clock="handling", case_kind="complaint", amount=30, unit="working_days",
                                    effective_from=datetime.date(2020, 1, 1), basis="市场监管总局令第20号")


@pytest.fixture
def root(org):
    return UserFactory(username="root", is_staff=True, is_superuser=True, unit=org.center)


def _changes(model, **filters):
    return RuleChange.objects.filter(content_type=ContentType.objects.get_for_model(model), **filters).order_by("pk")


def _admin_page(user, change) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/admin/audit/rulechange/{change.pk}/change/").content.decode()


def test_a_queryset_update_of_a_time_limit_is_kept_once_with_before_and_after(limit, root):
    TimeLimit.objects.filter(pk=limit.pk).update(amount=15)
    changes = _changes(TimeLimit, object_id=str(limit.pk))
    assert [c.action for c in changes] == ["create", "update"]  # one row each: no signal row beside it
    edited = changes.last()
    assert edited.before["amount"] == 30 and edited.after["amount"] == 15 and edited.changed == ["amount"]
    assert edited.actor is None and "pytest" in edited.source  # no one logged in: the command is named
    page = _admin_page(root, edited)
    assert "&quot;amount&quot;: 30" in page and "&quot;amount&quot;: 15" in page


def test_an_update_that_changes_nothing_is_not_a_change(limit):
    TimeLimit.objects.filter(pk=limit.pk).update(amount=30)
    assert _changes(TimeLimit, object_id=str(limit.pk)).count() == 1


def test_routing_rules_bulk_created_and_bulk_updated_are_kept(org, root):
    baisha, pengjiang = AreaFactory(name="白沙街道"), AreaFactory(name="蓬江区", level="district")
    rules = RoutingRule.objects.bulk_create([
        RoutingRule(area=baisha, unit=org.station, sequence=10, note="白沙"),
        RoutingRule(area=pengjiang, unit=org.district, sequence=20, note="蓬江"),
    ])
    created = _changes(RoutingRule, action="create")
    assert sorted(c.after["note"] for c in created) == ["白沙", "蓬江"]
    assert {c.after["unit"] for c in created} == {org.station.pk, org.district.pk}
    for rule in rules:
        rule.sequence += 1
    RoutingRule.objects.bulk_update(rules, ["sequence"])
    edited = _changes(RoutingRule, action="update")
    assert sorted((c.before["sequence"], c.after["sequence"]) for c in edited) == [(10, 11), (20, 21)]
    pages = _admin_page(root, created.first()) + _admin_page(root, created.last())
    assert "&quot;note&quot;: &quot;白沙&quot;" in pages and "&quot;sequence&quot;: 10" in pages


def test_raw_sql_through_the_application_is_kept(limit, root):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TimeLimit._meta.db_table} SET amount = 10 WHERE id = %s", [limit.pk])
    through_django = _changes(TimeLimit, object_id=str(limit.pk)).last()
    assert (through_django.before["amount"], through_django.after["amount"]) == (30, 10)
    assert "pytest" in through_django.source

    assert "&quot;amount&quot;: 10" in _admin_page(root, through_django)


@pytest.mark.django_db(transaction=True)
def test_a_write_from_outside_the_application_is_named_as_the_database_role(limit, root):
    # Another session, as psql would be, through the driver alone: nothing names an actor.
    other = connections.create_connection("default")
    other.ensure_connection()
    try:
        with other.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TimeLimit._meta.db_table} SET amount = 7, basis = 'psql' WHERE id = {limit.pk}")
        other.connection.commit()
    finally:
        other.close()
    outside = _changes(TimeLimit, object_id=str(limit.pk)).last()
    assert outside.actor is None and outside.source == f"database: {connection.settings_dict['USER']}"
    assert outside.before["amount"] == 30 and outside.after == {**outside.before, "amount": 7, "basis": "psql"}
    page = _admin_page(root, outside)
    assert "database: " in page and "&quot;basis&quot;: &quot;psql&quot;" in page


def test_the_logged_in_user_of_a_request_is_the_actor_of_a_bulk_write(org, root, limit):
    client = Client()
    client.force_login(root)
    response = client.post("/admin/deadlines/timelimit/", {
        "action": "delete_selected", "_selected_action": [limit.pk], "post": "yes"})
    assert response.status_code == 302
    deleted = _changes(TimeLimit, object_id=str(limit.pk)).last()  # the admin's delete is a QuerySet.delete()
    assert deleted.action == "delete" and deleted.actor == root and deleted.source == ""
    assert deleted.before["amount"] == 30 and deleted.after is None


def test_a_users_groups_and_own_permissions_are_kept(org):
    from django.contrib.auth.models import Group, Permission

    from routing.models import User

    group = Group.objects.create(name="投诉科")
    org.handler.groups.add(group)
    org.handler.user_permissions.add(Permission.objects.get(codename="archive_case"))
    org.handler.groups.remove(group)
    changes = [(c.changed, c.before, c.after) for c in _changes(User, object_id=str(org.handler.pk), action="update")]
    assert changes == [
        (["groups"], {"groups": []}, {"groups": ["投诉科"]}),
        (["user_permissions"], {"user_permissions": []}, {"user_permissions": ["archive_case"]}),
        (["groups"], {"groups": ["投诉科"]}, {"groups": []}),
    ]
    assert _changes(User, object_id=str(org.handler.pk)).last().object_repr == "handler"


def test_every_tracked_table_carries_the_trigger():
    from audit.triggers import tracked_tables

    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'rule_history_%%'")
        carrying = {name.strip('"') for (name,) in cursor.fetchall()}
    assert tracked_tables() <= carrying
