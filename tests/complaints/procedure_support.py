"""Helpers for the statutory-track tests: moments in Beijing time, and a report or complaint at a
given point of the statutory track, through the real services."""
from datetime import datetime
from unittest import mock

from complaints import services
from complaints.models import Case, StatutoryGround
from deadlines.workdays import SHANGHAI
from tests.complaints import journeys


def at(*args):
    return mock.patch("django.utils.timezone.now", return_value=datetime(*args, tzinfo=SHANGHAI))


def ground(case: Case, track: str, code: str) -> StatutoryGround:
    return StatutoryGround.objects.get(track=track, code=code, legal_basis=case.legal_basis)


def accepted_complaint(org, **fields) -> Case:
    """A complaint the station signed for, contacted the complainant about and accepted (受理)."""
    case = journeys.to_handling(org, **fields)
    services.case_accept_complaint(case=case, by=org.handler)
    return case


REPORT = {
    "kind": "report", "complainant_name": "王五", "complainant_phone": "13700137000",
    "respondent_name": "江门市蓬江区某超市", "incident_place": "蓬江区白沙大道西88号",
    "facts": "超市销售过期的进口奶粉,生产日期2024年3月,保质期18个月", "demand": "依法查处",
}
