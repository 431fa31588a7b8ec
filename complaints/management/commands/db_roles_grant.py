from django.core.management.base import BaseCommand, CommandError

from complaints.db_roles import RoleGrantError, owner_connection, role_grants_apply


class Command(BaseCommand):
    help = (
        "Give the application's database role (it owns nothing) exactly the privileges it needs, now and on "
        "tables created later: SELECT, INSERT everywhere, UPDATE but on the history, DELETE only where the "
        "application deletes. Connects as MIGRATION_DATABASE_URL's role (the owner) when set. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the application's role, e.g. cases_app")

    def handle(self, *args, role, **options):
        with owner_connection():
            try:
                counts = role_grants_apply(role=role)
            except RoleGrantError as error:
                raise CommandError(str(error)) from None
        for privileges, tables in counts.items():
            self.stdout.write(f"{role}: {privileges} on {tables} tables")
