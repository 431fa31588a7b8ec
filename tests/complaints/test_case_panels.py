"""The case page's panel registry (complaints/case_panels.py): the apps above complaints add their
sections to the case page from their ready(), and the page shows them in order without importing them."""
from pathlib import Path

import pytest
from django.conf import settings

from complaints import case_panels
from tests.complaints.journeys import to_handling

pytestmark = pytest.mark.django_db


def test_the_case_page_template_does_not_reach_into_supervision():
    source = (Path(settings.BASE_DIR) / "templates/complaints/case_detail.html").read_text()
    assert "supervision" not in source


def test_registered_panels_are_shown_in_order_judged_at_the_page_moment(client, org, monkeypatch):
    seen = []
    registered = list(case_panels._panels)
    template, supervision_context = registered[0]
    assert template == "supervision/_case_supervision.html"

    def second_context(*, request, case, now):
        seen.append((request.user, case.pk, now))
        return {**supervision_context(request=request, case=case, now=now), "has_running": False,
                "escalations": [], "red_lines": [], "can_pause": False}

    monkeypatch.setattr(case_panels, "_panels", registered)
    case_panels.case_panel_add(template, second_context)
    case_panels.case_panel_add(template, second_context)  # added once only
    case = to_handling(org)
    client.force_login(org.supervisor)
    response = client.get(f"/cases/{case.number}/")
    page = response.content.decode()

    assert page.count('id="supervision"') == 2
    assert page.index("批准暂停计时") < page.rindex('id="supervision"')  # the first panel, then the second
    assert seen == [(org.supervisor, case.pk, response.context["judged_at"])]
