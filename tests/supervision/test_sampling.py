"""Follow-up sampling (抽查回访): a reproducible draw per month, the second follow-up, the ledger."""
from datetime import date, datetime

import pytest
from django.utils import timezone

from complaints.models import Case
from core.errors import ApplicationError
from deadlines.workdays import SHANGHAI
from supervision.models import RedLineItem, SampledCase, SamplingDraw, SamplingRate
from supervision.sampling import sampled_follow_up_record, sampling_draw, sampling_pick
from tests.complaints import journeys

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)


def test_the_same_seed_draws_the_same_sample_and_rates_apply_per_unit():
    population = {7: list(range(100, 140)), 9: list(range(200, 210))}
    first = sampling_pick(population=population, overall=10, by_unit={9: 50}, seed=20261130)
    again = sampling_pick(population=population, overall=10, by_unit={9: 50}, seed=20261130)
    other = sampling_pick(population=population, overall=10, by_unit={9: 50}, seed=42)
    assert first == again
    assert first != other
    assert len([pk for pk in first if pk < 200]) == 4  # 10% of 40
    assert len([pk for pk in first if pk >= 200]) == 5  # the unit's own 50% of 10
    assert set(first) <= set(population[7]) | set(population[9])


def _archived_in_november(org, count: int) -> list[Case]:
    cases = [journeys.to_archived(org) for _ in range(count)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        archived_at=datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    return cases


def test_a_draw_records_its_seed_and_cannot_be_made_twice(org):
    cases = _archived_in_november(org, 4)
    SamplingRate.objects.create(month=NOVEMBER, percent=50, note="每月抽查50%")
    draw = sampling_draw(month=NOVEMBER, by=org.supervisor, seed=987654321)
    drawn = set(draw.cases.values_list("case_id", flat=True))
    assert draw.seed == 987654321 and draw.population == 4 and len(drawn) == 2
    assert drawn <= {c.pk for c in cases}
    # The same seed over the same cases reproduces the sample.
    assert drawn == set(sampling_pick(population={org.station.pk: [c.pk for c in cases]}, overall=50,
                                      by_unit={}, seed=987654321))
    with pytest.raises(ApplicationError):
        sampling_draw(month=NOVEMBER, by=org.supervisor)
    assert SamplingDraw.objects.count() == 1


def test_a_draw_needs_a_rate(org):
    _archived_in_november(org, 1)
    with pytest.raises(ApplicationError, match="抽查比例"):
        sampling_draw(month=NOVEMBER, by=org.supervisor)


def test_unresolved_in_the_second_follow_up_goes_on_the_ledger_and_the_case_can_be_reopened(org):
    (case,) = _archived_in_november(org, 1)
    SamplingRate.objects.create(month=NOVEMBER, percent=100)
    sample = sampling_draw(month=NOVEMBER, by=org.supervisor, seed=1).cases.get()
    assert not RedLineItem.objects.filter(case=case).exists()
    sampled_follow_up_record(sample=sample, by=org.supervisor, satisfaction="basically_satisfied", resolved=False,
                             comment="商家只退了一半余额")
    sample.refresh_from_db()
    assert sample.reached is True and sample.resolved is False and sample.followed_up_at is not None
    item = RedLineItem.objects.get(case=case)
    assert item.reason == RedLineItem.Reason.DISSATISFIED and item.closed_at is None
    # The case is archived: the center may assign it again (二次交办).
    case.refresh_from_db()
    from django_fsm import can_proceed, has_transition_perm
    assert can_proceed(case.reopen) and has_transition_perm(case.reopen, org.supervisor)
    with pytest.raises(ApplicationError):
        sampled_follow_up_record(sample=sample, by=org.supervisor, satisfaction="satisfied", resolved=True)


def test_unresolved_in_a_first_follow_up_goes_on_the_ledger_as_dissatisfied_does(org):
    from complaints import services
    case = services.case_follow_up(case=journeys.to_approved(org), by=org.supervisor,
                                   satisfaction="basically_satisfied", resolved=False, note="仍未退款")
    assert RedLineItem.objects.filter(case=case, reason=RedLineItem.Reason.DISSATISFIED).exists()


def test_sampled_results_show_in_the_unit_kpis(org):
    from reports.selectors import Period, kpi_by_unit
    (case,) = _archived_in_november(org, 1)
    SamplingRate.objects.create(month=NOVEMBER, percent=100)
    sample = sampling_draw(month=NOVEMBER, by=org.supervisor, seed=3).cases.get()
    sampled_follow_up_record(sample=sample, by=org.supervisor, satisfaction="dissatisfied", resolved=False,
                             comment="不满意处理结果")
    now = timezone.now()
    month = now.astimezone(SHANGHAI).date().replace(day=1)
    period = Period(start=month, end=now.astimezone(SHANGHAI).date())
    figures = kpi_by_unit(cases=Case.objects.all(), period=period, now=now)[org.station.pk]
    assert figures["sampled"] == 1 and figures["sampled_satisfied"] == 0
    assert figures["sampled_satisfaction_rate"] == 0 and figures["sampled_resolution_rate"] == 0
    assert SampledCase.objects.get().satisfaction == "dissatisfied"
