"""登记规则 (complaints.IntakeSettings): the repeat and cluster windows are edited in complaints'
admin, no longer in supervision's 督办规则, and reading them never inserts a row."""
import pytest

from complaints.models import IntakeSettings
from supervision.models import SupervisionSettings

pytestmark = pytest.mark.django_db


def test_the_windows_are_edited_in_the_intake_rules_admin(admin_client):
    IntakeSettings.current()
    page = admin_client.get("/admin/complaints/intakesettings/1/change/").content.decode()
    assert "重复投诉认定期（天）" in page and "集中投诉最少投诉人数" in page
    response = admin_client.post("/admin/complaints/intakesettings/1/change/", {
        "repeat_window_days": 60, "cluster_window_days": 10, "cluster_min_complainants": 3,
        "cross_region_level": "district", "five_element_kinds": ["complaint", "report"],
    })
    assert response.status_code == 302
    rules = IntakeSettings.cached()
    assert (rules.repeat_window_days, rules.cluster_window_days, rules.cluster_min_complainants) == (60, 10, 3)


def test_the_intake_rules_admin_refuses_a_single_complainant_cluster(admin_client):
    IntakeSettings.current()
    response = admin_client.post("/admin/complaints/intakesettings/1/change/", {
        "repeat_window_days": 30, "cluster_window_days": 7, "cluster_min_complainants": 1,
        "cross_region_level": "district", "five_element_kinds": ["complaint", "report"],
    })
    assert response.status_code == 200 and IntakeSettings.current().cluster_min_complainants == 5


def test_supervision_rules_no_longer_show_the_windows(admin_client):
    rules = SupervisionSettings.current()
    page = admin_client.get(f"/admin/supervision/supervisionsettings/{rules.pk}/change/").content.decode()
    assert "升级至上级单位" in page and "重复投诉认定期" not in page


def test_claimants_and_clusters_are_listed_under_complaints_in_the_admin(admin_client):
    # The admin files a model under its app: clusters are still registered by supervision's admin.
    assert admin_client.get("/admin/complaints/professionalclaimant/").status_code == 200
    assert admin_client.get("/admin/complaints/casecluster/").status_code == 200


def test_reading_the_rules_inserts_no_row():
    # Registration reads them inside its transaction: an insert there would hold other workers.
    IntakeSettings.objects.all().delete()
    assert IntakeSettings.cached().repeat_window_days == 30
    assert not IntakeSettings.objects.exists()


def test_which_kinds_need_the_five_elements_is_set_in_the_admin(admin_client, org):
    from core.choices import CaseKind
    from tests.factories import case_received

    # By default a Weibo post missing its demand stays received until the demand is supplied.
    weibo = case_received(by=org.clerk, kind=CaseKind.WEIBO, channel="weibo", demand="")
    assert weibo.state == "received" and weibo.missing_elements == ["何由（诉求）"]
    mailbox = case_received(by=org.clerk, kind=CaseKind.MAYOR_MAILBOX, channel="letter", incident_time="")
    assert mailbox.state == "received"
    IntakeSettings.current()
    page = admin_client.get("/admin/complaints/intakesettings/1/change/").content.decode()
    assert "登记需五要素齐全的工单类型" in page
    response = admin_client.post("/admin/complaints/intakesettings/1/change/", {
        "repeat_window_days": 30, "cluster_window_days": 7, "cluster_min_complainants": 5,
        "cross_region_level": "district", "five_element_kinds": ["complaint", "report", "mayor_mailbox"],
    })
    assert response.status_code == 302
    assert IntakeSettings.current().five_element_kinds == ["complaint", "report", "mayor_mailbox"]
    # Weibo is no longer held to the five elements; a new post without its demand registers.
    registered = case_received(by=org.clerk, kind=CaseKind.WEIBO, channel="weibo", demand="")
    assert registered.state == "registered"
