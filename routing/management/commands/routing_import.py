"""`manage.py routing_import areas|rules FILE`: import areas or routing rules from .xlsx or .csv."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing.imports import ImportRejected, routing_import


class Command(BaseCommand):
    help = "导入区域或分流规则(.xlsx/.csv);有错误行则全部不导入并逐行报告。"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["areas", "rules"])
        parser.add_argument("file", type=Path)

    def handle(self, *args, what, file, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            result = routing_import(what=what, content=file.read_bytes(), filename=file.name)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(f"未导入:{len(rejected.errors)} 行有错误") from None
        self.stdout.write(f"新增 {result.created},更新 {result.updated}")
