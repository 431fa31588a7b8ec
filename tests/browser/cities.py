"""The city the browser tests walk: a center, two district centers with a station each, and the
people who log in (clerk, center, pengjiang, baisha, huicheng)."""
import importlib
from types import SimpleNamespace

from django.apps import apps as global_apps

from complaints import services
from routing.models import Unit, User
from tests.factories import UnitFactory, UserFactory, case_fields, time_limits_seed


def two_district_city() -> SimpleNamespace:
    time_limits_seed()
    importlib.import_module("complaints.migrations.0002_seed_roles_and_decline_reasons").seed(global_apps, None)
    center = UnitFactory(code="C", name="江门市12315指挥中心", kind=Unit.Kind.CENTER)
    district = UnitFactory(code="D01", name="蓬江区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    station = UnitFactory(code="S0101", name="白沙市场监管所", kind=Unit.Kind.STATION, parent=district)
    far = UnitFactory(code="D02", name="新会区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    far_station = UnitFactory(code="S0201", name="会城市场监管所", kind=Unit.Kind.STATION, parent=far)
    clerk = UserFactory(username="clerk", unit=center, role=User.Role.CLERK)
    supervisor = UserFactory(username="center", unit=center, role=User.Role.SUPERVISOR, first_name="李督办")
    UserFactory(username="pengjiang", unit=district, role=User.Role.SUPERVISOR, first_name="周分流")
    handlers = {station: UserFactory(username="baisha", unit=station, role=User.Role.HANDLER, first_name="陈承办"),
                far_station: UserFactory(username="huicheng", unit=far_station, role=User.Role.HANDLER)}

    def dispatched(unit, phone):
        """A case from the given phone, dispatched by the center to `unit`."""
        case = services.case_receive(by=clerk, fields=case_fields(complainant_phone=phone,
                                                                  respondent_name=f"某美容店{phone}"))[0]
        return services.case_dispatch(case=case, unit=unit, by=supervisor)

    return SimpleNamespace(center=center, district=district, station=station, far=far, far_station=far_station,
                           clerk=clerk, supervisor=supervisor, handlers=handlers, dispatched=dispatched)
