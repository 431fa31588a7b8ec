"""What a complainant does on the public look-up page: rate the handling once, after the reply."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from ..models import Case, CaseEvent, PublicRating
from .history import case_event_record


def case_public_rating_allowed(*, case: Case) -> bool:
    """A reply the center approved (核查通过), or a consultation answered on the spot, may be rated;
    a declined or transferred case has no handling to rate, and a reply sent back for redo is no
    answer yet."""
    if case.state in Case.NOT_TAKEN_UP_STATES or case.replied_at is None:
        return False
    return case.reply_approved_at is not None or case.state == Case.State.ARCHIVED


def case_public_rating_open(*, case: Case) -> bool:
    """The complainant may rate the approved answer, and only once."""
    return case_public_rating_allowed(case=case) and not PublicRating.objects.filter(case=case).exists()


@transaction.atomic
def case_rate_public(*, case: Case, satisfaction: str, resolved: bool, comment: str = "") -> PublicRating:
    if satisfaction not in PublicRating.Choice.values:
        raise ApplicationError(_("请选择满意度。"), field="satisfaction")
    if resolved is None:
        raise ApplicationError(_("请选择问题是否解决。"), field="resolved")
    if not case_public_rating_allowed(case=case):
        raise ApplicationError(_("承办单位答复并经中心核查后才能评价。"))
    at = timezone.now()
    try:
        # The one-to-one constraint makes "once" hold even for two submissions at the same moment.
        with transaction.atomic():
            rating = PublicRating.objects.create(
                case=case,
                satisfaction=satisfaction,
                resolved=resolved,
                comment=comment.strip(),
                created_at=at,
            )
    except IntegrityError:
        raise ApplicationError(_("您已评价过，每件工单只能评价一次。")) from None
    case_event_record(
        case=case,
        actor=None,
        action=CaseEvent.Action.PUBLIC_RATING,
        note=comment.strip(),
        at=at,
        data={"satisfaction": satisfaction, "resolved": resolved},
    )
    return rating
