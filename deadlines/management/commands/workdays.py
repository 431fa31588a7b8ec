"""Working-day arithmetic from the command line, for the center to check a deadline by hand.

    manage.py workdays add 2026-09-30 10          # 10 working days after 2026-09-30
    manage.py workdays add 2026-09-30 10 --days   # 10 calendar days (Civil Code rule)
    manage.py workdays year 2027                  # is the official schedule for 2027 loaded?
    manage.py workdays notice notice-2027.txt     # read a pasted State Council notice (saves nothing)
"""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from deadlines.holiday_notice import holiday_notice_parse
from deadlines.workdays import SOURCE_CENTER, CalendarError, load_calendar

SOURCE_LABELS = {SOURCE_CENTER: "中心录入 (center-entered)", "library": "chinesecalendar 库 (library)"}


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "按中国法定工作日计算期限，或查看某年的节假日安排是否已载入。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="起始日之后第 N 个工作日（或 --days：N 个自然日）")
        add.add_argument("start", type=iso_date)
        add.add_argument("n", type=int)
        add.add_argument("--days", action="store_true", help="按自然日计算，最后一日逢休息日顺延")
        year = actions.add_parser("year", help="某年的官方节假日安排是否已载入")
        year.add_argument("year", type=int)
        notice = actions.add_parser("notice", help="识别国务院办公厅节假日安排通知文本（只检查，不保存）")
        notice.add_argument("path")
        notice.add_argument("--year", type=int)

    def handle(self, *args, action, **options):
        if action == "notice":
            self._notice(options["path"], options["year"])
            return
        calendar = load_calendar()
        try:
            if action == "add":
                self._add(calendar, options["start"], options["n"], options["days"])
            else:
                self._year(calendar, options["year"])
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc

    def _add(self, calendar, start: date, n: int, calendar_days: bool) -> None:
        if n < 0:
            raise CommandError("N 不能为负数")
        if calendar_days:
            due = calendar.add_days(start, n)
            rule = f"{n}个自然日，起始日不计入，最后一日逢法定节假日或休息日顺延"
        else:
            due = calendar.add_working_days(start, n)
            rule = f"起始日之后第{n}个工作日"
        self.stdout.write(f"起始日 {start.isoformat()}；{rule}；期限至当日24:00（北京时间）")
        # The due date alone on the last line, so scripts can take it with `tail -n1`.
        self.stdout.write(due.isoformat())

    def _notice(self, path: str, year: int | None) -> None:
        try:
            with open(path, encoding="utf-8") as file:
                text = file.read()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        parsed = holiday_notice_parse(text, year=year)
        if not parsed.ok:
            raise CommandError("通知文本有误，未识别任何日期：\n" + "\n".join(str(e) for e in parsed.errors))
        for day in parsed.days:
            self.stdout.write(f"{day.date.isoformat()} {'上班' if day.is_workday else '放假'} {day.name}")
        self.stdout.write(f"{parsed.year}年：放假 {len(parsed.holidays)} 天；调休上班 {len(parsed.makeup_days)} 天")

    def _year(self, calendar, year: int) -> None:
        if not calendar.year_known(year):
            # A plain answer, not an error: asking is how the center finds out it must enter it.
            self.stdout.write(f"{year}年官方节假日安排未载入：请在管理后台“节假日安排”中录入国务院办公厅通知。")
            return
        holidays, makeup = calendar.year_special_days(year)
        source = SOURCE_LABELS[calendar.year_source(year)]
        self.stdout.write(f"{year}年官方节假日安排已载入，来源：{source}")
        makeup_list = "、".join(d.isoformat() for d in makeup)
        self.stdout.write(f"放假 {len(holidays)} 天；调休上班 {len(makeup)} 天：{makeup_list}")
