"""API intake receives; the worker registers what systems send complete, as a clerk would; the
rest waits for the clerk. The platform is told when its work order is registered."""
from unittest import mock

import pytest
from django.conf import settings

from complaints import services
from complaints.models import Case, CaseEvent
from integration import services as integration
from integration.models import ExternalCaseRef, WebhookDelivery
from integration.services import external_cases_register
from tests.api.conftest import system_create
from tests.api.payloads import work_order
from tests.concurrency import run_together

CASES = "/api/v1/cases/"


def _create(system, **overrides) -> Case:
    response = system.client.post(CASES, work_order(**overrides), format="json")
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["number"])


def test_a_complete_work_order_is_received_then_registered_by_the_worker(hotline):
    response = hotline.client.post(CASES, work_order(), format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "received" and response.json()["missing_elements"] == []
    received = hotline.client.get(response["Location"]).json()
    assert [c["clock"] for c in received["clocks"]] == ["statutory_accept"]  # held to the law from receipt

    assert external_cases_register() == 1

    body = hotline.client.get(response["Location"]).json()
    assert body["state"] == "registered"
    # Registration is not acceptance (受理): the acceptance clock runs on until the unit decides.
    assert {c["clock"] for c in body["clocks"] if c["stopped_at"] is None} == {"dispatch", "statutory_accept"}
    assert [e["action"] for e in body["history"]][:2] == ["receive", "register"]
    registered = CaseEvent.objects.get(case__number=response.json()["number"], action="register")
    assert registered.actor == hotline.system.acting_user
    # The routing proposal and the repeat checks of registration ran too.
    assert Case.objects.get(number=body["number"]).routing is not None


def test_the_platform_is_told_its_work_order_was_registered(hotline):
    case = _create(hotline)
    external_cases_register()
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "case.registered"
    assert (delivery.payload["case"], delivery.payload["reference"]) == (case.number, "GD-2026-0001")


def test_an_incomplete_work_order_waits_for_the_clerk(hotline, org):
    case = _create(hotline, demand="")
    external_cases_register()
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED
    assert not ExternalCaseRef.objects.get(case=case).registration_pending  # not retried forever
    assert not WebhookDelivery.objects.exists()
    # The clerk supplies the element and registers it.
    case = services.case_update_details(case=case, by=org.clerk, fields={"demand": "退款"})
    assert services.case_register(case=case, by=org.clerk).state == Case.State.REGISTERED


def test_a_system_without_automatic_registration_leaves_every_case_to_the_clerk(hotline):
    hotline.system.registers_automatically = False
    hotline.system.save()
    case = _create(hotline)
    assert external_cases_register() == 0
    assert Case.objects.get(pk=case.pk).state == Case.State.RECEIVED


def test_a_case_the_clerk_already_handled_is_left_alone(hotline, org):
    case = _create(hotline)
    services.case_register(case=case, by=org.clerk)
    external_cases_register()
    assert CaseEvent.objects.filter(case=case, action="register").count() == 1
    assert CaseEvent.objects.get(case=case, action="register").actor == org.clerk


def test_cases_of_many_systems_and_batches_are_all_registered(hotline, org):
    other = system_create(code="wechat", user=hotline.system.acting_user, channel="wechat")
    numbers = [_create(hotline, reference=f"GD-{i}").number for i in range(3)]
    numbers += [_create(other, reference=f"WX-{i}").number for i in range(2)]
    assert external_cases_register(batch=2) == 5
    assert set(Case.objects.filter(number__in=numbers).values_list("state", flat=True)) == {"registered"}


def test_after_commit_the_worker_is_asked_once_per_period(hotline, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(integration, "_last_kick", float("-inf"))
    with mock.patch("integration.tasks.external_cases_register_task.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            _create(hotline, reference="A")
        with django_capture_on_commit_callbacks(execute=True):
            _create(hotline, reference="B")  # within the period: covered by the message already queued
    queued.assert_called_once_with(countdown=settings.EXTERNAL_REGISTRATION_DELAY_SECONDS)


def test_a_broker_outage_delays_registration_and_loses_nothing(hotline, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    monkeypatch.setattr(integration, "_last_kick", float("-inf"))
    with mock.patch("integration.tasks.external_cases_register_task.apply_async",
                    side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            response = hotline.client.post(CASES, work_order(), format="json")
    assert response.status_code == 201  # the create itself never depends on the broker
    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "complaints.tasks.external_cases_register_task" in entries
    from integration.tasks import external_cases_register_task

    assert external_cases_register_task() == 1  # what the beat entry runs
    assert Case.objects.get(number=response.json()["number"]).state == Case.State.REGISTERED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_register_each_case_once(hotline):
    cases = [_create(hotline, reference=f"GD-{i}") for i in range(12)]
    results = run_together(lambda: external_cases_register(batch=3), lambda: external_cases_register(batch=3))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(results) == 12  # each worker took cases the other had not locked
    for case in cases:
        assert CaseEvent.objects.filter(case=case, action="register").count() == 1


def test_the_clerk_finds_work_orders_waiting_for_registration_from_the_menu(hotline, org, client):
    waiting = _create(hotline, demand="")
    registered = _create(hotline, reference="GD-2")
    external_cases_register()
    client.force_login(org.clerk)
    page = client.get("/cases/").content.decode()
    assert "/cases/?state=received" in page  # the 待登记 link
    listed = client.get("/cases/?state=received").content.decode()
    assert waiting.number in listed and registered.number not in listed


def test_a_case_that_fails_to_register_does_not_hold_up_the_others(hotline, caplog):
    broken = _create(hotline, reference="GD-broken")
    fine = _create(hotline, reference="GD-fine")
    real_register = integration.case_register

    def register(*, case, by):
        if case.pk == broken.pk:
            raise RuntimeError("a bug met by this case only")
        return real_register(case=case, by=by)

    # The fault breaks the batch (registered together) and then this one case (one by one).
    with mock.patch.object(integration, "cases_register_batch", side_effect=RuntimeError("in the batch")), \
            mock.patch.object(integration, "case_register", side_effect=register):
        assert external_cases_register() == 2
    assert Case.objects.get(pk=fine.pk).state == Case.State.REGISTERED
    assert Case.objects.get(pk=broken.pk).state == Case.State.RECEIVED  # left for the clerk
    assert not ExternalCaseRef.objects.filter(registration_pending=True).exists()  # not retried forever
    assert f"registering case {broken.number} failed" in caplog.text
