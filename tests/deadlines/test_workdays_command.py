"""`manage.py workdays`: the due date a center clerk checks by hand."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from deadlines.models import CalendarDay, HolidaySchedule

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_add_working_days_prints_iso_due_date_last():
    lines = run("add", "2026-09-30", "10")
    assert lines[-1] == "2026-10-20"
    assert "2026-09-30" in lines[0]


def test_add_calendar_days_moves_off_the_holiday():
    assert run("add", "2026-09-29", "2", "--days")[-1] == "2026-10-08"


def test_counting_into_unknown_year_fails():
    with pytest.raises(CommandError, match="2027年"):
        run("add", "2026-12-25", "10")


def test_bad_date_fails():
    with pytest.raises(CommandError):
        run("add", "2026-13-01", "1")


def test_year_from_library():
    text = "\n".join(run("year", "2026"))
    assert "已载入" in text and "library" in text
    assert "2026-02-14" in text and "2026-10-10" in text  # make-up days listed


def test_year_unknown_then_entered_by_center():
    assert "未载入" in run("year", "2027")[-1]
    schedule = HolidaySchedule.objects.create(year=2027, notice="国办发明电〔2026〕x号")
    CalendarDay.objects.create(date="2027-01-01", is_workday=False, name="元旦", schedule=schedule)
    text = "\n".join(run("year", "2027"))
    assert "已载入" in text and "center" in text and "放假 1 天" in text
    assert run("add", "2026-12-30", "2")[-1] == "2027-01-04"


def test_notice_reads_a_pasted_notice_without_saving(tmp_path):
    from pathlib import Path

    text = (Path(__file__).parent / "notices" / "notice_2026.txt").read_text(encoding="utf-8")
    good = tmp_path / "notice-2026.txt"
    good.write_text(text, encoding="utf-8")
    lines = run("notice", str(good))
    assert lines[0] == "2026-01-01 放假 元旦" and "2026-01-04 上班 元旦" in lines
    assert lines[-1] == "2026年：放假 33 天；调休上班 6 天"
    assert not HolidaySchedule.objects.exists()
    bad = tmp_path / "bad.txt"
    bad.write_text(text.replace("共9天", "共8天"), encoding="utf-8")
    with pytest.raises(CommandError, match="第7行：写明共8天，但2月15日至2月23日是9天"):
        run("notice", str(bad))
