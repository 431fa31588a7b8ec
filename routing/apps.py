from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("机构与分流")

    def ready(self):
        from django.contrib.auth.models import Group, Permission

        from .auth import permissions_changed
        from .models import User

        for sender in (Group.permissions.through, User.groups.through, User.user_permissions.through):
            m2m_changed.connect(permissions_changed, sender=sender, dispatch_uid=f"perms-{sender.__name__}")
        for model in (Group, Permission):
            post_save.connect(permissions_changed, sender=model, dispatch_uid=f"perms-save-{model.__name__}")
            post_delete.connect(permissions_changed, sender=model, dispatch_uid=f"perms-del-{model.__name__}")
