"""What a person or a system may type: one home for each rule about typed input, called by the forms,
the API serializers and filters, and the services alike.

- A moment (date and time) of an event is checked against a sensible range and, for a case's own
  events, against the case's timeline: `typed_moment_check`, with the form field `TypedMomentField`
  and the serializer field `TypedMomentSerializerField` built on it.
- A report date or period (dashboard filters, weeks, months) is kept in a sane range, start <= end:
  `typed_date_check`, `typed_period_check`, `TypedDateField`.
- A typed id is parsed with `typed_id`: "²" passes str.isdigit() but not int().
- NUL characters, which PostgreSQL cannot store or compare, are refused for the whole request by
  `NulRefusalMiddleware`.

Why the bounds: a time of 0001-01-01 stored once broke every page that shows the case (adding a
timezone offset or a day overflows), and a contact time before the case's receipt or in the future
stopped the contact clock "on time"."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from rest_framework import serializers

from deadlines.workdays import SHANGHAI, local_today

EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_MOMENT = datetime.combine(EARLIEST_DATE, time.min, tzinfo=SHANGHAI)
# Clocks of a browser or a calling system run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
# Report periods may reach into the coming year (a month or week being planned), not further.
REPORT_HORIZON = timedelta(days=366)
# The largest id a PostgreSQL bigint holds; more digits are no id of ours.
MAX_ID = 2**63 - 1


def _moment_text(moment: datetime) -> str:
    return date_format(timezone.localtime(moment, SHANGHAI), "Y-m-d H:i")


def typed_moment_check(value: datetime, *, not_before: datetime | None = None,
                       not_after: datetime | None = None, not_before_label: str = "") -> datetime:
    """Return `value` if it lies between 2000-01-01 (or `not_before`, e.g. the case's receipt) and
    now plus a small clock skew (or `not_after`); raise ValidationError with a Chinese message."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, SHANGHAI)
    earliest = max(EARLIEST_MOMENT, not_before) if not_before else EARLIEST_MOMENT
    latest = not_after if not_after is not None else timezone.now() + CLOCK_SKEW
    if value < earliest:
        if not_before and earliest == not_before and not_before_label:
            raise ValidationError(_("时间不能早于%(what)s（%(at)s）。") % {
                "what": not_before_label, "at": _moment_text(earliest)}, code="too_early")
        raise ValidationError(_("时间不能早于%s。") % _moment_text(earliest), code="too_early")
    if value > latest:
        raise ValidationError(_("时间不能晚于当前时间。"), code="in_future")
    return value


def typed_date_check(value: date, *, not_before: date = EARLIEST_DATE, not_after: date | None = None) -> date:
    """A report date: from 2000-01-01 to a year from today."""
    latest = not_after or local_today() + REPORT_HORIZON
    if not (not_before <= value <= latest):
        raise ValidationError(_("日期须在%(start)s至%(end)s之间。") % {
            "start": not_before.isoformat(), "end": latest.isoformat()}, code="out_of_range")
    return value


def typed_period_check(start: date, end: date) -> tuple[date, date]:
    """A report period: both ends in range, the start not after the end."""
    typed_date_check(start)
    typed_date_check(end)
    if start > end:
        raise ValidationError(_("开始日期不能晚于结束日期。"), code="start_after_end")
    return start, end


def typed_date_ok(value: date) -> bool:
    try:
        typed_date_check(value)
    except ValidationError:
        return False
    return True


def typed_moment_parse(text: str, *, not_after: datetime | None = None) -> datetime:
    """An ISO 8601 time typed into a filter (a query parameter): parsed, then in range; a filter may
    reach as far ahead as a report period."""
    try:
        moment = parse_datetime(text)
    except ValueError:  # well formed but impossible: 2026-02-30, hour 25
        moment = None
    if moment is None:
        raise ValidationError(_("请填写 ISO 8601 格式的时间，如 2026-05-01T08:00:00+08:00。"), code="invalid")
    return typed_moment_check(moment, not_after=not_after or timezone.now() + REPORT_HORIZON)


def typed_id(value) -> int | None:
    """An id typed into a URL, a query or a form, or None: only ASCII digits, as many as a bigint holds."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        return None
    return int(text)


# --- the faces of the rules: form fields and serializer fields -------------------------------------


class TypedMomentField(forms.DateTimeField):
    """A typed event time within the sensible range; a form checks it further against its case with
    typed_moment_check(not_before=case.received_at) (the service does too)."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is not None:
            typed_moment_check(moment)
        return moment


class TypedDateField(forms.DateField):
    """A typed report date within the sane range."""

    def clean(self, value):
        day = super().clean(value)
        if day is not None:
            typed_date_check(day)
        return day


class TypedFilterMomentField(forms.CharField):
    """A time filter of the API (received_after, received_before): ISO 8601, in range."""

    def to_python(self, value):
        text = super().to_python(value)
        return typed_moment_parse(text) if text else None


class TypedMomentSerializerField(serializers.DateTimeField):
    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        try:
            return typed_moment_check(moment)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None


def typed_text_check(value: str, *, model, field_name: str) -> str:
    """A typed text no longer than the model column it is stored in."""
    limit = model._meta.get_field(field_name).max_length
    if limit is not None and len(value) > limit:
        raise ValidationError(_("最多%(limit)d个字符（已输入%(n)d个）。") % {"limit": limit, "n": len(value)},
                              code="max_length")
    return value


# --- NUL characters ---------------------------------------------------------------------------------


class NulRefusalMiddleware:
    """Answer 400 to any request with a NUL character in its path, query string or form values: no
    page can store or look one up (PostgreSQL: "A string literal cannot contain NUL"), and no person
    types one. One place for every page and the API, instead of a check in each view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return HttpResponseBadRequest(_("请求中含有无法处理的字符（NUL），请检查输入。"),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            return any("\x00" in key or any("\x00" in value for value in values)
                       for key, values in request.POST.lists())
        return False
