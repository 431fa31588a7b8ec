"""The red-line ledger in pages: earlier months' open items first, then the month's; month and filters
kept from page to page; a refused closing stays on the page it was made from; the same number of
queries whatever a page holds."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import services
from deadlines.workdays import local_date
from supervision.models import RedLineItem
from supervision.redlines import red_line_open
from supervision.services import red_line_close
from supervision.views import PAGE_SIZE
from tests.complaints.journeys import to_registered

pytestmark = pytest.mark.django_db

NOW = timezone.now()
THIS_MONTH = f"{local_date(NOW):%Y-%m}"
LAST_MONTH_AT = NOW.replace(day=1) - timedelta(days=3)
LAST_MONTH = f"{local_date(LAST_MONTH_AT):%Y-%m}"


def items(org, n: int, *, unit=None, reason=RedLineItem.Reason.DISSATISFIED, at=None, prefix="商户") -> list[str]:
    """n cases handled by `unit` on the ledger; returns their numbers in the order they were opened."""
    numbers = []
    for i in range(n):
        case = to_registered(org, complainant_phone=f"136{len(prefix)}{i:07d}", respondent_name=f"{prefix}{i}")
        case = services.case_dispatch(case=case, unit=unit or org.station, by=org.supervisor)
        red_line_open(case=case, reason=reason, at=(at or NOW) + timedelta(seconds=i))
        numbers.append(case.number)
    return numbers


def rows(response) -> list[str]:
    """Ledger rows in the order a user reads them, each as (section heading, case number)."""
    assert response.status_code in (200, 400), response.content[:300]
    page = response.content.decode()
    found, section = [], None
    for match in re.finditer(r'<h2>([^<]+)</h2>|<td data-label="工单"><a href="/cases/([^/"]+)/"', page):
        if match.group(1):
            section = "earlier" if "以前月份" in match.group(1) else "month"
        else:
            found.append((section, match.group(2)))
    return found


def numbers(response) -> list[str]:
    return [number for _, number in rows(response)]


def next_page(client, response):
    link = re.search(r'href="\?([^"]*)" rel="next"', response.content.decode()).group(1).replace("&amp;", "&")
    return client.get(f"/supervision/red-lines/?{link}")


def test_earlier_open_items_come_first_and_the_rest_is_on_the_next_page(client, org):
    earlier = items(org, PAGE_SIZE - 5, at=LAST_MONTH_AT, prefix="旧账")
    closed_earlier = items(org, 1, at=LAST_MONTH_AT, prefix="已销旧账")
    red_line_close(item=RedLineItem.objects.get(case__number=closed_earlier[0]), by=org.supervisor, note="已整改")
    current = items(org, 7, prefix="本月")
    client.force_login(org.supervisor)

    first = client.get("/supervision/red-lines/", {"month": THIS_MONTH})
    second = next_page(client, first)

    assert "第 1/2 页，共 27 件" in first.content.decode()
    assert rows(first) == [("earlier", n) for n in earlier] + [("month", n) for n in current[:5]]
    assert rows(second) == [("month", n) for n in current[5:]]
    assert "以前月份未销号（20 项）" in first.content.decode()


def test_month_and_filters_are_kept_across_pages(client, org):
    wanted = items(org, PAGE_SIZE + 1, at=LAST_MONTH_AT, prefix="培训机构")
    items(org, 2, unit=org.other_station, at=LAST_MONTH_AT, prefix="别所")  # other unit
    items(org, 2, reason=RedLineItem.Reason.OVERDUE, at=LAST_MONTH_AT, prefix="超期")  # other kind
    items(org, 2, prefix="本月")  # other month
    client.force_login(org.district_supervisor)

    first = client.get("/supervision/red-lines/", {"month": LAST_MONTH, "unit": org.station.pk,
                                                    "reason": RedLineItem.Reason.DISSATISFIED})
    second = next_page(client, first)

    assert len(numbers(first)) == PAGE_SIZE and len(numbers(second)) == 1
    assert numbers(first) + numbers(second) == wanted
    assert second.context["month"].strftime("%Y-%m") == LAST_MONTH
    assert second.context["form"]["unit"].value() == str(org.station.pk)


def test_a_district_cannot_filter_its_way_into_another_district(client, org):
    own = items(org, 2)
    items(org, 1, unit=org.far_station, prefix="外区")
    client.force_login(org.district_supervisor)
    response = client.get("/supervision/red-lines/", {"unit": org.far_station.pk})
    assert response.status_code == 200 and numbers(response) == own


def test_a_refused_closing_stays_on_the_page_it_was_made_from(client, org):
    earlier = items(org, PAGE_SIZE + 1, at=LAST_MONTH_AT, prefix="旧账")
    items(org, 2, prefix="本月")
    client.force_login(org.supervisor)
    on_page_two = RedLineItem.objects.get(case__number=earlier[-1])
    # Someone else closes it meanwhile: it leaves the carried-over list, which now fits on page one.
    red_line_close(item=on_page_two, by=org.district_supervisor, note="区中心已督促整改")

    response = client.post(f"/supervision/red-lines/?month={THIS_MONTH}&page=2",
                           {"item": on_page_two.pk, "note": "已约谈商户,退款到位"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "第 2/2 页" in page and numbers(response)[0] == earlier[-1]
    row = page[page.index(f'id="close-{on_page_two.pk}"'):]
    row = row[:row.index("</form>")]
    assert "该事项已销号" in row and 'value="已约谈商户,退款到位"' in row


def test_a_blank_note_is_refused_on_its_page_and_a_closing_returns_to_that_page(client, org):
    items(org, PAGE_SIZE + 2, prefix="本月")
    client.force_login(org.supervisor)
    address = f"/supervision/red-lines/?month={THIS_MONTH}&reason=dissatisfied&page=2"
    item = RedLineItem.objects.get(case__number=numbers(client.get(address))[-1])

    refused = client.post(address, {"item": item.pk, "note": " "})
    assert refused.status_code == 400 and "第 2/2 页" in refused.content.decode()
    assert 'data-field="note">请写明销号说明。' in refused.content.decode()

    done = client.post(address, {"item": item.pk, "note": "已约谈商户,退款到位"})
    assert done.status_code == 302 and done["Location"] == address
    item.refresh_from_db()
    assert item.closed_at is not None


def test_a_page_costs_the_same_queries_however_many_rows_it_holds(client, org):
    items(org, PAGE_SIZE - 2, at=LAST_MONTH_AT, prefix="旧账")
    items(org, 3, prefix="本月")
    client.force_login(org.district_supervisor)  # closing is decided per row for a district center
    client.get("/supervision/red-lines/")  # warm the per-process caches (calendar, permissions)

    with CaptureQueriesContext(connection) as full:
        assert len(numbers(client.get("/supervision/red-lines/?page=1"))) == PAGE_SIZE
    with CaptureQueriesContext(connection) as single:
        assert len(numbers(client.get("/supervision/red-lines/?page=2"))) == 1
    assert len(full) == len(single), [q["sql"][:120] for q in full.captured_queries]
