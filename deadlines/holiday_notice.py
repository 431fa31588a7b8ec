"""Reading the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知).

The center pastes the notice as published; `holiday_notice_parse` turns it into the year's days off
and make-up working days. Pure Python, no Django: the admin (deadlines/admin_notice.py) shows the
result for confirmation and `deadlines.calendar_services.holiday_schedule_import` saves it.

What is read: the numbered items ("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）
上班。"), with full-width or half-width punctuation, a range ("5月1日至5日"), a single day ("4月4日（周五）
放假") and lists of make-up days ("1月26日（周日）、2月8日（周六）上班"). Everything else (title,
addressees, the closing paragraph) is ignored. What is checked, because a typo here moves every
deadline of the year: a weekday named in brackets must be the date's weekday, "共N天" must be the
length of the range, a make-up working day must fall on a weekend, no day is both off and working,
and every date lies in the notice's year. Every problem is reported with its line; none is guessed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

# "一、" ... "十二、": the notice numbers each holiday; "1." is how some reposts number them.
_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|\d{1,2}\s*[、.](?!\d))"
                   r"\s*(?P<name>[^:]{1,20}?)\s*:\s*(?P<body>.*)$")
# A date: "2027年1月1日", "1月1日" or, after a month was named, "3日"; its bracket "（周四）" or
# "（农历除夕、周二）" is kept to check the weekday.
_DATE = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*日"
                   r"\s*(?:\((?P<note>[^)]*)\))?")
_RANGE_JOIN = re.compile(r"^\s*(?:至|到|-|~|—|–)\s*$")
_COUNT = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_YEAR = re.compile(r"(\d{4})\s*年\s*(?:部分节假日|元旦|节假日)")
# Clauses end at 。；, and at commas outside brackets ("（农历除夕,周二）" keeps its comma).
_CLAUSE_END = re.compile(r"[。;,](?![^(]*\))")
_WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class NoticeDay:
    date: date
    is_workday: bool  # False: 放假; True: 调休上班
    name: str  # the item's holiday, e.g. "春节"
    line: int  # 1-based line of the pasted text


def _(message: str) -> str:
    """Marks a message for makemessages without importing Django: the admin translates
    `NoticeError.template` with gettext when it shows it (see NoticeError.render)."""
    return message


@dataclass(frozen=True)
class NoticeError:
    line: int  # 0 when the problem concerns the text as a whole
    text: str  # the offending line as pasted
    template: str  # a message marked with _(), in Chinese, with %(name)s placeholders
    params: dict = field(default_factory=dict)

    def render(self, translate=lambda message: message) -> str:
        return translate(self.template) % self.params

    def __str__(self) -> str:
        return f"第{self.line}行：{self.render()}（{self.text}）" if self.line else self.render()


@dataclass
class ParsedNotice:
    year: int | None
    days: list[NoticeDay] = field(default_factory=list)
    errors: list[NoticeError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.days)

    @property
    def holidays(self) -> list[date]:
        return sorted(d.date for d in self.days if not d.is_workday)

    @property
    def makeup_days(self) -> list[date]:
        return sorted(d.date for d in self.days if d.is_workday)


class _LineError(Exception):
    def __init__(self, template: str, params: dict):
        super().__init__(template % params)
        self.template, self.params = template, params


def _normalise(text: str) -> str:
    # NFKC turns （），：；０-９ into their half-width forms; 。、 stay as they are.
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def notice_year_detect(text: str) -> int | None:
    found = _YEAR.search(_normalise(text))
    return int(found.group(1)) if found else None


def holiday_notice_parse(text: str, *, year: int | None = None) -> ParsedNotice:
    """The days off and make-up working days of the notice `text`, or its errors (then no day).

    `year` is the year the center says it enters; the notice's own year ("关于2027年部分节假日安排")
    must agree with it, and is used when it is not given."""
    detected = notice_year_detect(text)
    result = ParsedNotice(year=year or detected)
    if year and detected and year != detected:
        result.errors.append(NoticeError(0, "", _("通知文本是%(detected)s年的安排，与所填年份%(year)s年不符。"),
                                         {"detected": detected, "year": year}))
        return result
    if result.year is None:
        result.errors.append(NoticeError(
            0, "", _("无法确定年份：请填写年份，或粘贴含“××××年部分节假日安排”的通知全文。")))
        return result

    for number, name, body, raw in _items(text):
        try:
            result.days.extend(_item_days(body, name=name, year=result.year, line=number))
        except _LineError as problem:
            result.errors.append(NoticeError(number, raw.strip(), problem.template, problem.params))
    _check_whole(result)
    if result.errors:
        result.days = []
    else:
        result.days.sort(key=lambda d: d.date)
    return result


def _items(text: str):
    """(line number, holiday name, body, raw line) of each numbered item; an unnumbered line right
    after an item that still says 放假 or 上班 continues it (a paste that broke the line)."""
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _normalise(raw).strip()
        match = _ITEM.match(line)
        if match:
            if current:
                yield current
            current = [number, match.group("name").strip(), match.group("body"), raw]
        elif current and line and ("放假" in line or "上班" in line) and _DATE.search(line):
            current[2] += line
            current[3] += raw.strip()
        elif current:
            yield current
            current = None
    if current:
        yield current


def _item_days(body: str, *, name: str, year: int, line: int) -> list[NoticeDay]:
    days: list[NoticeDay] = []
    last_range: list[date] | None = None
    for clause in (c.strip() for c in _CLAUSE_END.split(body)):
        if not clause:
            continue
        dates = _dates(clause, year=year)
        count = _COUNT.search(clause)
        if "上班" in clause:
            if not dates:
                raise _LineError(_("“%(clause)s”没有写明上班日期。"), {"clause": clause})
            for day in dates:
                if day.weekday() < 5:
                    raise _LineError(_("%(day)s是周%(actual)s，不是需调休上班的周末。"),
                                     {"day": _label(day), "actual": _WEEKDAY_NAMES[day.weekday()]})
                days.append(NoticeDay(day, True, name, line))
        elif "放假" in clause:
            last_range = _holiday_range(clause, dates)
            days.extend(NoticeDay(day, False, name, line) for day in last_range)
        elif dates:
            raise _LineError(_("无法识别“%(clause)s”：日期后应写明“放假”或“上班”。"), {"clause": clause})
        if count:
            if last_range is None:
                raise _LineError(_("“%(clause)s”前没有放假日期。"), {"clause": clause})
            if int(count.group(1)) != len(last_range):
                raise _LineError(_("写明共%(count)s天，但%(first)s至%(last)s是%(length)s天。"),
                                 {"count": count.group(1), "first": _label(last_range[0]),
                                  "last": _label(last_range[-1]), "length": len(last_range)})
    if not any(not d.is_workday for d in days):
        raise _LineError(_("“%(name)s”条目中没有找到放假日期。"), {"name": name})
    return days


def _holiday_range(clause: str, dates: list[date]) -> list[date]:
    if len(dates) == 1:
        return dates
    if len(dates) == 2 and _RANGE_JOIN.match(_between_dates(clause)):
        first, last = dates
        if last < first:
            raise _LineError(_("放假结束日%(last)s早于开始日%(first)s。"),
                             {"last": _label(last), "first": _label(first)})
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if not dates:
        raise _LineError(_("“%(clause)s”没有写明放假日期。"), {"clause": clause})
    raise _LineError(_("无法识别“%(clause)s”：放假日期应为“某日”或“某日至某日”。"), {"clause": clause})


def _between_dates(clause: str) -> str:
    spans = list(_DATE.finditer(clause))
    return clause[spans[0].end():spans[1].start()]


def _dates(clause: str, *, year: int) -> list[date]:
    """Every date of the clause; a date without its month takes the month named before it."""
    found, month = [], None
    for match in _DATE.finditer(clause):
        if match.group("m"):
            month = int(match.group("m"))
        if month is None:
            raise _LineError(_("“%(text)s”没有写明月份。"), {"text": match.group(0)})
        day_year = int(match.group("y")) if match.group("y") else year
        try:
            day = date(day_year, month, int(match.group("d")))
        except ValueError:
            raise _LineError(_("%(year)s年%(month)s月%(day)s日不是有效日期。"),
                             {"year": day_year, "month": month, "day": match.group('d')}) from None
        if day.year != year:
            raise _LineError(_("%(day)s不在%(year)s年内。"), {"day": _label(day), "year": year})
        weekday = _WEEKDAY.search(match.group("note") or "")
        if weekday and _WEEKDAYS[weekday.group(1)] != day.weekday():
            raise _LineError(_("%(day)s是周%(actual)s，文中写的是周%(written)s。"),
                             {"day": _label(day), "actual": _WEEKDAY_NAMES[day.weekday()], "written": weekday.group(1)})
        found.append(day)
    return found


def _check_whole(result: ParsedNotice) -> None:
    seen: dict[date, NoticeDay] = {}
    for day in result.days:
        other = seen.get(day.date)
        if other is not None:
            template = _("%(day)s既放假又上班。") if other.is_workday != day.is_workday else _("%(day)s重复出现。")
            result.errors.append(NoticeError(day.line, f"{other.name} / {day.name}", template,
                                             {"day": _label(day.date)}))
        seen[day.date] = day
    if not result.days and not result.errors:
        result.errors.append(NoticeError(0, "", _("没有找到“一、元旦：……放假”这样的节假日条目。")))


def _label(day: date) -> str:
    return f"{day.month}月{day.day}日"
