"""The stage-replies list: paged like the other lists, filters kept from page to page, the same
number of queries whatever the page holds."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import services
from deadlines.models import CaseClock
from supervision.views import PAGE_SIZE
from tests.complaints.journeys import to_registered

pytestmark = pytest.mark.django_db


def owing(org, n: int, *, unit=None, handler=None, prefix="培训机构") -> list[str]:
    """n cases past their original handling limit with an approved extension and no stage reply."""
    numbers = []
    for i in range(n):
        case = to_registered(org, complainant_phone=f"139{len(prefix)}{i:07d}", respondent_name=f"{prefix}{i}")
        case = services.case_dispatch(case=case, unit=unit or org.station, by=org.supervisor)
        numbers.append(services.case_accept(case=case, by=handler or org.handler).number)
    CaseClock.objects.filter(case__number__in=numbers, clock="handling").update(
        original_due_at=timezone.now() - timedelta(hours=2), extended_days=3)
    return numbers


def listed(response) -> list[str]:
    return [clock.case.number for clock in response.context["page"].object_list]


def test_rows_beyond_the_first_page_are_reached_through_the_page_links(client, org):
    numbers = owing(org, PAGE_SIZE + 2)
    client.force_login(org.supervisor)

    first = client.get("/supervision/stage-replies/")
    assert len(listed(first)) == PAGE_SIZE
    assert "第 1/2 页，共 27 件" in first.content.decode()
    next_link = re.search(r'href="\?([^"]*)" rel="next"', first.content.decode()).group(1).replace("&amp;", "&")

    second = client.get(f"/supervision/stage-replies/?{next_link}")
    assert len(listed(second)) == 2
    assert sorted(listed(first) + listed(second)) == sorted(numbers)
    assert 'rel="prev"' in second.content.decode() and 'rel="next"' not in second.content.decode()


def test_filters_are_kept_across_pages(client, org):
    wanted = owing(org, PAGE_SIZE + 1, prefix="培训机构")
    owing(org, 3, unit=org.other_station, handler=org.other_handler, prefix="健身房")
    client.force_login(org.district_supervisor)

    first = client.get(f"/supervision/stage-replies/?unit={org.station.pk}&q=培训")
    page = first.content.decode()
    assert "第 1/2 页，共 26 件" in page
    next_link = re.search(r'href="\?([^"]*)" rel="next"', page).group(1).replace("&amp;", "&")
    second = client.get(f"/supervision/stage-replies/?{next_link}")
    assert sorted(listed(first) + listed(second)) == sorted(wanted)
    assert second.context["form"]["unit"].value() == str(org.station.pk)


def test_a_district_cannot_filter_its_way_into_another_district(client, org):
    owing(org, 2)
    far = owing(org, 1, unit=org.far_station, handler=org.far_handler, prefix="外区")
    client.force_login(org.district_supervisor)
    response = client.get(f"/supervision/stage-replies/?unit={org.far_station.pk}")
    assert response.status_code == 200 and far[0] not in listed(response) and len(listed(response)) == 2


def test_a_page_costs_the_same_queries_however_many_rows_it_holds(client, org):
    owing(org, PAGE_SIZE + 1)
    client.force_login(org.supervisor)
    client.get("/supervision/stage-replies/")  # warm the per-process caches (calendar, permissions)

    with CaptureQueriesContext(connection) as full:
        assert len(listed(client.get("/supervision/stage-replies/?page=1"))) == PAGE_SIZE
    with CaptureQueriesContext(connection) as single:
        assert len(listed(client.get("/supervision/stage-replies/?page=2"))) == 1
    assert len(full) == len(single)
