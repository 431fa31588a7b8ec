"""The worker registers a batch of API work orders together (cases_register_batch) with the same
result as registering them one by one through case_register, on 佛山 (440600) data: the same
states, clocks and due times, routing proposals, flags, repeat links, clusters, history, webhooks
and messages; and in a number of queries that does not grow with the batch."""
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.history_chain import history_chain_verify
from complaints.models import (
    Case,
    CaseCluster,
    CaseEvent,
    CaseRouting,
    CrossRegionNotice,
    IntakeSettings,
    ProfessionalClaimant,
)
from complaints.services.intake import case_register
from complaints.services.registration_batch import cases_register_batch
from deadlines.models import CaseClock
from integration import services as integration
from integration.models import ExternalCaseRef, WebhookDelivery
from messaging.models import SmsMessage, SmsTemplate
from routing.models import Platform, RoutingRule, User
from supervision.models import RedLineItem
from tests.api.conftest import system_create
from tests.api.payloads import work_order
from tests.factories import CategoryFactory, UserFactory, case_fields, time_limits_seed
from tests.foshan import foshan_city

# The batch is PostgreSQL's (cases_register_batch_supported); SQLite registers one by one.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SEED_SMS = __import__("importlib").import_module("messaging.migrations.0002_seed_sms_templates")


@pytest.fixture
def city():
    time_limits_seed()
    if not SmsTemplate.objects.exists():  # a transactional test elsewhere may have flushed the seed
        from tests.messaging.conftest import django_apps
        SEED_SMS.seed(django_apps, None)
    city = foshan_city()
    city.food = CategoryFactory(code="F01", name="食品")
    city.training = CategoryFactory(code="J01", name="教育培训")
    # 禅城区's food cases go to 石湾 by rule; the rest by the areas' own units.
    RoutingRule.objects.create(area=city.areas["440604"], category=city.food, unit=city.shiwan, sequence=10)
    IntakeSettings.objects.update_or_create(pk=1, defaults={"cluster_min_complainants": 3})
    ProfessionalClaimant.objects.create(name="王某", phone="13600000000")
    city.platform = Platform.objects.create(code="fs-life", name="佛山示例本地生活平台", operator_name="佛山示例网络科技有限公司",
                                            operator_home="佛山市三水区西南街道", operator_area=city.areas["440607010"])
    # The platform's work orders come in at 祖庙所 (禅城区): a respondent elsewhere is 同城通办.
    user = UserFactory(username="svc-fs12345", unit=city.zumiao, role=User.Role.CLERK)
    city.hotline = system_create(code="fs12345", user=user, channel="hotline_12345",
                                 webhook_url="http://127.0.0.1:9/unused")
    # Earlier cases, registered by a clerk: one the batch repeats, one of a cluster about to form.
    clerk = city.clerk(city.center)
    city.earlier = integration_receive(clerk, complainant_phone="13900000002", respondent_name="某奶茶店",
                                       category=city.food)
    integration_receive(clerk, complainant_phone="13900000003", respondent_name="某培训机构",
                        category=city.training)
    return city


def integration_receive(clerk, **fields) -> Case:
    from complaints.services.intake import case_receive
    return case_receive(by=clerk, fields=case_fields(**fields))[0]


def _work_orders(city) -> list[Case]:
    area = {code: code for code in ("440604010", "440604011", "440605011")}
    orders = [
        work_order("FS-1", respondent_area=area["440604010"], category="F01"),  # by the rule: 石湾
        work_order("FS-2", complainant_phone="13900000001", respondent_name="某健身房", category="F01",
                   respondent_area=area["440604011"]),
        work_order("FS-3", complainant_phone="13900000001", respondent_name="某健身房", category="F01",
                   respondent_area=area["440604011"]),  # repeats FS-2, in the same batch
        work_order("FS-4", complainant_phone="13900000002", respondent_name="某奶茶店", category="F01"),
        work_order("FS-5", complainant_phone="13900000004", respondent_name="某培训机构", category="J01"),
        work_order("FS-6", complainant_phone="13900000005", respondent_name="某培训机构", category="J01"),
        work_order("FS-7", respondent_area=area["440605011"], respondent_name="某药店"),  # 南海: 同城通办
        work_order("FS-8", respondent_name="某数码专营店", respondent_platform="fs-life",
                   platform_jurisdiction="no_address", incident_place="网购"),
        work_order("FS-9", complainant_phone="13600000000", respondent_name="某超市"),  # professional
        work_order("FS-10", demand="", respondent_name="某洗衣店"),  # an element missing: for the clerk
        work_order("FS-11", kind="report", complainant_phone="13900000001", respondent_name="某健身房",
                   category="F01", respondent_area=area["440604011"]),
    ]
    numbers = []
    for order in orders:
        response = city.hotline.client.post("/api/v1/cases/", order, format="json")
        assert response.status_code == 201, response.content
        numbers.append(response.json()["number"])
    return numbers


