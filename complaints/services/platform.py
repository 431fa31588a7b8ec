"""Order 121's platform jurisdiction: a merchant on an e-commerce platform who published no address
there, or cannot be reached at it, is dealt with by the bureau of the platform operator's home.
The proposal itself is routing.selectors.platform_route_propose; this is the one action that
switches a case to it."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError
from core.notes import Note
from routing.models import PlatformJurisdiction

from ..access import require_switch_platform_jurisdiction
from ..models import Case, CaseEvent
from .dispatch import case_return
from .history import case_event_record
from .routing import case_routing_refresh


@transaction.atomic
def case_platform_jurisdiction_switch(*, case: Case, by, reason: str) -> Case:
    """Switch a platform merchant's case to the operator's home bureau (Order 121), in one action:
    the clerk or dispatcher before dispatch, then the center's queue proposes the operator's unit;
    the unit it was dispatched to, which also hands it back (退回) so it can go there."""
    require_switch_platform_jurisdiction(case, by)
    if reason not in PlatformJurisdiction.values:
        raise ApplicationError(_("请选择按平台经营者住所地管辖的原因。"), field="reason")
    if case.respondent_platform_id is None:
        raise ApplicationError(_("按平台经营者住所地管辖须先填写电商平台。"), field="respondent_platform")
    if case.platform_jurisdiction == reason:
        raise ApplicationError(_("该工单已按平台经营者住所地管辖。"), field="reason")
    at = timezone.now()
    case.platform_jurisdiction = reason
    case.save()
    label = PlatformJurisdiction(reason).label
    note = Note(gettext_noop("改按平台经营者住所地管辖：%(why)s（%(platform)s）"), why=label,
                platform=case.respondent_platform.name)
    case_event_record(case=case, actor=by, action=CaseEvent.Action.UPDATE, at=at, note=note,
                      data={"platform_jurisdiction": reason, "platform": case.respondent_platform.code})
    if case.state == Case.State.DISPATCHED:
        case = case_return(case=case, by=by, reason=note.in_default_language())
    if case.state == Case.State.REGISTERED:
        case.routing = case_routing_refresh(case=case, by=by, at=at)  # the caller reads the new proposal
    return case
