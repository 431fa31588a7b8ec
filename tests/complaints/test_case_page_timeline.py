"""The case page: a readable timeline, deadline colours, related cases, the complainant's rating."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from deadlines.models import CaseClock
from tests.complaints import journeys
from tests.factories import case_fields

pytestmark = pytest.mark.django_db


def page_of(client, user, case):
    client.force_login(user)
    return client.get(f"/cases/{case.number}/").content.decode()


def test_timeline_names_states_and_marks_internal_notes(client, org):
    case = journeys.to_handling(org)
    page = page_of(client, org.supervisor, case)
    assert "已登记 → 已分流" in page and "已分流 → 办理中" in page
    assert "内部" in page and "已电话联系投诉人" in page
    assert "registered →" not in page


def test_deadlines_show_yellow_and_red(client, org):
    case = journeys.to_handling(org, contacted=False)
    soon = timezone.now() + timedelta(minutes=30)
    past = timezone.now() - timedelta(hours=1)
    CaseClock.objects.filter(case=case, clock="contact").update(
        due_at=past, due_date=timezone.localdate(past), warn_at=past - timedelta(days=1)
    )
    CaseClock.objects.filter(case=case, clock="handling").update(
        due_at=soon, due_date=timezone.localdate(soon), warn_at=soon - timedelta(days=1)
    )
    page = page_of(client, org.handler, case)
    assert "deadline-red" in page and "deadline-yellow" in page
    assert "已超期" in page and "即将到期" in page


def test_related_cases_are_listed_both_ways(client, org):
    first, second = services.case_receive(by=org.clerk, fields=case_fields(), register=True, also_report=True)
    assert second.linked_case_id == first.pk or first.linked_case_id == second.pk
    assert second.number in page_of(client, org.supervisor, first)
    assert first.number in page_of(client, org.supervisor, second)
    # Another respondent: the same one again would be a repeat complaint, which is related too.
    lonely = journeys.to_registered(org, respondent_name="另一家店")
    assert "没有关联工单" in page_of(client, org.supervisor, lonely)


def test_public_rating_shows_in_the_timeline(client, org):
    case = journeys.to_approved(org)  # rated once the center approved the reply
    services.case_rate_public(case=case, satisfaction="dissatisfied", resolved=False, comment="商家仍未退款")
    page = page_of(client, org.supervisor, case)
    assert "投诉人评价" in page and "不满意" in page and "商家仍未退款" in page
