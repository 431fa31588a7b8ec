import threading
import time

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

# (user pk, role, is_superuser) -> (valid until, permission names). Each API request loads its
# acting user afresh, so without this every request re-reads the same role's permissions. Kept for
# RULES_CACHE_SECONDS (a revoked permission is honoured by other processes within seconds) and
# cleared in this process by any change to permissions or groups (routing/apps.py).
_granted: dict[tuple, tuple[float, set[str]]] = {}
_lock = threading.Lock()


def permissions_changed(**_kwargs) -> None:
    with _lock:
        _granted.clear()


class RoleBackend(ModelBackend):
    """Grants each user the permissions of the Group named after their role, so the center edits
    what a role may do in the admin rather than in code."""

    def _get_group_permissions(self, user_obj):
        by_groups = super()._get_group_permissions(user_obj)
        if not user_obj.role:
            return by_groups
        by_role = Permission.objects.filter(group__name=user_obj.role)
        return by_groups | by_role

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or hasattr(user_obj, "_perm_cache"):
            return super().get_all_permissions(user_obj, obj)
        key, now = (user_obj.pk, user_obj.role, user_obj.is_superuser), time.monotonic()
        found = _granted.get(key)
        if found is not None and found[0] > now:
            user_obj._perm_cache = found[1]
            return found[1]
        granted = super().get_all_permissions(user_obj)
        with _lock:
            _granted[key] = (now + getattr(settings, "RULES_CACHE_SECONDS", 5), granted)
        return granted
