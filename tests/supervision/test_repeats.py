"""Repeat complaints, clusters about one respondent, and professional claimants, at intake."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import Case, CaseCluster, CaseEvent, IntakeSettings, ProfessionalClaimant
from supervision.models import RedLineItem
from supervision.services import cluster_action_start
from tests.factories import CategoryFactory, case_received

pytestmark = pytest.mark.django_db


def test_same_complainant_respondent_and_matter_is_linked_as_a_repeat(org):
    food = CategoryFactory(code="F01", name="食品")
    first = case_received(by=org.clerk, category=food)
    second = case_received(by=org.clerk, category=food)
    second.refresh_from_db()
    assert second.is_repeat and second.repeat_of == first
    assert not Case.objects.get(pk=first.pk).is_repeat
    assert RedLineItem.objects.filter(case=second, reason="repeat").exists()
    assert CaseEvent.objects.filter(case=second, action=CaseEvent.Action.LINK, note__contains=first.number).exists()


def test_another_matter_or_respondent_is_not_a_repeat(org):
    case_received(by=org.clerk, category=CategoryFactory(code="F01"))
    other_matter = case_received(by=org.clerk, category=CategoryFactory(code="F02"))
    other_respondent = case_received(by=org.clerk, category=CategoryFactory(code="F01"), respondent_name="另一家店")
    assert not Case.objects.get(pk=other_matter.pk).is_repeat
    assert not Case.objects.get(pk=other_respondent.pk).is_repeat


def test_outside_the_configured_window_is_not_a_repeat(org):
    IntakeSettings.objects.update_or_create(pk=1, defaults={"repeat_window_days": 10})
    old = case_received(by=org.clerk)
    Case.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=11))
    assert not Case.objects.get(pk=case_received(by=org.clerk).pk).is_repeat


def test_a_complaint_filed_also_as_a_report_is_not_its_own_repeat(org):
    from tests.factories import case_fields
    complaint, report = services.case_receive(by=org.clerk, fields=case_fields(), also_report=True)
    assert not Case.objects.get(pk=complaint.pk).is_repeat
    assert not Case.objects.get(pk=report.pk).is_repeat


def test_many_complainants_about_one_respondent_form_a_cluster_for_a_batch_action(org):
    IntakeSettings.objects.update_or_create(pk=1, defaults={"cluster_min_complainants": 3})
    cases = [case_received(by=org.clerk, complainant_phone=f"1390000000{n}", respondent_name="某健身房")
             for n in range(3)]
    cluster = CaseCluster.objects.get(respondent_name="某健身房")
    assert set(cluster.cases.all()) == set(cases)

    cluster_action_start(cluster=cluster, by=org.supervisor, title="某健身房预付卡专项整治", unit=org.station)

    cluster.refresh_from_db()
    assert cluster.state == CaseCluster.State.ACTION
    for case in cases:
        case.refresh_from_db()
        assert case.state == Case.State.DISPATCHED and case.handling_unit == org.station
        assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.BATCH_ACTION).exists()
    # a later complaint joins the same cluster
    late = case_received(by=org.clerk, complainant_phone="13900000009", respondent_name="某健身房")
    assert cluster.cases.filter(pk=late.pk).exists()


def test_two_complainants_do_not_make_a_cluster(org):
    for n in range(2):
        case_received(by=org.clerk, complainant_phone=f"1370000000{n}", respondent_name="某超市")
    assert not CaseCluster.objects.exists()


def test_professional_claimants_are_flagged_at_intake(org):
    ProfessionalClaimant.objects.create(name="李四", phone="13600000000")
    listed = case_received(by=org.clerk, complainant_phone="13600000000", register=False)
    other = case_received(by=org.clerk, complainant_phone="13600000001", register=False)
    assert listed.professional_claimant and Case.objects.get(pk=listed.pk).professional_claimant
    assert not Case.objects.get(pk=other.pk).professional_claimant


def test_an_inactive_list_entry_does_not_flag(org):
    ProfessionalClaimant.objects.create(id_number="440703199001011234", is_active=False)
    case = case_received(by=org.clerk, complainant_id_number="440703199001011234")
    assert not Case.objects.get(pk=case.pk).professional_claimant


def test_a_repeat_and_its_earlier_case_list_each_other_as_related(client, org):
    food = CategoryFactory(code="F01", name="食品")
    first = case_received(by=org.clerk, category=food)
    second = case_received(by=org.clerk, category=food)
    client.force_login(org.clerk)
    for case, other in ((second, first), (first, second)):
        page = client.get(f"/cases/{case.number}/").content.decode()
        related = page[page.index('id="related"'):]
        related = related[:related.index("</section>")]
        assert other.number in related and "没有关联工单" not in related


def test_a_unit_gets_no_link_to_an_earlier_case_it_may_not_see(client, org):
    food = CategoryFactory(code="F01", name="食品")
    first = services.case_dispatch(case=case_received(by=org.clerk, category=food), unit=org.far_station,
                                   by=org.supervisor)
    second = services.case_dispatch(case=case_received(by=org.clerk, category=food), unit=org.station,
                                    by=org.supervisor)
    client.force_login(org.handler)
    page = client.get(f"/cases/{second.number}/").content.decode()
    assert first.number in page  # the ledger still says which case it repeats
    assert f'href="/cases/{first.number}/"' not in page
    assert client.get(f"/cases/{first.number}/").status_code == 404
