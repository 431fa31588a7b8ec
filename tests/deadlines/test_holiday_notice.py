"""The State Council's holiday notice, pasted as published, gives exactly the official calendar."""
from datetime import date
from pathlib import Path

import chinese_calendar
import pytest

from deadlines.holiday_notice import holiday_notice_parse

NOTICES = Path(__file__).parent / "notices"


def notice(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2025, 2026])
def test_real_notice_gives_exactly_the_library_holidays_and_makeup_days(year):
    parsed = holiday_notice_parse(notice(f"notice_{year}.txt"))
    assert parsed.ok, [str(e) for e in parsed.errors]
    assert parsed.year == year
    assert parsed.holidays == sorted(d for d in chinese_calendar.holidays if d.year == year)
    assert parsed.makeup_days == sorted(d for d in chinese_calendar.workdays if d.year == year)


def test_half_width_punctuation_reads_the_same_as_full_width():
    full = notice("notice_2026.txt")
    half = full.translate(str.maketrans("（），：；", "(),:;"))
    assert half != full
    assert holiday_notice_parse(half).days == holiday_notice_parse(full).days


def test_days_carry_their_holiday_name_and_line():
    parsed = holiday_notice_parse(notice("notice_2025.txt"))
    by_date = {d.date: d for d in parsed.days}
    assert by_date[date(2025, 1, 29)].name == "春节" and not by_date[date(2025, 1, 29)].is_workday
    assert by_date[date(2025, 2, 8)].name == "春节" and by_date[date(2025, 2, 8)].is_workday
    assert by_date[date(2025, 10, 6)].name == "国庆节、中秋节"
    assert by_date[date(2025, 1, 1)].line == 6


def test_forms_without_weekdays_single_days_and_ranges_across_months():
    text = ("国务院办公厅关于2025年部分节假日安排的通知\n"
            "二、春节：1月28日至2月4日放假调休，共8天。1月26日（周日）、2月8日（周六）上班。\n"
            "三、清明节：4月4日（周五）放假。\n"
            "四、劳动节：5月1日至5日放假调休\n")
    parsed = holiday_notice_parse(text)
    assert parsed.ok
    assert parsed.holidays[:8] == [date(2025, 1, 28 + n) for n in range(4)] + [date(2025, 2, n) for n in range(1, 5)]
    assert date(2025, 4, 4) in parsed.holidays and date(2025, 4, 5) not in parsed.holidays
    assert parsed.holidays[-5:] == [date(2025, 5, n) for n in range(1, 6)]
    assert parsed.makeup_days == [date(2025, 1, 26), date(2025, 2, 8)]


def test_a_line_broken_by_the_paste_is_read_as_one_item():
    text = "2026年部分节假日安排\n一、元旦：1月1日（周四）至3日（周six）放假调休，共3天。\n1月4日（周日）上班。\n"
    parsed = holiday_notice_parse(text.replace("six", "六"))
    assert parsed.makeup_days == [date(2026, 1, 4)] and len(parsed.holidays) == 3


@pytest.mark.parametrize("line, message", [
    ("一、元旦：1月1日（周五）至3日（周六）放假调休，共3天。", "1月1日是周四，文中写的是周五"),
    ("一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。", "写明共4天，但1月1日至1月3日是3天"),
    ("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月5日上班。", "1月5日是周一，不是需调休上班的周末"),
    ("一、元旦：2月30日放假。", "2026年2月30日不是有效日期"),
    ("一、元旦：1月1日（周四）至3日（周六）休息。", "无法识别"),
    ("一、元旦：1月3日至1月1日放假。", "早于开始日"),
])
def test_a_mistake_is_reported_with_its_line_and_nothing_is_kept(line, message):
    text = f"国务院办公厅关于2026年部分节假日安排的通知\n{line}\n三、清明节：4月4日（周六）至6日（周一）放假，共3天。"
    parsed = holiday_notice_parse(text)
    assert not parsed.ok and parsed.days == []
    [error] = parsed.errors
    assert error.line == 2 and error.text == line
    assert message in str(error)


def test_a_day_both_off_and_working_is_refused():
    text = "2026年部分节假日安排\n一、元旦：1月3日（周六）放假。\n二、春节：2月17日（周二）放假。1月3日（周六）上班。"
    parsed = holiday_notice_parse(text)
    assert [e.line for e in parsed.errors] == [3] and "既放假又上班" in str(parsed.errors[0])


def test_the_year_must_be_known_and_agree():
    assert "无法确定年份" in str(holiday_notice_parse("一、元旦：1月1日放假。").errors[0])
    assert holiday_notice_parse("一、元旦：1月1日（周四）放假。", year=2026).holidays == [date(2026, 1, 1)]
    mismatch = holiday_notice_parse(notice("notice_2026.txt"), year=2027)
    assert "2026年的安排，与所填年份2027年不符" in str(mismatch.errors[0])


def test_text_without_items_is_an_error():
    parsed = holiday_notice_parse("国务院办公厅关于2027年部分节假日安排的通知\n各省、自治区、直辖市人民政府：")
    assert not parsed.ok and "没有找到" in str(parsed.errors[0])


def test_the_2027_test_text_gives_a_complete_plausible_year():
    parsed = holiday_notice_parse(notice("notice_2027_test.txt"))
    assert parsed.ok and parsed.year == 2027
    assert parsed.holidays[:3] == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    assert parsed.makeup_days == [date(2027, 2, 13), date(2027, 4, 25), date(2027, 5, 8),
                                  date(2027, 9, 26), date(2027, 10, 9)]
