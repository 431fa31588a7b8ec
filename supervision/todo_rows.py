"""The to-do rows that act in place on a case (中心待办): a stage reply owed (待阶段性回复) and a
同城通办 notice not yet filed. Each calls the service the case page calls; the view shows what
comes back: nothing on success, else the error and the text typed, for the page to keep."""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from complaints import services
from complaints.selectors import case_list
from complaints.services import routing as routing_services
from core.errors import STALE_MESSAGE, ApplicationError


@dataclass(frozen=True)
class RowAction:
    run: object  # (case, user, text) -> None
    success: object  # a lazy message


ROW_ACTIONS = {
    "stage_reply": RowAction(lambda case, user, text: services.case_stage_reply(case=case, by=user, text=text),
                             gettext_lazy("已记录阶段性回复。")),
    "cross_region": RowAction(
        lambda case, user, text: routing_services.case_cross_region_notify(case=case, by=user, note=text),
        gettext_lazy("已记录告知并报中心备案。")),
}


@dataclass(frozen=True)
class RowFailure:
    """What the page shows again: the row (kind and case), what was typed and why it was refused."""
    kind: str
    number: str
    text: str
    error: str


def todo_row_act(*, user, data) -> tuple[str, RowFailure | None]:
    """Run the row action posted in `data` (do, case, version, text): its success message, or the failure."""
    kind, number, text = data.get("do", ""), data.get("case", ""), data.get("text", "")
    action = ROW_ACTIONS.get(kind)
    if action is None:
        raise PermissionDenied
    case = get_object_or_404(case_list(visible_to=user), number=number)

    def failed(message) -> tuple[str, RowFailure]:
        return "", RowFailure(kind=kind, number=number, text=text, error=str(message))

    if data.get("version") != str(case.version):
        return failed(STALE_MESSAGE)
    try:
        action.run(case, user, text)
    except ApplicationError as error:  # the service's own word: an empty text, a state that moved on
        return failed(error.message)
    except (TransitionNotAllowed, PermissionDenied) as error:
        return failed(str(error) or _("该工单现在不能进行此操作。"))
    except ConcurrentTransition:
        return failed(STALE_MESSAGE)
    return str(action.success), None
