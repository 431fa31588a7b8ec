"""The external-system models moved from `complaints` to `integration` without touching their
tables (complaints 0021, integration 0001): rows written in the old layout are found through the
new models, and the content types, with the permissions granted on them, follow the models."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from complaints.models import Case
from integration.models import ApiKey, ExternalCaseRef, ExternalSystem, WebhookDelivery
from routing.models import User

BEFORE_THE_MOVE = [("complaints", "0020_history_truncate_trigger"), ("integration", None)]


def _migrate(targets=None):
    """Migrate to `targets` (default: the latest) and return the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _old_layout_rows(old) -> dict:
    """What a database migrated before the move holds, written with the models of that time."""
    Unit = old.get_model("routing", "Unit")
    OldUser = old.get_model("routing", "User")
    OldCase = old.get_model("complaints", "Case")
    OldSystem = old.get_model("complaints", "ExternalSystem")
    unit = Unit.objects.create(code="C", name="市12315指挥中心", kind="center")
    user = OldUser.objects.create(username="svc_12345", unit=unit)
    case = OldCase.objects.create(number="2026120100001", query_code="ABCDEFGH", kind="complaint",
                                  channel="hotline_12345", registering_unit=unit)
    system = OldSystem.objects.create(code="hotline", name="12345热线平台", acting_user=user,
                                      webhook_url="https://example.org/hook", webhook_secret="s" * 64)
    old.get_model("complaints", "ApiKey").objects.create(system=system, prefix="abcd1234", hashed="h" * 64)
    old.get_model("complaints", "ExternalCaseRef").objects.create(
        system=system, reference="W-1", case=case, fingerprint="f" * 64, registration_pending=True)
    old.get_model("complaints", "WebhookDelivery").objects.create(
        system=system, case=case, event="case.registered", payload={"case": case.number},
        next_attempt_at=timezone.now())
    # A grant on the old content type, as the admin would have given it.
    OldContentType = old.get_model("contenttypes", "ContentType")
    content_type = OldContentType.objects.get(app_label="complaints", model="externalsystem")
    permission = old.get_model("auth", "Permission").objects.get(content_type=content_type,
                                                                codename="view_externalsystem")
    group = old.get_model("auth", "Group").objects.create(name="接口管理")
    group.permissions.add(permission)
    old.get_model("routing", "User").objects.get(pk=user.pk).groups.add(group.pk)
    return {"content_type": content_type.pk, "permission": permission.pk, "user": user.pk}


# PostgreSQL only: on SQLite, unapplying complaints' sibling 0024 branches in one plan remakes the
# case table from a state that lacks the other branches' columns (Django rebuilds a table to drop a
# foreign key there), and the next step fails. Databases written before a move are production's.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_found_through_the_integration_models():
    try:
        old = _migrate(BEFORE_THE_MOVE)
        before = _old_layout_rows(old)

        _migrate()

        system = ExternalSystem.objects.get(code="hotline")
        assert system.webhook_url == "https://example.org/hook" and system.acting_user.username == "svc_12345"
        assert ApiKey.objects.get(prefix="abcd1234").system == system
        ref = ExternalCaseRef.objects.get(system=system, reference="W-1")
        assert ref.case == Case.objects.get(number="2026120100001") and ref.registration_pending
        delivery = WebhookDelivery.objects.get()
        assert (delivery.system, delivery.case, delivery.event) == (system, ref.case, "case.registered")
        # The content type was renamed, not replaced: its permission and the grant stay.
        ContentType.objects.clear_cache()
        content_type = ContentType.objects.get_for_model(ExternalSystem)
        assert (content_type.pk, content_type.app_label) == (before["content_type"], "integration")
        assert not ContentType.objects.filter(app_label="complaints", model="externalsystem").exists()
        assert Permission.objects.get(pk=before["permission"]).content_type == content_type
        assert Group.objects.get(name="接口管理").permissions.filter(pk=before["permission"]).exists()
        assert User.objects.get(pk=before["user"]).has_perm("integration.view_externalsystem")
    finally:
        _migrate()
