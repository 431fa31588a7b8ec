"""Publish the weekly notices and monthly rankings not yet published, as the daily beat task does
(for instance after an outage longer than the task looks back):

    manage.py reports_publish                 # the last 8 weeks and 3 months
    manage.py reports_publish --weeks 20 --months 6
"""
from django.core.management.base import BaseCommand

from reports.services_snapshots import MONTHS_BACK, WEEKS_BACK, report_snapshots_publish_due


class Command(BaseCommand):
    help = "发布尚未发布的每周通报和月度排名（已发布的不会重复发布，也不会改变）。"

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=WEEKS_BACK, help="回溯的周数")
        parser.add_argument("--months", type=int, default=MONTHS_BACK, help="回溯的月数")

    def handle(self, *args, weeks, months, **options):
        published = report_snapshots_publish_due(weeks=weeks, months=months)
        self.stdout.write(f"已发布 {published} 份报表 (published {published} reports)")