def _one_by_one() -> None:
    refs = ExternalCaseRef.objects.select_related("case", "system__acting_user__unit") \
        .filter(registration_pending=True).order_by("pk")
    for ref in refs:
        integration._register_one(ref)  # the worker's per-case path: case_register in a savepoint


def _registered_as(register, numbers, at) -> dict:
    """The rows registration leaves, read without ids, then undone for the next way to run."""
    saved = transaction.savepoint()
    with mock.patch("django.utils.timezone.now", return_value=at):
        register()
    found = _snapshot(numbers)
    transaction.savepoint_rollback(saved)
    return found


def _snapshot(numbers) -> dict:
    cases = Case.objects.filter(number__in=numbers)
    ids = list(cases.values_list("pk", flat=True))
    clusters = {c.pk: c.respondent_name for c in CaseCluster.objects.all()}

    def data(event):
        return {**event.data, "cluster": clusters[event.data["cluster"]]} if "cluster" in event.data else event.data

    events = list(CaseEvent.objects.filter(case_id__in=ids).order_by("case_id", "id"))
    chain = history_chain_verify(CaseEvent.objects.filter(case_id__in=ids).order_by("case_id", "id").values())
    return {
        "cases": sorted(cases.values_list(
            "number", "state", "version", "registered_at", "professional_claimant", "is_repeat",
            "repeat_of__number", "cross_region", "next_due_at", "next_warn_at")),
        "clocks": sorted(CaseClock.objects.filter(case_id__in=ids).values_list(
            "case__number", "clock", "started_at", "stopped_at", "due_at", "warn_at", "limit_amount", "basis")),
        "routing": sorted(CaseRouting.objects.filter(case_id__in=ids).values_list(
            "case__number", "proposed_unit__code", "rule_id", "reason", "reason_i18n")),
        "notices": sorted(CrossRegionNotice.objects.filter(case_id__in=ids).values_list(
            "case__number", "receiving_unit__code", "target_unit__code", "due_at")),
        "clusters": sorted((c.respondent_name, c.created_at, sorted(c.cases.values_list("number", flat=True)))
                           for c in CaseCluster.objects.all()),
        "history": [(e.case.number, e.action, e.source_state, e.target_state, e.note, e.internal, data(e),
                     e.actor_id, e.at) for e in events],
        "chain_breaks": chain.breaks, "unsealed": chain.unsealed,
        "webhooks": sorted((w.case.number, w.event, sorted(w.payload.items())) for w in
                           WebhookDelivery.objects.filter(case_id__in=ids)),
        "sms": sorted(SmsMessage.objects.filter(case_id__in=ids).values_list("case__number", "kind", "phone", "text")),
        "red_lines": sorted(RedLineItem.objects.filter(case_id__in=ids).values_list("case__number", "reason")),
    }


def test_a_batch_registers_exactly_as_one_by_one(city, caplog):
    numbers = _work_orders(city)
    at = timezone.now() + timedelta(minutes=1)
    one_by_one = _registered_as(_one_by_one, numbers, at)
    with mock.patch.object(integration, "case_register", side_effect=AssertionError("not one by one")):
        together = _registered_as(integration.external_cases_register, numbers, at)
    assert "one by one instead" not in caplog.text
    assert together == one_by_one

    # And what the two agree on is what registration is meant to do.
    by_number = dict(zip(numbers, range(1, 12), strict=True))
    cases = {by_number[row[0]]: row for row in together["cases"]}
    assert [n for n, row in sorted(cases.items()) if row[1] == "received"] == [10]
    assert cases[3][5] and cases[3][6] == numbers[1]  # FS-3 repeats FS-2, registered in the same batch
    assert cases[4][5] and cases[4][6] == city.earlier.number
    assert not cases[11][5] and cases[11][6] == numbers[1]  # a repeated report is linked, not flagged
    assert cases[9][4] and not cases[1][4]  # the professional claimant
    assert [n for n, row in sorted(cases.items()) if row[7]] == [7]  # 同城通办: 南海 from 祖庙所
    assert ("某培训机构", at, sorted([*numbers[4:6], Case.objects.get(respondent_name="某培训机构",
                                                                     state="registered").number])) \
        in together["clusters"]
    proposed = {by_number[row[0]]: row[1] for row in together["routing"]}
    assert proposed[1] == "FS0402" and proposed[7] == "FS0501" and proposed[8] == "FS0701"
    assert together["notices"] == [(numbers[6], "FS0401", "FS05", together["notices"][0][3])]
    assert together["chain_breaks"] == [] and together["unsealed"] == 0
    assert len(together["webhooks"]) == 10 and {w[1] for w in together["webhooks"]} == {"case.registered"}
    assert {row[0] for row in together["sms"]} == set(numbers) - {numbers[9]}
    assert [by_number[n] for n, reason in together["red_lines"]] == [3, 4]
    assert {row[1] for row in together["clocks"] if row[0] == numbers[6]} >= {"dispatch", "cross_region_notice"}


