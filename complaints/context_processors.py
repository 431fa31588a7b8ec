from django.db.models import Q


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    count = Notification.objects.filter(read_at__isnull=True).filter(
        Q(recipient_user=user) | Q(recipient_unit_id=user.unit_id)
    ).count()
    return {"unread_notifications": count}
