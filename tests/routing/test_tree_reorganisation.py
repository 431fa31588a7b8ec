"""A reorganisation (a unit moved to another district, a district recoded, an area moved) keeps the
stored paths right, so visibility and routing follow at once; `check_tree` finds any stale value."""
import io

import pytest
from django.core.management import CommandError, call_command

from complaints.models import Case
from complaints.selectors import case_list
from routing.models import Area, RoutingRule, Unit
from tests.factories import UnitFactory, case_received
from tests.routing.conftest import rule

pytestmark = pytest.mark.django_db


def _handled_by(unit, by) -> Case:
    case = case_received(by=by, respondent_name="江门市某健身会所")
    Case.objects.filter(pk=case.pk).update(handling_unit=unit)
    return case


def test_a_moved_stations_squad_is_seen_by_its_new_district_center(org):
    squad = UnitFactory(code="Q010101", name="白沙执法中队", kind=Unit.Kind.SQUAD, parent=org.station)
    case = _handled_by(squad, org.clerk)
    far_supervisor = type(org.district_supervisor).objects.create(
        username="far_sup", unit=org.far_district, role="supervisor")
    assert case_list(visible_to=far_supervisor).filter(pk=case.pk).count() == 0

    org.station.parent = org.far_district  # 白沙所划归新会区
    org.station.save()

    squad.refresh_from_db()
    assert squad.path == "C/D02/S0101/Q010101/"
    assert case_list(visible_to=far_supervisor).filter(pk=case.pk).count() == 1
    assert case_list(visible_to=org.district_supervisor).filter(pk=case.pk).count() == 0


def test_a_recoded_district_center_still_sees_its_stations_cases(org):
    case = _handled_by(org.station, org.clerk)
    org.district.code = "D0103"
    org.district.save()
    org.district_supervisor.refresh_from_db()
    assert case_list(visible_to=org.district_supervisor).filter(pk=case.pk).exists()
    assert Unit.objects.get(pk=org.station.pk).path == "C/D0103/S0101/"
    call_command("check_tree", stdout=io.StringIO())  # nothing stale


def test_a_unit_cannot_be_moved_below_itself(org):
    org.district.parent = org.station
    with pytest.raises(ValueError):
        org.district.save()


def test_moving_an_area_updates_its_rules_depth(world):
    r = rule(area=world.village, unit=world.org.station, note="社区规则")
    assert r.area_depth == 4
    # The community is placed directly under the district (街道撤并).
    world.village.parent = world.pengjiang
    world.village.save()
    r.refresh_from_db()
    assert r.area_depth == 3
    street_rule = rule(area=world.baisha, unit=world.org.station, note="街道规则")
    world.baisha.parent = world.city  # a street made a district of its own
    world.baisha.save()
    street_rule.refresh_from_db()
    assert street_rule.area_depth == 2


def test_check_tree_reports_and_repairs_stale_paths_and_depths(world):
    r = rule(area=world.village, unit=world.org.station, note="社区规则")
    Unit.objects.filter(pk=world.org.station.pk).update(path="C/D02/S0101/")  # written around save()
    RoutingRule.objects.filter(pk=r.pk).update(area_depth=2)
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 stored tree value"):
        call_command("check_tree", stdout=out)
    assert "expected 'C/D01/S0101/'" in out.getvalue() and "expected '4'" in out.getvalue()
    call_command("check_tree", "--repair", stdout=io.StringIO())
    call_command("check_tree", stdout=io.StringIO())
    assert Area.objects.get(pk=world.village.pk).path.endswith("440703001001/")
