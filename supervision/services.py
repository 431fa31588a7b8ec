"""Supervision work: closing red-line items (销号, the center and district centers) and batch actions
on clusters (the center)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from complaints.access import require_act_for_center, require_close_red_line, require_dispatch_to
from complaints.models import Case, CaseCluster, CaseEvent, Notification
from complaints.services import case_dispatch, case_event_record, notification_send
from core.errors import ApplicationError
from core.notes import Note
from supervision.models import RedLineItem


@transaction.atomic
def red_line_close(*, item: RedLineItem, by, note: str) -> RedLineItem:
    """Close one ledger item (销号) with what was done about it."""
    item = RedLineItem.objects.select_for_update(of=("self",)).select_related("case__handling_unit").get(pk=item.pk)
    require_close_red_line(item.case, by)
    if not note.strip():
        raise ApplicationError(_("请写明销号依据（整改或处理情况）。"), field="note")
    if item.closed_at is not None:
        raise ApplicationError(_("该事项已销号。"))
    item.closed_at, item.closed_by, item.close_note = timezone.now(), by, note
    item.save(update_fields=["closed_at", "closed_by", "close_note"])
    return item


@transaction.atomic
def cluster_action_start(*, cluster: CaseCluster, by, title: str, unit) -> CaseCluster:
    """Turn a cluster into one batch action (专项行动) led by one unit: its registered cases are
    dispatched to that unit together, and every case's history says it is part of the action.
    Running it again takes in cases that joined the cluster since."""
    require_act_for_center(by)
    if not title.strip():
        raise ApplicationError(_("请填写专项行动名称。"), field="title")
    cluster = CaseCluster.objects.select_for_update().get(pk=cluster.pk)
    if cluster.state == CaseCluster.State.CLOSED:
        raise ApplicationError(_("该集中投诉已结束。"))
    if unit is None:
        raise ApplicationError(_("请选择牵头单位。"), field="unit")
    require_dispatch_to(by, unit)
    at = timezone.now()
    cluster.state, cluster.action_title, cluster.action_unit = CaseCluster.State.ACTION, title, unit
    cluster.action_started_at, cluster.action_by = cluster.action_started_at or at, cluster.action_by or by
    cluster.save()
    for case in cluster.cases.select_for_update(of=("self",)).order_by("received_at"):
        if case.state == Case.State.REGISTERED:
            case_dispatch(case=case, unit=unit, by=by, note=Note(gettext_noop("专项行动：%(title)s"), title=title))
        case_event_record(case=case, actor=by, action=CaseEvent.Action.BATCH_ACTION, at=at,
                          note=Note(gettext_noop("并入专项行动“%(title)s”，牵头单位：%(unit)s"),
                                    title=title, unit=unit.name),
                          data={"cluster": cluster.pk})
    notification_send(
        kind=Notification.Kind.NOTICE, units=[unit],
        title=_("专项行动：%(title)s（%(n)s件）") % {"title": title, "n": cluster.cases.count()},
        body=_("被投诉人：%s。请统一处置并逐件答复。") % cluster.respondent_name,
    )
    return cluster


@transaction.atomic
def cluster_close(*, cluster: CaseCluster, by) -> CaseCluster:
    require_act_for_center(by)
    cluster.state = CaseCluster.State.CLOSED
    cluster.save(update_fields=["state"])
    return cluster
