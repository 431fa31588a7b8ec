from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integration.services import staff_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a member of staff and print it (stored only as a hash; it expires)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="validity (default STAFF_TOKEN_DAYS)")

    def handle(self, *args, username, days=None, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        self.stdout.write(staff_token_issue(user=user, days=days))
