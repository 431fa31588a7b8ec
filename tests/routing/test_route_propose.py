"""Which unit the rules propose, and why: each kind of rule, sequence number (1 first) and specificity."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routing.selectors import route_propose
from tests.routing.conftest import rule

pytestmark = pytest.mark.django_db


def propose(world, area=None, category=None, kind="complaint"):
    return route_propose(area=area, category=category, kind=kind)


def test_area_rule_covers_the_area_and_everything_below_it(world):
    r = rule(area=world.baisha, unit=world.org.station)
    proposal = propose(world, area=world.village)
    assert proposal.unit == world.org.station and proposal.rule == r
    assert proposal.reason == f"被投诉人位于蓬江区白沙街道白沙某社区 → 白沙市场监管所，规则#{r.pk}"


def test_deeper_area_rule_beats_the_district_rule_at_equal_sequence(world):
    rule(area=world.pengjiang, unit=world.org.district)
    street = rule(area=world.huanshi, unit=world.org.other_station)
    assert propose(world, area=world.huanshi).rule == street
    assert propose(world, area=world.baisha).unit == world.org.district


def test_category_rule_sends_food_to_the_department_whatever_the_area(world):
    rule(area=world.baisha, unit=world.org.station)
    food = rule(category=world.food, unit=world.department, sequence=50)
    proposal = propose(world, area=world.baisha, category=world.catering)  # sub-category of 食品
    assert proposal.rule == food and proposal.unit == world.department
    assert "业务分类“食品 / 餐饮服务”" in proposal.reason
    # Other categories still follow the area.
    assert propose(world, area=world.baisha, category=world.gym).unit == world.org.station


def test_kind_rule_applies_only_to_that_kind(world):
    rule(area=world.baisha, unit=world.org.station)
    reports = rule(area=world.baisha, case_kind="report", unit=world.org.district)
    assert propose(world, area=world.baisha, kind="report").rule == reports
    assert propose(world, area=world.baisha, kind="complaint").unit == world.org.station


def test_area_and_category_together_is_more_specific_than_either(world):
    rule(area=world.baisha, unit=world.org.station)
    rule(category=world.prepaid, unit=world.org.other_station)
    both = rule(area=world.baisha, category=world.prepaid, unit=world.org.district)
    assert propose(world, area=world.baisha, category=world.gym).rule == both


def test_lower_sequence_number_wins_over_specificity(world):
    rule(area=world.village, unit=world.org.station)
    wide = rule(area=world.pengjiang, unit=world.org.district, sequence=30)
    assert propose(world, area=world.village).rule == wide


def test_inactive_rules_and_rules_to_inactive_units_are_ignored(world):
    rule(area=world.baisha, unit=world.org.other_station, is_active=False)
    world.org.far_station.is_active = False
    world.org.far_station.save()
    rule(area=world.baisha, unit=world.org.far_station, sequence=10)
    proposal = propose(world, area=world.baisha)
    assert proposal.rule is None and proposal.unit == world.org.station  # area coverage


def test_without_rules_the_nearest_covering_area_decides(world):
    proposal = propose(world, area=world.village)
    assert proposal.unit == world.org.station and proposal.rule is None
    assert "区域管辖（白沙街道）" in proposal.reason


def test_nothing_covers_a_case_without_area_and_rules(world):
    rule(area=world.xinhui, unit=world.org.far_district)
    proposal = propose(world, area=None, category=world.gym)
    assert proposal.unit is None and not proposal.matched
    assert proposal.reason == "无匹配规则"


def test_moving_an_area_moves_its_subtree_paths(world):
    world.baisha.parent = world.xinhui
    world.baisha.save()
    world.village.refresh_from_db()
    assert world.village.path == "4407/440705/440703001/440703001001/"
    rule(area=world.xinhui, unit=world.org.far_district, sequence=50)
    assert propose(world, area=world.village).unit == world.org.far_district


def test_routing_costs_two_queries_however_many_rules(world):
    for n in range(50):
        rule(area=world.huicheng, case_kind="report", unit=world.org.far_station, sequence=200 + n)
    rule(area=world.baisha, unit=world.org.station)
    with CaptureQueriesContext(connection) as queries:
        propose(world, area=world.village, category=world.catering)
    assert len(queries) == 2
