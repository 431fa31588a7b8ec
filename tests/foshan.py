"""佛山市 (440600) as its reference data is published: the NBS statistical division codes of its five
districts and of some of their townships (统计用区划代码), and a 12315 organisation laid over them:
the city center with a department, a district center per district with its stations, and
禅城区's law-enforcement squad covering the old town inside the ring road beside the stations.

Used by the 同城通办, import and API tests, so they run on a real city other than the demo's 江门."""
from types import SimpleNamespace

from routing.models import Area, Coverage, Unit, User
from tests.factories import AreaFactory, UnitFactory, UserFactory

CITY = ("440600", "佛山市")
DISTRICTS = [
    ("440604", "禅城区"),
    ("440605", "南海区"),
    ("440606", "顺德区"),
    ("440607", "三水区"),
    ("440608", "高明区"),
]
TOWNSHIPS = [
    ("440604010", "祖庙街道"),
    ("440604011", "石湾镇街道"),
    ("440604012", "张槎街道"),
    ("440604100", "南庄镇"),
    ("440605011", "桂城街道"),
    ("440605121", "九江镇"),
    ("440605122", "西樵镇"),
    ("440605123", "丹灶镇"),
    ("440605124", "狮山镇"),
    ("440605125", "大沥镇"),
    ("440605126", "里水镇"),
    ("440606010", "大良街道"),
    ("440606011", "容桂街道"),
    ("440606012", "伦教街道"),
    ("440606013", "勒流街道"),
    ("440606100", "陈村镇"),
    ("440606101", "均安镇"),
    ("440606102", "杏坛镇"),
    ("440606103", "龙江镇"),
    ("440606104", "乐从镇"),
    ("440606105", "北滘镇"),
    ("440607010", "西南街道"),
    ("440607011", "云东海街道"),
    ("440607100", "白坭镇"),
    ("440607101", "乐平镇"),
    ("440607102", "芦苞镇"),
    ("440607103", "大塘镇"),
    ("440607104", "南山镇"),
    ("440608010", "荷城街道"),
    ("440608100", "杨和镇"),
    ("440608101", "明城镇"),
    ("440608102", "更合镇"),
]


def areas_create() -> dict[str, Area]:
    """The city, its districts and townships, each township below the district its code names."""
    city = AreaFactory(code=CITY[0], name=CITY[1], level=Area.Level.CITY)
    areas = {city.code: city}
    for code, name in DISTRICTS:
        areas[code] = AreaFactory(code=code, name=name, level=Area.Level.DISTRICT, parent=city)
    for code, name in TOWNSHIPS:
        areas[code] = AreaFactory(code=code, name=name, level=Area.Level.STREET, parent=areas[code[:6]])
    return areas


def foshan_city() -> SimpleNamespace:
    """The areas, the units covering them and a clerk at the units that take cases in."""
    areas = areas_create()
    center = UnitFactory(code="FS", name="佛山市12315指挥中心", kind=Unit.Kind.CENTER)
    department = UnitFactory(code="FS-SP", name="佛山市市场监管局食品安全监管科", kind=Unit.Kind.DEPARTMENT,
                             parent=center)
    chancheng = UnitFactory(code="FS04", name="禅城区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    zumiao = UnitFactory(code="FS0401", name="祖庙市场监管所", kind=Unit.Kind.STATION, parent=chancheng)
    shiwan = UnitFactory(code="FS0402", name="石湾镇市场监管所", kind=Unit.Kind.STATION, parent=chancheng)
    squad = UnitFactory(code="FS04ZD", name="禅城区市场监管执法中队", kind=Unit.Kind.SQUAD, parent=chancheng)
    nanhai = UnitFactory(code="FS05", name="南海区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    guicheng = UnitFactory(code="FS0501", name="桂城市场监管所", kind=Unit.Kind.STATION, parent=nanhai)
    sanshui = UnitFactory(code="FS07", name="三水区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    xinan = UnitFactory(code="FS0701", name="西南市场监管所", kind=Unit.Kind.STATION, parent=sanshui)
    # Routing falls back on Area.unit; the coverage table says who else works there, in which role.
    for code, unit in (("440600", center), ("440604", chancheng), ("440604010", zumiao), ("440604011", shiwan),
                       ("440605", nanhai), ("440605011", guicheng), ("440607", sanshui), ("440607010", xinan)):
        Area.objects.filter(code=code).update(unit=unit)
    ring_road = AreaFactory(code="440604Z01", name="禅城区环城路以内", level=Area.Level.ZONE, parent=areas["440604"])
    Coverage.objects.create(unit=squad, area=ring_road, role=Coverage.Role.ENFORCEMENT)
    Coverage.objects.create(unit=chancheng, area=areas["440604"], role=Coverage.Role.INTAKE)
    areas = {a.code: a for a in Area.objects.all()}

    def clerk(unit: Unit) -> User:
        return UserFactory(username=f"clerk-{unit.code}", unit=unit, role=User.Role.CLERK)

    return SimpleNamespace(
        areas=areas, center=center, department=department, chancheng=chancheng, zumiao=zumiao, shiwan=shiwan,
        squad=squad, nanhai=nanhai, guicheng=guicheng, sanshui=sanshui, xinan=xinan, clerk=clerk,
    )
