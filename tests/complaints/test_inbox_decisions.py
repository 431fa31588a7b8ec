"""The statutory decisions from the inbox row: 受理 in place; 不予受理, 调解结果 and 立案决定 (which take a
ground of the case's order) as a link that opens the action on the case page, without a query per row."""
import pytest

from complaints import services
from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def test_the_row_offers_each_decision_and_the_link_opens_it(client, org):
    complaint = journeys.to_handling(org, respondent_name="江门市蓬江区悦颜美容养生馆")
    report = journeys.to_handling(org, kind="report", respondent_name="江门市新会区某食品厂",
                                  facts="无证生产月饼并在网上销售。", demand="要求查处。")
    client.force_login(org.handler)
    page = client.get("/inbox/").content.decode()
    assert f'id="act-{complaint.number}-legal_accept"' in page
    assert f'id="act-{complaint.number}-not_accept"' in page
    assert f'id="act-{report.number}-report_decide"' in page
    assert f'id="act-{report.number}-not_accept"' not in page
    opened = client.get(f"/cases/{complaint.number}/?action=not_accept").content.decode()
    assert 'open id="action-not_accept"' in opened
    services.case_accept_complaint(case=complaint, by=org.handler)
    page = client.get("/inbox/").content.decode()
    assert f'id="act-{complaint.number}-mediation"' in page and f'id="act-{complaint.number}-not_accept"' not in page
    # An action the user does not have is not opened by the link.
    client.force_login(org.other_handler)
    assert client.get(f"/cases/{complaint.number}/?action=mediation").status_code == 404
