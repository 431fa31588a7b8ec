"""Officials edit areas and rules in the admin; a rule needs a condition and an internal unit."""
import pytest

from routing.models import RoutingRule
from tests.factories import UserFactory
from tests.routing.conftest import rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True, unit=world.org.center))
    return client


def test_rules_are_listed_and_edited_in_the_admin(admin_client, world):
    r = rule(area=world.baisha, unit=world.org.station, note="白沙规则")
    assert "白沙规则" in admin_client.get("/admin/routing/routingrule/").content.decode()
    response = admin_client.post(f"/admin/routing/routingrule/{r.pk}/change/", {
        "area": world.huanshi.pk, "category": "", "case_kind": "", "unit": world.org.other_station.pk,
        "sequence": 150, "is_active": "on", "note": "改为环市"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.unit == world.org.other_station and r.area_depth == 3 and r.sequence == 150


def test_a_rule_without_conditions_or_to_an_external_unit_is_refused(admin_client, world):
    response = admin_client.post("/admin/routing/routingrule/add/", {
        "area": "", "category": "", "case_kind": "", "unit": world.org.external.pk, "sequence": 100})
    page = response.content.decode()
    assert response.status_code == 200 and "至少要指定" in page
    response = admin_client.post("/admin/routing/routingrule/add/", {
        "area": world.baisha.pk, "category": "", "case_kind": "", "unit": world.org.external.pk, "sequence": 100})
    assert "外部部门" in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_area_admin_shows_the_path(admin_client, world):
    page = admin_client.get("/admin/routing/area/").content.decode()
    assert "4407/440703/440703001/" in page
