from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """Grants each user the permissions of the Group named after their role, so the center edits
    what a role may do in the admin rather than in code."""

    def _get_group_permissions(self, user_obj):
        by_groups = super()._get_group_permissions(user_obj)
        if not user_obj.role:
            return by_groups
        by_role = Permission.objects.filter(group__name=user_obj.role)
        return by_groups | by_role
