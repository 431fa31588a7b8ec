"""Moving the professional claimants, the clusters and the repeat and cluster windows from
supervision into complaints loses nothing: a database written in the layout before the move is
migrated, and every row is found through the new models, with its permissions."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.cache import clear_all

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 2, 9, 0, tzinfo=SH)

# The layout before the move: the three models and fields were supervision's.
BEFORE = [("complaints", "0022_merge_integration_and_clock_moves"),
          ("supervision", "0007_warning_lead_moved_to_deadlines")]


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_layout_rows(apps) -> dict:
    """A cluster of two cases in a batch action, a professional claimant and the center's own
    windows, written with supervision's models as they were before the move."""
    Unit = apps.get_model("routing", "Unit")
    User = apps.get_model("routing", "User")
    Case = apps.get_model("complaints", "Case")
    CaseCluster = apps.get_model("supervision", "CaseCluster")
    ProfessionalClaimant = apps.get_model("supervision", "ProfessionalClaimant")
    SupervisionSettings = apps.get_model("supervision", "SupervisionSettings")

    unit = Unit.objects.create(code="MIG02", name="迁移测试所", kind="station", path="MIG02/")
    user = User.objects.create(username="migration-supervisor", unit=unit, role="supervisor")
    cases = [Case.objects.create(number=f"MIG-2026-00001{n}", query_code=f"MIGR{n}", kind="complaint",
                                 channel="phone", registering_unit=unit, state="registered", received_at=AT,
                                 respondent_name="某健身房")
             for n in range(2)]
    cluster = CaseCluster.objects.create(respondent_name="某健身房", created_at=AT, state="action",
                                         action_title="预付卡专项整治", action_unit=unit, action_by=user,
                                         action_started_at=AT)
    cluster.cases.add(*cases)
    claimant = ProfessionalClaimant.objects.create(name="李四", phone="13600000000", note="迁移测试")
    SupervisionSettings.objects.update_or_create(pk=1, defaults={
        "repeat_window_days": 45, "cluster_window_days": 3, "cluster_min_complainants": 4,
        "parent_after_hours": 12,
    })
    return {"cases": [c.pk for c in cases], "cluster": cluster.pk, "claimant": claimant.pk, "unit": unit.pk}


# PostgreSQL only: on SQLite, unapplying complaints' sibling 0024 branches in one plan remakes the
# case table from a state that lacks the other branches' columns (Django rebuilds a table to drop a
# foreign key there), and the next step fails. Databases written before a move are production's.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_clusters_claimants_and_windows_written_before_the_move_are_found_after_it():
    view_cluster = Permission.objects.get(content_type__app_label="complaints", codename="view_casecluster")
    change_claimant = Permission.objects.get(content_type__app_label="complaints",
                                             codename="change_professionalclaimant")
    try:
        migrate(BEFORE)
        applied = MigrationExecutor(connection).loader.applied_migrations
        assert ("complaints", "0023_move_intake_rules_from_supervision") not in applied
        assert ("supervision", "0008_intake_rules_moved_to_complaints") not in applied
        assert Permission.objects.get(pk=view_cluster.pk).content_type.app_label == "supervision"
        before = MigrationExecutor(connection).loader.project_state(list(applied)).apps
        written = old_layout_rows(before)

        migrate(latest())
        ContentType.objects.clear_cache()
        clear_all()

        from complaints.models import Case, CaseCluster, IntakeSettings, ProfessionalClaimant
        from complaints.services.repeats import claimant_is_professional
        from supervision.models import SupervisionSettings
        from supervision.selectors import cluster_list

        cluster = CaseCluster.objects.select_related("action_unit", "action_by").get(pk=written["cluster"])
        assert sorted(cluster.cases.values_list("pk", flat=True)) == sorted(written["cases"])
        assert (cluster.state, cluster.action_title, cluster.action_unit.pk) == (
            CaseCluster.State.ACTION, "预付卡专项整治", written["unit"])
        assert cluster.action_by.username == "migration-supervisor"
        # The reverse relation from a case and supervision's clusters page still find it.
        assert list(Case.objects.get(pk=written["cases"][0]).clusters.all()) == [cluster]
        assert [c.pk for c in cluster_list()] == [cluster.pk] and cluster_list().get().size == 2

        assert ProfessionalClaimant.objects.get(pk=written["claimant"]).note == "迁移测试"
        assert claimant_is_professional(phone="13600000000")

        intake = IntakeSettings.cached()
        assert (intake.repeat_window_days, intake.cluster_window_days, intake.cluster_min_complainants) == (45, 3, 4)
        assert SupervisionSettings.current().parent_after_hours == 12  # the rest stays supervision's

        # Permissions and admin history stay attached: the content types moved with the models.
        assert not ContentType.objects.filter(app_label="supervision", model__in=["casecluster",
                                                                                  "professionalclaimant"]).exists()
        assert Permission.objects.get(pk=view_cluster.pk).content_type.app_label == "complaints"
        assert Permission.objects.get(pk=change_claimant.pk).content_type.model == "professionalclaimant"
    finally:
        # Whatever happened, leave the full schema for the tests after this one.
        migrate(latest())
        ContentType.objects.clear_cache()
        clear_all()


# PostgreSQL only: on SQLite, unapplying complaints' sibling 0024 branches in one plan remakes the
# case table from a state that lacks the other branches' columns (Django rebuilds a table to drop a
# foreign key there), and the next step fails. Databases written before a move are production's.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_moving_back_copies_the_windows_back_to_supervision():
    try:
        migrate(latest())
        from complaints.models import IntakeSettings

        IntakeSettings.objects.update_or_create(pk=1, defaults={"repeat_window_days": 20, "cluster_window_days": 5,
                                                                "cluster_min_complainants": 6})
        migrate(BEFORE)
        applied = MigrationExecutor(connection).loader.applied_migrations
        before = MigrationExecutor(connection).loader.project_state(list(applied)).apps
        rules = before.get_model("supervision", "SupervisionSettings").objects.get(pk=1)
        assert (rules.repeat_window_days, rules.cluster_window_days, rules.cluster_min_complainants) == (20, 5, 6)
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()
        clear_all()