def test_a_complainant_with_many_earlier_cases_repeats_the_earliest_in_a_batch_too(city):
    """The batch reads only the first few earlier cases of each complainant, respondent and
    category (repeats.SAME_MATTER_GROUP): with five earlier ones, both new work orders still
    repeat the earliest, as one by one."""
    clerk = city.clerk(city.center)
    earlier = [integration_receive(clerk, complainant_phone="13700000007", respondent_name="某连锁超市",
                                   category=city.food) for _ in range(5)]
    numbers = []
    for ref in ("PC-1", "PC-2"):
        response = city.hotline.client.post("/api/v1/cases/", work_order(
            ref, complainant_phone="13700000007", respondent_name="某连锁超市", category="F01"), format="json")
        assert response.status_code == 201, response.content
        numbers.append(response.json()["number"])
    at = timezone.now() + timedelta(minutes=1)
    one_by_one = _registered_as(_one_by_one, numbers, at)
    together = _registered_as(integration.external_cases_register, numbers, at)
    assert together == one_by_one
    assert {row[0]: (row[5], row[6]) for row in together["cases"]} == {n: (True, earlier[0].number) for n in numbers}


def test_a_case_the_clerk_registered_meanwhile_is_left_alone(city):
    numbers = _work_orders(city)[:3]
    cases = list(Case.objects.filter(number__in=numbers).order_by("pk"))
    case_register(case=Case.objects.get(pk=cases[0].pk), by=city.clerk(city.center))
    done = cases_register_batch(cases=cases, by=city.hotline.system.acting_user)
    assert [c.number for c in done.left] == [numbers[0]]
    assert [c.number for c in done.registered] == numbers[1:]
    assert CaseEvent.objects.filter(case=cases[0], action="register").count() == 1


def _received(city, n: int, offset: int) -> list[Case]:
    for i in range(n):
        response = city.hotline.client.post("/api/v1/cases/", work_order(
            f"Q-{offset + i}", complainant_phone=f"139{offset + i:08d}", respondent_name=f"商户{i % 7}",
            respondent_area=["440604010", "440605011", "440607010", "440606010"][i % 4],
            category=["F01", "J01"][i % 2]), format="json")
        assert response.status_code == 201
    return list(Case.objects.filter(external_ref__startswith="Q-", state="received").order_by("pk"))[-n:]


def _queries_to_register(city, n: int, offset: int) -> int:
    cases = _received(city, n, offset)
    with CaptureQueriesContext(connection) as queries:
        done = cases_register_batch(cases=cases, by=city.hotline.system.acting_user)
    assert len(done.registered) == n
    return len(queries)


def test_the_queries_of_a_batch_do_not_grow_with_its_size(city, settings):
    settings.RULES_CACHE_SECONDS = 300  # the rule tables read once, as a worker keeps them
    ten, fifty = _queries_to_register(city, 10, 0), _queries_to_register(city, 50, 100)
    assert fifty <= ten + 2, (ten, fifty)
    assert ten < 10 * 5  # and far below one by one's ~20 a case


def test_each_case_stores_its_dispatch_deadline_and_later_clock_changes_still_reach_it(city):
    """The batch starts the dispatch clocks without the clocks touching their cases (the cases are
    rewritten as registered right after); the stored nearest deadline is the new clock's, and once
    the batch is done a clock change in the same transaction moves it again."""
    numbers = _work_orders(city)
    with transaction.atomic():
        integration.external_cases_register()
        case = Case.objects.get(number=numbers[0])
        dispatch = case.clocks.get(clock="dispatch", stopped_at__isnull=True)
        nearest = case.clocks.filter(stopped_at__isnull=True, due_at__isnull=False).order_by("due_at").first()
        assert case.state == Case.State.REGISTERED and case.next_due_at == nearest.due_at
        assert nearest == dispatch or nearest.due_at <= dispatch.due_at
        sooner = timezone.now() + timedelta(hours=1)
        CaseClock.objects.filter(pk=dispatch.pk).update(due_at=sooner)
        case.refresh_from_db()
        assert case.next_due_at == sooner
