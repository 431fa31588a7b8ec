from django.core.management.base import BaseCommand, CommandError

from integration.models import ExternalSystem
from integration.services import api_key_issue


class Command(BaseCommand):
    help = "Issue a new API key for an external system and print it (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("system_code")

    def handle(self, *args, system_code, **options):
        try:
            system = ExternalSystem.objects.get(code=system_code)
        except ExternalSystem.DoesNotExist:
            raise CommandError(f"no external system with code {system_code!r}") from None
        self.stdout.write(api_key_issue(system=system))
