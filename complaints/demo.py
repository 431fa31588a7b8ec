"""Demo organisation, users and cases for `make run`. Idempotent: running it twice changes nothing."""
from django.db import transaction

from routing.models import Area, Category, RoutingRule, Unit, User

from . import services
from .models import Case, DemoDatabase

DEMO_PASSWORD = "demo12315"

UNITS = [
    # code, name, kind, parent code
    ("C", "江门市市场监管局12315指挥中心", "center", None),
    ("D01", "蓬江区市场监管局12315受理中心", "district_center", "C"),
    ("S0101", "白沙市场监管所", "station", "D01"),
    ("S0102", "环市市场监管所", "station", "D01"),
    ("D02", "新会区市场监管局12315受理中心", "district_center", "C"),
    ("S0201", "会城市场监管所", "station", "D02"),
    ("Q0201", "新会区执法中队", "squad", "D02"),
    ("F01", "食品安全监管科", "department", "C"),
    ("X01", "市住房和城乡建设局", "external", None),
    ("X02", "市文化广电旅游局", "external", None),
]

USERS = [
    # username, name, unit code, role
    ("clerk", "王登记", "C", "clerk"),
    ("center", "李督办", "C", "supervisor"),
    ("director", "陈主任", "C", "director"),
    ("district", "周分流", "D01", "supervisor"),
    ("baisha", "赵承办", "S0101", "handler"),
    ("baisha_lead", "孙所长", "S0101", "unit_leader"),
    ("huancheng", "吴承办", "S0102", "handler"),
    ("huicheng", "郑承办", "S0201", "handler"),
]

AREAS = [
    ("440703", "蓬江区", "district", None, "D01"),
    ("440703001", "白沙街道", "street", "440703", "S0101"),
    ("440703002", "环市街道", "street", "440703", "S0102"),
    ("440705", "新会区", "district", None, "D02"),
    ("440705100", "会城街道", "street", "440705", "S0201"),
    ("440705900", "会城环城路以内", "zone", "440705100", "Q0201"),
]

ROUTING_RULES = [
    # area code, category code, kind, unit code, sequence (1 first), note
    ("440703001", None, "", "S0101", 100, "白沙街道由白沙所管辖"),
    ("440703002", None, "", "S0102", 100, "环市街道由环市所管辖"),
    ("440705", None, "", "D02", 100, "新会区经区中心二级分流"),
    ("440705900", None, "", "Q0201", 100, "县城环城路以内由执法中队管辖"),
    (None, "01", "", "F01", 1, "食品类由食品安全监管科办理"),
]

CATEGORIES = [
    ("01", "食品", None), ("0101", "餐饮服务", "01"), ("0102", "预包装食品", "01"),
    ("02", "预付卡", None), ("0201", "美容美发", "02"), ("0202", "健身", "02"),
    ("03", "电子商务", None), ("0301", "网络购物", "03"),
    ("04", "家居装修", None), ("0401", "装修服务", "04"),
    ("05", "旅游", None), ("0501", "旅行社服务", "05"),
]


class DemoRefused(Exception):
    """The demo data would go where it must not; the message says why and what to do."""


def demo_database_claim(*, debug: bool, allow_without_debug: bool = False) -> None:
    """The demo world (a superuser with a published password, a full-scope API key) goes only into an
    empty database, which is then marked as the demo's, or one marked so before; and only with DEBUG
    on, unless the operator asks for it explicitly. Call inside the loading transaction."""
    if not debug and not allow_without_debug:
        raise DemoRefused(
            "DEBUG is off: this looks like a production process, and the demo data publishes its logins."
            " Run with DEBUG=1 (make run does), or pass --allow-without-debug if you really mean it.")
    if DemoDatabase.objects.exists():
        return
    if User.objects.exists() or Unit.objects.exists() or Case.objects.exists():
        raise DemoRefused(
            "This database already holds data that is not demo data (users, units or cases): the demo"
            " data is never loaded into it. Point DATABASE_URL at an empty database for a demo.")
    DemoDatabase.objects.create()


@transaction.atomic
def demo_data_load(*, debug: bool = True, allow_without_debug: bool = False) -> list[tuple[str, str, str, str]]:
    """Create the demo world; returns (username, password, unit, role) for each demo login. Raises
    DemoRefused where the demo world must not go (`demo_database_claim`)."""
    demo_database_claim(debug=debug, allow_without_debug=allow_without_debug)
    units = {}
    for code, name, kind, parent in UNITS:
        units[code], _ = Unit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": units.get(parent)}
        )
    for code, name, level, parent, unit in AREAS:
        Area.objects.get_or_create(code=code, defaults={
            "name": name, "level": level, "parent": Area.objects.filter(code=parent).first(), "unit": units[unit]})
    for code, name, parent in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={
            "name": name, "parent": Category.objects.filter(code=parent).first()})
    for area, category, kind, unit, sequence, note in ROUTING_RULES:
        RoutingRule.objects.get_or_create(
            area=Area.objects.filter(code=area).first(), category=Category.objects.filter(code=category).first(),
            case_kind=kind, defaults={"unit": units[unit], "sequence": sequence, "note": note})
    logins = []
    for username, name, unit, role in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "unit": units[unit], "role": role}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        logins.append((username, DEMO_PASSWORD, units[unit].name, user.get_role_display()))
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"first_name": "系统管理员", "is_staff": True, "is_superuser": True,
                                    "unit": units["C"], "role": "director"})
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(("admin", DEMO_PASSWORD, units["C"].name, "系统管理员（后台）"))
    if not Case.objects.exists():
        _demo_cases(units)
    return logins


def _demo_cases(units) -> None:
    clerk = User.objects.get(username="clerk")
    center = User.objects.get(username="center")
    baisha = User.objects.get(username="baisha")
    base = {
        "channel": "phone", "complainant_type": "individual", "complainant_name": "张三",
        "complainant_phone": "13800138000", "incident_time": "2026年11月20日",
        "category": Category.objects.get(code="0201"),
    }
    services.case_receive(by=clerk, fields={
        **base, "kind": "complaint", "respondent_name": "江门市某美容店",
        "respondent_area": Area.objects.get(code="440703001"), "incident_place": "白沙街道某路12号",
        "facts": "办理预付卡后商家停业，余额3000元无法使用。", "demand": "要求退还预付卡余额。"})
    waiting = services.case_receive(by=clerk, fields={
        **base, "kind": "complaint", "complainant_name": "李四", "complainant_phone": "13900139000",
        "respondent_name": "某健身会所", "respondent_area": Area.objects.get(code="440703002"),
        "incident_place": "环市街道", "facts": "健身卡到期前会所关门。", "demand": "退款。",
        "category": Category.objects.get(code="0202")})[0]
    services.case_dispatch(case=waiting, unit=units["S0101"], by=center)
    services.case_accept(case=waiting, by=baisha)
    services.case_receive(by=clerk, register=False, fields={
        **base, "kind": "complaint", "complainant_name": "王五", "complainant_phone": "13700137000",
        "respondent_name": "", "incident_place": "", "facts": "网购手机屏幕有裂痕。", "demand": "",
        "category": Category.objects.get(code="0301")})
