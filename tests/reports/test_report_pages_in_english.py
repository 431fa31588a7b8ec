"""The weekly notice and the monthly ranking read in English too: no Chinese left outside recorded texts."""
from datetime import date

import pytest

from reports.models import ReportSnapshot
from reports.periods import week_parse
from reports.services_snapshots import report_snapshot_publish
from tests.reports.test_monthly_ranking import MONTH, august_case
from tests.reports.test_weekly_notice import WEEK, handling, set_clock
from tests.test_languages import _chinese_left, _in_english

pytestmark = pytest.mark.django_db


def test_both_pages_and_the_summary_in_english(client, org):
    set_clock(handling(org, "13700000001"), due=date(2026, 11, 3), extended=5)
    set_clock(handling(org, "13700000002", unit=org.other_station), due=date(2026, 11, 4))
    august_case(org, "13700000003", satisfaction="satisfied", resolved=True)
    report_snapshot_publish(kind=ReportSnapshot.Kind.WEEKLY_NOTICE, period=week_parse(WEEK), scope=org.center)
    _in_english(client, org.supervisor)
    notice = client.get("/dashboard/notice/", {"week": WEEK})
    assert "This week (November 2 to November 8), 2 cases were overdue in 2 units" in notice.context["summary"]
    for response in (notice, client.get("/dashboard/notice/"), client.get("/dashboard/ranking/", {"month": MONTH})):
        assert response.status_code == 200
        assert _chinese_left(response.content.decode()) == []
