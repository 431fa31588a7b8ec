"""In-app notifications, e-mailed after commit where the recipients have an address."""
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from routing.models import User

from ..models import Notification

logger = logging.getLogger(__name__)


def notification_send(*, kind: str, title: str, body: str = "", case=None, units=(), users=()) -> list[Notification]:
    """Write one notification per unit and per user; the e-mails go out only once the caller's
    transaction commits, so a rolled-back action never mails anyone."""
    rows = [Notification(kind=kind, title=title, body=body, case=case, recipient_unit=unit) for unit in units]
    rows += [Notification(kind=kind, title=title, body=body, case=case, recipient_user=user) for user in users]
    created = Notification.objects.bulk_create(rows)
    addresses = set(
        User.objects.filter(Q(unit__in=list(units)) | Q(pk__in=[u.pk for u in users]), is_active=True)
        .exclude(email="").values_list("email", flat=True)
    ) if rows else set()
    if addresses:
        transaction.on_commit(lambda: _mail(title, body, sorted(addresses)))
    return created


def _mail(title: str, body: str, addresses: list[str]) -> None:
    try:
        send_mail(f"【12315】{title}", body or title, None, addresses)
    except Exception:  # the in-app notification is the record; a mail failure must not undo it
        logger.exception("notification e-mail failed")


@transaction.atomic
def notification_mark_read(*, user, notification_ids) -> int:
    return Notification.objects.filter(pk__in=notification_ids, read_at__isnull=True).filter(
        Q(recipient_user=user) | Q(recipient_unit_id=user.unit_id)
    ).update(read_at=timezone.now())
