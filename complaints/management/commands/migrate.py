"""`migrate` as the owner of the tables when MIGRATION_DATABASE_URL is set; afterwards the
application's role (DATABASE_URL's user) gets its grants on whatever the migrations created."""
from django.core.management.commands import migrate
from django.db import connections

from complaints.db_roles import owner_connection, owner_settings, role_grants_apply


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as MIGRATION_DATABASE_URL's role when that is set."

    def handle(self, *args, **options):
        owner = owner_settings()
        if owner is None or options["database"] != "default":
            return super().handle(*args, **options)
        app_role = connections["default"].settings_dict["USER"]
        with owner_connection() as connection:
            super().handle(*args, **options)
            if connection.vendor == "postgresql" and app_role and app_role != owner.get("USER"):
                counts = role_grants_apply(role=app_role)
                if options["verbosity"]:
                    granted = "; ".join(f"{privileges} on {n} tables" for privileges, n in counts.items())
                    self.stdout.write(f"Grants for {app_role}: {granted}")
