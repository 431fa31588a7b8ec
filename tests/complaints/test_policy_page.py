"""The policy page and the admin show every statutory limit and ground with its order, article and
effective date; what the official text has not confirmed (Order 121's mediation limit) is 待核实."""
import pytest

from complaints.models import StatutoryGround
from deadlines.models import TimeLimit

pytestmark = pytest.mark.django_db


def test_the_mediation_limit_of_order_121_is_seeded_from_order_20_and_marked_unverified():
    order_20 = TimeLimit.objects.get(clock="statutory_mediation", effective_from="2020-01-01")
    order_121 = TimeLimit.objects.get(clock="statutory_mediation", effective_from="2026-04-15")
    assert order_121.amount == order_20.amount == 45
    assert order_121.unverified and not order_20.unverified
    assert "第二十二条" in order_20.source
    for clock, amount in (("statutory_termination_notice", 7), ("statutory_report_notice", 5),
                          ("statutory_report_extension", 15)):
        assert set(TimeLimit.objects.filter(clock=clock).values_list("amount", flat=True)) == {amount}


def test_the_policy_page_marks_what_is_to_be_checked(client, org):
    client.force_login(org.handler)
    page = client.get("/policy/").content.decode()
    mediation = TimeLimit.objects.get(clock="statutory_mediation", effective_from="2026-04-15")
    row = page[page.index(f'id="limit-{mediation.pk}"'):]
    assert "待核实" in row[:row.index("</tr>")]
    assert 'id="unverified-count"' in page
    abuse = StatutoryGround.objects.get(code="improper_gain", legal_basis="order_121")
    assert abuse.title in page and abuse.notice_text in page


def test_the_admin_filters_the_unverified_rows(admin_client):
    page = admin_client.get("/admin/complaints/statutoryground/?unverified__exact=1").content.decode()
    assert "滥用投诉权利谋取不正当利益" in page
    assert "第十五条第（一）项" not in page  # Order 20's checked rows are not in the list
    page = admin_client.get("/admin/deadlines/timelimit/?unverified__exact=1").content.decode()
    assert "待核实" in page
