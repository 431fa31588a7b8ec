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


def menu_access(request) -> dict:
    """What the menu offers, from the access rules (complaints.access), never from role names."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from . import access

    return {"may": {
        "open_reports": access.may_open_reports(user),
        "open_center_pages": access.may_open_center_pages(user),
        "open_dispatch_queue": access.may_open_dispatch_queue(user),
        "import_routing": access.may_import_routing(user),
        "read_access_log": access.may_read_access_log(user),
    }}
