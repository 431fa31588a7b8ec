"""Follow-up sampling (抽查回访): draw a month's sample at random, reproducibly, and record the
second follow-up. A sampled case found dissatisfied or unresolved goes on the red-line ledger through
its history (supervision/redlines.py), as the first follow-up does, and may be assigned again
(二次交办) from its page."""
from __future__ import annotations

import math
import random
import secrets
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from complaints import access
from complaints.models import Case, CaseEvent
from complaints.models.choices import Satisfaction
from complaints.services.history import case_event_record
from core.errors import ApplicationError
from core.notes import Note
from deadlines.workdays import SHANGHAI
from supervision.sampling_models import SampledCase, SamplingDraw, SamplingRate


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and next month's first moment, in Beijing time."""
    first = month.replace(day=1)
    after = (first.replace(year=first.year + 1, month=1) if first.month == 12
             else first.replace(month=first.month + 1))
    return (datetime.combine(first, time.min, tzinfo=SHANGHAI), datetime.combine(after, time.min, tzinfo=SHANGHAI))


def sampling_rates(*, month: date) -> tuple[int, dict[int, int]]:
    """The month's overall percent (0 when unset) and the per-unit percents."""
    overall, by_unit = 0, {}
    for unit_id, percent in SamplingRate.objects.filter(month=month.replace(day=1)).values_list("unit_id", "percent"):
        if unit_id is None:
            overall = percent
        else:
            by_unit[unit_id] = percent
    return overall, by_unit


def sampling_pick(*, population: dict[int, list[int]], overall: int, by_unit: dict[int, int], seed: int) -> list[int]:
    """The case ids drawn: per unit (in id order), ceil(percent × cases) of its cases, chosen by a
    generator seeded with `seed`. Pure: the same arguments always give the same sample."""
    rng = random.Random(seed)
    picked: list[int] = []
    for unit_id in sorted(population):
        cases = sorted(population[unit_id])
        percent = by_unit.get(unit_id, overall)
        size = min(len(cases), math.ceil(len(cases) * percent / 100)) if percent else 0
        picked.extend(sorted(rng.sample(cases, size)))
    return picked


def archived_population(*, month: date) -> dict[int, list[int]]:
    """The month's archived cases that a unit handled, by handling unit."""
    start, end = month_bounds(month)
    rows = Case.objects.filter(state=Case.State.ARCHIVED, archived_at__gte=start, archived_at__lt=end,
                               handling_unit__isnull=False).values_list("handling_unit_id", "pk")
    population: dict[int, list[int]] = {}
    for unit_id, pk in rows:
        population.setdefault(unit_id, []).append(pk)
    return population


@transaction.atomic
def sampling_draw(*, month: date, by, seed: int | None = None) -> SamplingDraw:
    """Draw the month's sample once; the seed (random unless given) is recorded with it."""
    access.require_act_for_center(by)
    month = month.replace(day=1)
    overall, by_unit = sampling_rates(month=month)
    if not overall and not by_unit:
        raise ApplicationError(_("请先在管理后台设置该月的抽查比例。"), field="month")
    seed = secrets.randbelow(2**62) if seed is None else seed
    population = archived_population(month=month)
    try:
        with transaction.atomic():
            draw = SamplingDraw.objects.create(month=month, seed=seed, drawn_at=timezone.now(), drawn_by=by,
                                               population=sum(len(ids) for ids in population.values()))
    except IntegrityError:
        raise ApplicationError(_("该月已抽取过，不能重复抽取。"), field="month") from None
    picked = sampling_pick(population=population, overall=overall, by_unit=by_unit, seed=seed)
    SampledCase.objects.bulk_create([SampledCase(draw=draw, case_id=pk) for pk in picked])
    return draw


@transaction.atomic
def sampled_follow_up_record(*, sample: SampledCase, by, satisfaction: str, resolved: bool | None,
                             comment: str = "") -> SampledCase:
    """The second follow-up's answer. Written once, with a history row: a dissatisfied or
    unresolved answer puts the case on the red-line ledger (redlines.py), as a first follow-up does."""
    access.require_act_for_center(by)
    sample = SampledCase.objects.select_for_update().select_related("case").get(pk=sample.pk)
    if sample.followed_up_at is not None:
        raise ApplicationError(_("该工单的抽查回访已记录。"))
    if satisfaction not in Satisfaction.values:
        raise ApplicationError(_("请选择回访结果。"), field="satisfaction")
    reached = satisfaction != Satisfaction.UNREACHABLE
    if not reached:
        if not comment.strip():
            raise ApplicationError(_("无法回访时须写明原因。"), field="comment")
        resolved = None
    elif resolved is None:
        raise ApplicationError(_("请选择问题是否解决。"), field="resolved")
    at = timezone.now()
    sample.reached, sample.satisfaction, sample.resolved, sample.comment = reached, satisfaction, resolved, comment
    sample.followed_up_at, sample.followed_up_by = at, by
    sample.save()
    case_event_record(
        case=sample.case, actor=by, action=CaseEvent.Action.FOLLOW_UP, at=at, internal=True,
        note=Note(gettext_noop("抽查回访：%(result)s。%(comment)s"),
                  result=Satisfaction(satisfaction).label, comment=comment),
        data={"satisfaction": satisfaction, "resolved": resolved, "sampled": True, "draw": sample.draw_id},
    )
    return sample


def sampled_list(*, month: date):
    return (SampledCase.objects.filter(draw__month=month.replace(day=1))
            .select_related("case", "case__handling_unit", "followed_up_by").order_by("case__number"))
