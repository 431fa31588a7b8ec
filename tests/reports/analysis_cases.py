"""Cases received at chosen moments and a small area tree, for the volume and hotspot tests.

The period used throughout: 2026-11-01 to 2026-11-10 (Beijing time), compared with the ten days
before it, 2026-10-22 to 2026-10-31."""
from datetime import datetime
from itertools import count
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from routing.models import Area
from tests.factories import AreaFactory, case_fields

PERIOD = {"start": "2026-11-01", "end": "2026-11-10"}
PREVIOUS = {"start": "2026-10-22", "end": "2026-10-31"}
_phones = count(1)


def at(month, day, hour=0, minute=0, second=0):
    return datetime(2026, month, day, hour, minute, second, tzinfo=ZoneInfo("Asia/Shanghai"))


def received(org, when, *, unit=None, **fields):
    """A case received and registered at `when` (a fresh complainant each time), dispatched to `unit`."""
    fields.setdefault("complainant_phone", f"1390000{next(_phones):04d}")
    case = services.case_receive(by=org.clerk, fields=case_fields(**fields), at=when)[0]
    if unit is not None:
        case = services.case_dispatch(case=case, unit=unit, by=org.supervisor)
    return case


def numbers(cases) -> set[str]:
    return {case.number for case in cases}


def drill(client, url) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response.context["page"].paginator.num_pages == 1
    return numbers(response.context["page"].object_list)


@pytest.fixture(name="areas")
def areas_fixture(db):
    city = AreaFactory(code="4407", name="江门市", level=Area.Level.CITY)
    pengjiang = AreaFactory(code="440703", name="蓬江区", level=Area.Level.DISTRICT, parent=city)
    baisha = AreaFactory(code="440703001", name="白沙街道", level=Area.Level.STREET, parent=pengjiang)
    return SimpleNamespace(
        city=city, pengjiang=pengjiang, baisha=baisha,
        village=AreaFactory(code="440703001001", name="白沙村", level=Area.Level.VILLAGE, parent=baisha),
        huanshi=AreaFactory(code="440703002", name="环市街道", level=Area.Level.STREET, parent=pengjiang),
        xinhui=(xinhui := AreaFactory(code="440705", name="新会区", level=Area.Level.DISTRICT, parent=city)),
        huicheng=AreaFactory(code="440705001", name="会城街道", level=Area.Level.STREET, parent=xinhui),
    )
