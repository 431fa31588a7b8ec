from types import SimpleNamespace

import pytest

from routing.models import Area, RoutingRule, Unit
from tests.factories import AreaFactory, CategoryFactory, UnitFactory


@pytest.fixture
def world(org):
    """The org's units plus an area tree, two category trees and a food-safety department."""
    city = AreaFactory(code="4407", name="江门市", level=Area.Level.CITY)
    pengjiang = AreaFactory(code="440703", name="蓬江区", level=Area.Level.DISTRICT, parent=city, unit=org.district)
    baisha = AreaFactory(code="440703001", name="白沙街道", level=Area.Level.STREET, parent=pengjiang,
                         unit=org.station)
    village = AreaFactory(code="440703001001", name="白沙某社区", level=Area.Level.VILLAGE, parent=baisha)
    huanshi = AreaFactory(code="440703002", name="环市街道", level=Area.Level.STREET, parent=pengjiang,
                          unit=org.other_station)
    xinhui = AreaFactory(code="440705", name="新会区", level=Area.Level.DISTRICT, parent=city, unit=org.far_district)
    huicheng = AreaFactory(code="440705100", name="会城街道", level=Area.Level.STREET, parent=xinhui,
                           unit=org.far_station)
    food = CategoryFactory(code="01", name="食品")
    catering = CategoryFactory(code="0101", name="餐饮服务", parent=food)
    prepaid = CategoryFactory(code="02", name="预付卡")
    gym = CategoryFactory(code="0202", name="健身", parent=prepaid)
    department = UnitFactory(code="F01", name="食品安全监管科", kind=Unit.Kind.DEPARTMENT, parent=org.center)
    return SimpleNamespace(
        org=org, city=city, pengjiang=pengjiang, baisha=baisha, village=village, huanshi=huanshi,
        xinhui=xinhui, huicheng=huicheng, food=food, catering=catering, prepaid=prepaid, gym=gym,
        department=department,
    )


def rule(**fields) -> RoutingRule:
    fields.setdefault("sequence", 100)
    return RoutingRule.objects.create(**fields)
