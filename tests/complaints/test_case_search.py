"""Search on the case list and the inbox: number and phone exactly, respondent, complainant and
credit code by substring (three characters or more) or by prefix (one or two), each within what
the searcher may see; an anonymous reporter is never found by who they are."""
import pytest

from complaints import services
from complaints.models import Case
from tests.factories import case_fields


def listed(client, user, q, path="/cases/"):
    client.force_login(user)
    page = client.get(path, {"q": q}).context["page"]
    return {case.number for case in page.object_list}


@pytest.fixture
def cases(org):
    named = services.case_receive(by=org.clerk, fields=case_fields(
        complainant_name="李四", complainant_phone="13911112222", respondent_name="江门市蓬江区某某食品商行",
        respondent_credit_code="91440703MA4UABCD12"))[0]
    anonymous = services.case_receive(by=org.clerk, fields=case_fields(
        kind=Case.Kind.REPORT, anonymous=True, complainant_name="王五", complainant_phone="13733334444",
        respondent_name="某健身会所"))[0]
    for case in (named, anonymous):
        services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    return named, anonymous


@pytest.mark.parametrize("path", ["/cases/", "/inbox/"])
def test_respondent_by_three_characters_anywhere_and_two_at_the_start(client, org, cases, path):
    named, anonymous = cases
    assert listed(client, org.handler, "食品商", path) == {named.number}
    assert listed(client, org.handler, "江门", path) == {named.number}
    assert listed(client, org.handler, "健身会", path) == {anonymous.number}
    assert listed(client, org.other_handler, "食品商", "/cases/") == set()  # not its unit's case


@pytest.mark.parametrize("path", ["/cases/", "/inbox/"])
def test_credit_code_and_case_number(client, org, cases, path):
    named, _anonymous = cases
    assert listed(client, org.handler, "91440703MA4UABCD12", path) == {named.number}
    assert listed(client, org.handler, "MA4UAB", path) == {named.number}
    assert listed(client, org.handler, named.number, path) == {named.number}
    assert listed(client, org.other_handler, named.number, "/cases/") == set()
    assert listed(client, org.supervisor, named.number, "/cases/") == {named.number}


@pytest.mark.parametrize("path", ["/cases/", "/inbox/"])
def test_complainant_name_and_phone_only_where_the_identity_may_be_seen(client, org, cases, path):
    named, anonymous = cases
    # A named complainant: found by a two-character name and by phone.
    assert listed(client, org.handler, "李四", path) == {named.number}
    assert listed(client, org.handler, "13911112222", path) == {named.number}
    # The anonymous reporter: the handling unit finds nothing by who reported, by name or phone.
    assert listed(client, org.handler, "王五", path) == set()
    assert listed(client, org.handler, "13733334444", path) == set()


def test_the_center_finds_the_anonymous_reporter(client, org, cases):
    _named, anonymous = cases
    assert listed(client, org.supervisor, "王五") == {anonymous.number}
    assert listed(client, org.clerk, "13733334444") == {anonymous.number}


def test_the_admin_case_list_searches_the_same_way_without_counting_the_table(admin_client, cases):
    named, anonymous = cases
    response = admin_client.get("/admin/complaints/case/", {"q": "食品商"})
    changelist = response.context["cl"]
    assert [case.number for case in changelist.result_list] == [named.number]
    assert changelist.full_result_count is None  # show_full_result_count = False: no COUNT(*) of all cases
    assert [c.number for c in admin_client.get("/admin/complaints/case/", {"q": "王五"}).context["cl"].result_list] \
        == [anonymous.number]  # a superuser may see every identity


def test_a_whole_credit_code_is_looked_up_by_equality_not_by_its_trigrams(org, cases):
    # Every code shares the same few digit trigrams: a LIKE over them grows with the table.
    from complaints.selectors import case_search_filter

    named, _anonymous = cases
    code = "91440703MA4UABCD12"
    query = str(Case.objects.filter(case_search_filter(user=org.supervisor, search=code)).query)
    assert '"respondent_credit_code" = 91440703MA4UABCD12' in query
    assert "respondent_credit_code\"::text LIKE" not in query
    assert set(Case.objects.filter(case_search_filter(user=org.supervisor, search=code))
               .values_list("number", flat=True)) == {named.number}


@pytest.fixture
def coded(org):
    """Codes of digits, as most are: they share every digit triple; two of them share every
    5-character piece of 4407031234 but only one holds it in one run."""
    made = {}
    for code in ("914407031234567890", "914407099912344407", "923407031299999999"):
        made[code] = services.case_receive(by=org.clerk, fields=case_fields(respondent_credit_code=code))[0].number
    return made


@pytest.mark.parametrize("path", ["/cases/", "/inbox/"])
def test_part_of_a_credit_code_finds_the_codes_that_hold_it_in_one_run(client, org, coded, path):
    for case in Case.objects.filter(number__in=coded.values()):
        services.case_dispatch(case=case, unit=org.station, by=org.supervisor)
    assert listed(client, org.handler, "4407031234", path) == {coded["914407031234567890"]}
    assert listed(client, org.handler, "07031", path) == {coded["914407031234567890"], coded["923407031299999999"]}
    assert listed(client, org.handler, "4407", path) == {coded["914407031234567890"], coded["914407099912344407"]}
    assert listed(client, org.handler, "1234567890", path) == {coded["914407031234567890"]}


def test_a_code_search_ignores_the_letters_case(client, org, cases):
    named, _anonymous = cases
    assert listed(client, org.supervisor, "ma4uabcd", "/cases/") == {named.number}
    assert listed(client, org.supervisor, "91440703ma4uabcd12", "/cases/") == {named.number}  # a whole code


@pytest.mark.postgres
def test_a_long_string_of_digits_reads_the_credit_codes_by_their_grams_not_their_trigrams(org, coded):
    # A case number or a phone is searched in the credit codes too; their digit trigrams are in
    # every code, so the trigram lists grow with the table, where the 5-character grams' do not.
    from django.db import connection, transaction

    from complaints.selectors import case_search_filter

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
        sql, params = Case.objects.filter(case_search_filter(user=org.supervisor, search="2026120400123")) \
            .order_by().values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_credit_code_grams" in plan
    assert "case_credit_code_trgm" not in plan


def test_an_inbox_search_matching_many_cases_anywhere_finds_the_units_own(client, org, cases, monkeypatch):
    # Past NARROWED_UP_TO matches in the whole table the inbox judges the search with its own filter.
    from complaints import selectors_inbox

    named, anonymous = cases
    other = services.case_receive(by=org.clerk, fields=case_fields(respondent_name="江门市某某食品商店"))[0]
    services.case_dispatch(case=other, unit=org.other_station, by=org.supervisor)
    assert listed(client, org.handler, "食品商", "/inbox/") == {named.number}
    monkeypatch.setattr(selectors_inbox, "NARROWED_UP_TO", 1)
    assert listed(client, org.handler, "食品商", "/inbox/") == {named.number}
    assert listed(client, org.handler, "13911112222", "/inbox/") == {named.number}
