"""Telling the center when work arrives for it: an extension request to decide, a case returned by
a unit, a reply to review. Without a notice an extension could sit unapproved until the unit's
deadline passed. A history listener (registered in SupervisionConfig.ready()), so it runs in the
transaction of the change and complaints need not know who supervises."""
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseEvent, Notification
from complaints.services.notifications import notification_send
from routing.models import Unit, User
from supervision.policy import SupervisionSettings

# What each arrival is called, and which rule of 督办规则 says whether the director is told too.
ARRIVALS = {
    CaseEvent.Action.REQUEST_EXTENSION: (Notification.Kind.EXTENSION, "tell_director_of_extensions",
                                         _("工单 %(number)s：%(unit)s申请延期，请审批")),
    CaseEvent.Action.RETURN: (Notification.Kind.DISPATCH, "tell_director_of_returns",
                              _("工单 %(number)s 被%(unit)s退回，请重新分流")),
    CaseEvent.Action.REPLY: (Notification.Kind.NOTICE, "tell_director_of_replies",
                             _("工单 %(number)s：%(unit)s已答复，请核查")),
}


def arrival_recipients(*, case, director: bool) -> list[User]:
    """The active supervisors of the center and of the district center above the handling unit (or
    that dispatched the case), and the center's directors when `director`."""
    # The district centers above (or at) the handling unit and the one that dispatched the case.
    codes = {code for unit in (case.handling_unit, case.dispatching_unit) if unit is not None
             for code in unit.path.split("/") if code}
    users = User.objects.filter(is_active=True, role=User.Role.SUPERVISOR, unit__kind=Unit.Kind.CENTER)
    users = users | User.objects.filter(is_active=True, role=User.Role.SUPERVISOR,
                                        unit__kind=Unit.Kind.DISTRICT_CENTER, unit__code__in=codes)
    if director:
        users = users | User.objects.filter(is_active=True, role=User.Role.DIRECTOR, unit__kind=Unit.Kind.CENTER)
    return list(users.distinct().order_by("pk"))


def arrivals_tell(*, event: CaseEvent) -> None:
    arrival = ARRIVALS.get(event.action)
    if arrival is None:
        return
    # A return the district center takes back is told to that center by the return itself.
    if event.action == CaseEvent.Action.RETURN and event.data.get("back_to"):
        return
    kind, rule, title = arrival
    case = event.case
    # A sensitive case's reply needs the director's approval (报批): the director is always told.
    director = getattr(SupervisionSettings.cached(), rule) or (
        event.action == CaseEvent.Action.REPLY and case.sensitive)
    users = arrival_recipients(case=case, director=director)
    if users:
        unit = event.actor_unit.name if event.actor_unit else ""
        notification_send(kind=kind, case=case, users=users, body=str(event.note),
                          title=str(title) % {"number": case.number, "unit": unit})
