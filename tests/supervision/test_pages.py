"""The supervision pages: red-line ledger closed item by item, accountability, clusters, pause on
the case page, stage replies owed."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import CaseCluster, IntakeSettings
from deadlines.models import CaseClock
from deadlines.workdays import local_date
from supervision.models import RedLineItem
from supervision.sweep import deadlines_sweep
from tests.complaints.journeys import to_handling
from tests.factories import case_received

pytestmark = pytest.mark.django_db


def overdue_case(org):
    """A case whose handling clock ran out a minute ago, swept since: red now, on every panel."""
    case = to_handling(org)
    now = timezone.now()
    CaseClock.objects.filter(case=case, clock="handling").update(due_at=now - timedelta(minutes=1),
                                                                  warn_at=now - timedelta(days=1))
    deadlines_sweep(now=now)
    return case


def this_month() -> str:
    return f"{local_date(timezone.now()):%Y-%m}"


def test_the_center_closes_red_line_items_one_by_one_until_the_month_is_clear(client, org):
    case = overdue_case(org)
    item = RedLineItem.objects.get(case=case, reason="overdue")
    item.month = local_date(timezone.now()).replace(day=1)  # the sweep ran "in the future" above
    item.save()
    client.force_login(org.supervisor)

    page = client.get(f"/supervision/red-lines/?month={this_month()}").content.decode()
    assert case.number in page and "本月未销号：1" in page

    refused = client.post(f"/supervision/red-lines/?month={this_month()}", {"item": item.pk, "note": ""},
                          follow=True)
    assert "请写明销号说明" in refused.content.decode()
    client.post(f"/supervision/red-lines/?month={this_month()}", {"item": item.pk, "note": "已约谈承办单位并整改"})
    item.refresh_from_db()
    assert item.closed_at is not None and item.closed_by == org.supervisor
    page = client.get(f"/supervision/red-lines/?month={this_month()}").content.decode()
    assert "本月未销号：0" in page and "已清零" in page


def test_earlier_months_open_items_stay_visible(client, org):
    case = overdue_case(org)
    RedLineItem.objects.filter(case=case).update(month=local_date(timezone.now()).replace(day=1) - timedelta(days=40))
    client.force_login(org.supervisor)
    page = client.get(f"/supervision/red-lines/?month={this_month()}").content.decode()
    assert "以前月份未销号" in page and case.number in page


def test_units_cannot_open_the_center_pages(client, org):
    client.force_login(org.handler)
    for url in ("/supervision/red-lines/", "/supervision/accountability/", "/supervision/clusters/"):
        assert client.get(url).status_code == 403


def test_accountability_lists_overdue_without_extension_by_unit_and_handler(client, org):
    overdue_case(org)
    client.force_login(org.supervisor)
    response = client.get("/supervision/accountability/")
    by_unit = {row["unit__name"]: row["n"] for row in response.context["data"]["by_unit"]}
    by_handler = {row["handler__username"]: row["n"] for row in response.context["data"]["by_handler"]}
    assert by_unit[org.station.name] >= 1
    assert by_handler[org.handler.username] >= 1


def test_case_page_shows_colours_and_lets_the_center_pause_the_clock(client, org):
    case = overdue_case(org)
    client.force_login(org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "超期（红）" in page and "督办单" in page and "批准暂停计时" in page

    client.post(f"/supervision/cases/{case.number}/pause/", {"reason": "产品送检"})
    assert case.clocks.get(clock="handling", stopped_at__isnull=True).paused_at is not None
    assert "恢复计时" in client.get(f"/cases/{case.number}/").content.decode()
    client.post(f"/supervision/cases/{case.number}/pause/", {"resume": "1"})
    assert case.clocks.get(clock="handling", stopped_at__isnull=True).paused_at is None


def test_the_handler_sees_no_pause_button_and_cannot_pause(client, org):
    case = to_handling(org)
    client.force_login(org.handler)
    assert "批准暂停计时" not in client.get(f"/cases/{case.number}/").content.decode()
    assert client.post(f"/supervision/cases/{case.number}/pause/", {"reason": "x"}).status_code == 403


def test_other_units_get_404_on_pause(client, org):
    case = to_handling(org)
    client.force_login(org.far_handler)
    assert client.post(f"/supervision/cases/{case.number}/pause/", {"reason": "x"}).status_code == 404


def test_the_center_starts_a_batch_action_from_the_clusters_page(client, org):
    IntakeSettings.objects.update_or_create(pk=1, defaults={"cluster_min_complainants": 2})
    for n in range(2):
        case_received(by=org.clerk, complainant_phone=f"1350000000{n}", respondent_name="某培训机构")
    cluster = CaseCluster.objects.get()
    client.force_login(org.supervisor)
    assert "某培训机构" in client.get("/supervision/clusters/").content.decode()
    client.post("/supervision/clusters/", {"cluster": cluster.pk, "title": "培训机构退费专项", "unit": org.station.pk})
    cluster.refresh_from_db()
    assert cluster.state == CaseCluster.State.ACTION and cluster.action_unit == org.station


def test_overview_and_stage_replies_pages_render_for_a_unit(client, org):
    case = to_handling(org)
    CaseClock.objects.filter(case=case, clock="handling").update(
        original_due_at=timezone.now() - timedelta(hours=2), extended_days=3)
    client.force_login(org.handler)
    assert client.get("/supervision/").status_code == 200
    assert case.number in client.get("/supervision/stage-replies/").content.decode()
