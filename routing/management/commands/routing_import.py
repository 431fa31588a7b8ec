"""`manage.py routing_import areas|units|categories|users|rules FILE [--dry-run]`: import reference
data from .xlsx or .csv, as the import page does; `--template` writes the .xlsx template instead."""
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing.import_templates import import_template
from routing.imports import IMPORT_KINDS, ImportRejected, routing_import


class Command(BaseCommand):
    help = "导入区域、单位、业务分类、用户或分流规则（.xlsx/.csv）；有错误行则全部不导入并逐行报告。"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=IMPORT_KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告将新增、修改、不变的条数，不写入")
        parser.add_argument("--template", action="store_true", help="把导入模板（.xlsx）写到 FILE")

    def handle(self, *args, what, file, dry_run, template, **options):
        if template:
            file.write_bytes(import_template(what))
            self.stdout.write(f"模板已写入 {file}")
            return
        if not file.exists():
            raise CommandError(f"{file}: no such file")

        def progress(done, total):
            if total > 50000 and sys.stderr.isatty():
                self.stderr.write(f"\r{done}/{total}", ending="")

        try:
            result = routing_import(what=what, content=file.read_bytes(), filename=file.name, dry_run=dry_run,
                                    progress=progress)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(f"未导入：{rejected.count} 行有错误") from None
        for warning in result.warnings:
            self.stderr.write(f"警告：{warning}")
        for note in result.notes:
            self.stdout.write(note)
        prefix = "试运行（未写入）：将" if dry_run else ""
        self.stdout.write(f"{prefix}新增 {result.created}，修改 {result.updated}，不变 {result.unchanged}")
