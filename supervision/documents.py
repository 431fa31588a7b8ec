"""The 督办单: one document per escalation step of a case, in the name of the unit that
dispatched it (the center, or the district center for its own stations); the director's level
goes out in the center's name."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.case_kinds import case_values
from documents.kinds import DocumentKind, chinese_date, kind_add
from routing.models import Unit

from .records import Escalation

SUPERVISION_ORDER = "supervision_order"


def _escalation(case, subject_key: str) -> Escalation:
    return Escalation.objects.select_related("clock", "unit", "handler").get(case=case, pk=int(subject_key))


def _subjects(case) -> list[tuple[str, str]]:
    return [(str(e.pk), f"{e.get_level_display()} · {e.clock.get_clock_display()} · "
                        f"{timezone.localtime(e.created_at):%Y-%m-%d}")
            for e in Escalation.objects.filter(case=case).select_related("clock").order_by("created_at")]


def _issuer(*, case, subject_key):
    escalation = _escalation(case, subject_key)
    if escalation.level == Escalation.Level.DIRECTOR or case.dispatching_unit is None:
        return Unit.objects.filter(kind=Unit.Kind.CENTER).order_by("path").first()
    return case.dispatching_unit


def _values(*, case, subject_key):
    escalation = _escalation(case, subject_key)
    handler = escalation.handler
    return {
        **case_values(case),
        "责任单位": (escalation.unit or case.handling_unit).name if (escalation.unit or case.handling_unit) else "",
        "承办人": (handler.get_full_name() or handler.username) if handler else "",
        "督办级别": str(escalation.get_level_display()),
        "超期时限": str(escalation.clock.get_clock_display()),
        "到期日期": chinese_date(escalation.due_at),
        "督办日期": chinese_date(escalation.created_at),
    }


def register() -> None:
    kind_add(DocumentKind(
        code=SUPERVISION_ORDER, title=_("督办单"), subjects=_subjects, values=_values, issuer=_issuer,
        placeholders=("责任单位", "承办人", "督办级别", "超期时限", "到期日期", "督办日期"),
    ))
