"""In-app notifications, e-mailed after commit where the recipients have an address."""
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.tasks import mail_send_later
from routing.models import User

from ..models import Notification

logger = logging.getLogger(__name__)


def notification_build(*, kind: str, title: str, body: str = "", case=None, unit=None, user=None,
                       at=None) -> Notification:
    """One notification to a unit (everyone in it) or to a user, not yet written. The deadline
    sweep uses it for the rows it writes by the thousand; `notification_send` for everyone else."""
    fields = {"created_at": at} if at is not None else {}
    return Notification(kind=kind, title=title, body=body, case=case, recipient_unit=unit, recipient_user=user,
                        **fields)


def notification_send(*, kind: str, title: str, body: str = "", case=None, units=(), users=()) -> list[Notification]:
    """Write one notification per unit and per user; the e-mails go out only once the caller's
    transaction commits, so a rolled-back action never mails anyone."""
    rows = [notification_build(kind=kind, title=title, body=body, case=case, unit=unit) for unit in units]
    rows += [notification_build(kind=kind, title=title, body=body, case=case, user=user) for user in users]
    return notifications_write(rows=rows)


def notifications_write(*, rows: list[Notification]) -> list[Notification]:
    """Write the rows in one statement and mail them after commit (see `notifications_mail`)."""
    created = Notification.objects.bulk_create(rows, batch_size=2000)
    notifications_mail(told=[(n.title, n.body, n.recipient_unit_id, n.recipient_user_id) for n in created])
    return created


def notifications_mail(*, told: Iterable[tuple[str, str, int | None, int | None]]) -> None:
    """Mail what was written, once the caller's transaction commits: one mail per title and body
    to every active member of each unit told and each active user told by name, each address
    once. `told` holds (title, body, recipient unit id, recipient user id) per notification."""
    told = list(told)
    unit_ids = {unit_id for _, _, unit_id, _ in told if unit_id}
    user_ids = {user_id for _, _, _, user_id in told if user_id}
    if not unit_ids and not user_ids:
        return
    by_unit: dict[int, set[str]] = {}
    by_user: dict[int, str] = {}
    # One query for every address, whatever the number of notifications.
    for pk, unit_id, email in User.objects.filter(Q(unit_id__in=unit_ids) | Q(pk__in=user_ids), is_active=True) \
            .exclude(email="").values_list("pk", "unit_id", "email"):
        by_user[pk] = email
        by_unit.setdefault(unit_id, set()).add(email)
    # A leader is told by name and as a member of the unit: one mail per message and person.
    by_message: dict[tuple[str, str], set[str]] = {}
    for title, body, unit_id, user_id in told:
        addresses = by_message.setdefault((title, body), set())
        if user_id in by_user:
            addresses.add(by_user[user_id])
        if unit_id:
            addresses |= by_unit.get(unit_id, set())
    messages = [(f"【12315】{title}", body or title, None, sorted(addresses))
                for (title, body), addresses in by_message.items() if addresses]
    if messages:
        transaction.on_commit(lambda: _mail(messages))


def _mail(messages: list[tuple]) -> None:
    # Sent by the worker with a timeout (core/tasks.py), never by the web request.
    mail_send_later(messages)


@transaction.atomic
def notification_mark_read(*, user, notification_ids) -> int:
    return Notification.objects.filter(pk__in=notification_ids, read_at__isnull=True).filter(
        Q(recipient_user=user) | Q(recipient_unit_id=user.unit_id)
    ).update(read_at=timezone.now())
