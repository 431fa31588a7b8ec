"""A district center that receives a case outside its district returns it to the center: the
supervisor and director role groups get the return permission (handlers already have it)."""
from django.db import migrations

ROLES = ["supervisor", "director"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="complaints", codename="return_case").first()
    if permission is None:  # permissions not created yet: the seeding migration will use roles.py
        return
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="complaints",
                                                            codename="return_case"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_routing_assignments"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, revoke)]
