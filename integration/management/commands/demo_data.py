from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from complaints.demo import DemoRefused, demo_data_load
from integration.demo import demo_integration_load


class Command(BaseCommand):
    help = ("Create the demo organisation, users and cases, and print the demo logins. Only into an empty"
            " database (or one this command filled before), and only with DEBUG on unless"
            " --allow-without-debug is given.")

    def add_arguments(self, parser):
        parser.add_argument("--allow-without-debug", action="store_true",
                            help="load the demo data although DEBUG is off (a demo server without debug pages)")

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                logins = demo_data_load(debug=settings.DEBUG, allow_without_debug=options["allow_without_debug"])
                key = demo_integration_load()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("演示账号 / demo logins:")
        for username, password, unit, role in logins:
            self.stdout.write(f"  {username:<12} {password:<10} {unit} · {role}")
        self.stdout.write(f"API: /api/v1/docs/  ·  Authorization: Api-Key {key}  (demo 12345 platform)")
