from django.core.management.base import BaseCommand

from complaints.demo import demo_data_load
from integration.demo import demo_integration_load


class Command(BaseCommand):
    help = "Create the demo organisation, users and cases, and print the demo logins."

    def handle(self, *args, **options):
        logins = demo_data_load()
        self.stdout.write("演示账号 / demo logins:")
        for username, password, unit, role in logins:
            self.stdout.write(f"  {username:<12} {password:<10} {unit} · {role}")
        key = demo_integration_load()
        self.stdout.write(f"API: /api/v1/docs/  ·  Authorization: Api-Key {key}  (demo 12345 platform)")
