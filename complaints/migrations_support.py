"""Role groups and their permissions, shared by the data migration and the test set-up."""
from django.contrib.auth.management import create_permissions


def role_groups_ensure(apps=None) -> None:
    """Create each role's Group with the default permissions of complaints.roles, if missing."""
    from django.apps import apps as global_apps

    from .roles import ROLE_PERMISSIONS

    apps = apps or global_apps
    app_config = apps.get_app_config("complaints")
    if apps is not global_apps:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    if apps is not global_apps:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=role)
        if created:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="complaints", codename__in=codenames)
            )
