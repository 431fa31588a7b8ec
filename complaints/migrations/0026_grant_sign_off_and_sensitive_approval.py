"""The unit leader role signs off its unit's replies (经办人 → 负责人) and the director approves the
replies of sensitive cases (报批): the role groups get the two new permissions."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"unit_leader": "sign_off_reply_case", "director": "approve_sensitive_reply_case"}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codename in GRANTS.items():
        permission = Permission.objects.filter(content_type__app_label="complaints", codename=codename).first()
        group = Group.objects.filter(name=role).first()
        if permission is not None and group is not None:
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codename in GRANTS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="complaints",
                                                                codename=codename))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0025_reply_sign_off_and_referral"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, revoke)]
