"""Checks run when a case is received and registered: professional claimants (职业索赔人), repeat
complaints (重复投诉) and clusters of complaints about one respondent (集中投诉 → 专项行动).
The windows and thresholds are the center's, in the admin (登记规则, complaints.IntakeSettings). A
repeat goes on supervision's red-line ledger from the link recorded here (supervision/redlines.py)."""
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from core.notes import Note
from core.qmatch import q_fields, q_holds
from deadlines.workdays import local_date

from ..identity import identity_repeat_match
from ..models import Case, CaseCluster, CaseEvent, IntakeSettings, ProfessionalClaimant
from .history import case_event_record


def case_claimant_is_professional(case: Case) -> bool:
    """claimant_is_professional for the case's complainant, asked once per intake: registration
    right after receipt asks again only if the phone or ID number changed in between."""
    asked = (case.complainant_phone, case.complainant_id_number)
    if getattr(case, "_professional_asked", None) != asked:
        case._professional_asked = asked
        case._professional_answer = claimant_is_professional(phone=asked[0], id_number=asked[1])
    return case._professional_answer


def claimant_is_professional(*, phone: str, id_number: str = "") -> bool:
    return claimants_professional([(phone, id_number)])[0]


def claimants_professional(claimants: list[tuple[str, str]]) -> list[bool]:
    """For each (phone, ID number): whether an active professional claimant has either; one query."""
    wanted = [(phone.strip(), id_number.strip()) for phone, id_number in claimants]
    phones = {phone for phone, _id in wanted if phone}
    ids = {id_number for _phone, id_number in wanted if id_number}
    if not phones and not ids:
        return [False] * len(wanted)
    found = ProfessionalClaimant.objects.filter(Q(phone__in=phones) | Q(id_number__in=ids), is_active=True)
    known = set(found.values_list("phone", "id_number"))
    known_phones, known_ids = {p for p, _i in known}, {i for _p, i in known}
    return [bool(phone and phone in known_phones) or bool(id_number and id_number in known_ids)
            for phone, id_number in wanted]


def case_repeats_check(*, case: Case, by, at) -> None:
    """Link a registered case to an earlier one by the same complainant about the same respondent
    and matter, and gather many complainants about one respondent into a cluster. Saves the case
    (registration relies on this to write the registered row)."""
    policy = IntakeSettings.cached()
    case.professional_claimant = case_claimant_is_professional(case)
    earlier = _earlier_same_matter(case, since=at - timedelta(days=policy.repeat_window_days))
    link = repeat_link(case, earlier)
    if link is not None:
        case_event_record(case=case, actor=by, at=at, **link)
    case.save()
    _cluster_join(case, since=at - timedelta(days=policy.cluster_window_days),
                  threshold=policy.cluster_min_complainants, by=by, at=at)


def repeat_link(case: Case, earlier: Case | None) -> dict | None:
    """Link the case to `earlier` (its flags, in memory) and return the history row owed for it
    (case_event_record's arguments), or None without an earlier case."""
    if earlier is not None and case.kind == Case.Kind.REPORT:
        # A repeated report (重复举报, Order 121) is not a repeat complaint: no flag and no red line
        # (the ledger listens for "repeat_of"); linked for the unit to decide 重复举报不予处理.
        case.repeat_of = earlier
        return {"action": CaseEvent.Action.LINK, "internal": True,
                "note": Note(gettext_noop("疑似重复举报：同一举报人就同一被举报人、同一事项已于 %(day)s 举报，"
                                          "原工单 %(number)s；经核实可作重复举报不予处理"),
                             day=f"{earlier.received_at:%Y-%m-%d}", number=earlier.number),
                "data": {"possible_repeat_report": earlier.number}}
    if earlier is not None:
        case.is_repeat, case.repeat_of = True, earlier
        return {"action": CaseEvent.Action.LINK,
                "note": Note(gettext_noop("重复投诉：同一投诉人就同一被投诉人、同一事项已于 %(day)s 投诉，"
                                          "原工单 %(number)s"),
                             day=f"{local_date(earlier.received_at):%Y-%m-%d}", number=earlier.number),
                "data": {"repeat_of": earlier.number}}
    return None


def _earlier_same_matter(case: Case, *, since) -> Case | None:
    rule = _same_matter(case, since=since)
    return _taken_up(Case.objects.filter(rule)).first() if rule is not None else None


# What every _same_matter rule holds equal (identity_repeat_match's anonymity and phone, then the
# respondent and category); tests/complaints/test_registration_batch.py holds the batch's answers
# equal to the single-case path's.
SAME_MATTER_GROUP = ("anonymous", "complainant_phone", "respondent_name", "category_id")


def _same_matter(case: Case, *, since) -> Q | None:
    """The earlier cases `case` repeats (None when it can repeat none): the same complainant about
    the same respondent and category, received in the window up to it, not itself nor its twin."""
    same_complainant = identity_repeat_match(case)
    if same_complainant is None or not case.respondent_name.strip():
        return None
    return (same_complainant
            & Q(respondent_name=case.respondent_name.strip(), category_id=case.category_id,
                received_at__gte=since, received_at__lte=case.received_at)
            & ~Q(pk__in=[case.pk, case.linked_case_id or 0]))


def _taken_up(cases):
    """Only a case taken up can be repeated; the earliest is the one repeated."""
    return cases.exclude(state__in=Case.NOT_TAKEN_UP_STATES).order_by("received_at", "pk")


def earlier_same_matter_many(cases: list[Case], *, since) -> dict[int, Case]:
    """The earliest earlier case each of `cases` repeats (by primary key; absent when none), in one
    query: the candidates of the batch are read once, each case's own rule (the same Q as above)
    then picks its first in memory (core.qmatch) among the candidates of its group."""
    rules = {case.pk: rule for case in cases if (rule := _same_matter(case, since=since)) is not None}
    if not rules:
        return {}
    # The candidates as plain rows of the fields the rules read: a busy respondent has hundreds of
    # earlier cases, and a model instance each costs more than the query. Only the ones picked
    # are then read whole.
    fields = set().union(*map(q_fields, rules.values())) - {"pk"}
    groups: dict[tuple, list[dict]] = {}
    wanted = {_group_of(case) for case in cases if case.pk in rules}
    for row in _first_three_of_groups(wanted, fields, since=since):
        groups.setdefault(tuple(row[name] for name in SAME_MATTER_GROUP), []).append(row)
    firsts = {}
    for case in cases:
        if case.pk in rules:
            candidates = groups.get(_group_of(case), ())
            firsts[case.pk] = next((row["pk"] for row in candidates if q_holds(rules[case.pk], row)), None)
    picked = Case.objects.in_bulk({first for first in firsts.values() if first is not None})
    return {pk: picked[first] for pk, first in firsts.items() if first is not None}


def _group_of(case: Case) -> tuple:
    """The SAME_MATTER_GROUP values `_same_matter` asks of the cases `case` repeats."""
    return (False, case.complainant_phone.strip(), case.respondent_name.strip(), case.category_id)


# Of each complainant, respondent and category, only the earliest few can be a rule's first: a rule
# takes the earliest of its own group received before its case, save itself and its twin
# (_same_matter), so its first is among the group's first three taken up since the window opened.
# A professional claimant with thousands of cases about one respondent is then three rows.
FIRST_FEW = 3


def _first_three_of_groups(wanted: set[tuple], fields: set[str], *, since) -> list[dict]:
    """The first FIRST_FEW cases taken up since `since` of each group in `wanted`, as rows of
    `fields` and pk: each group a LIMIT through the case_repeat_lookup index (phone, respondent,
    receipt time), a few rows whatever the group holds. PostgreSQL's, as the batch is
    (registration_batch.cases_register_batch_supported)."""
    names = ["pk", *sorted(fields)]
    # The groups come as arrays joined LATERALly; the per-group query is the ORM's own (_taken_up's
    # states and order), its group columns standing for the arrays'.
    group = _taken_up(Case.objects.annotate(category_or_none=Coalesce("category_id", 0)).filter(
        anonymous=False, complainant_phone=RawSQL("g.phone", []), respondent_name=RawSQL("g.respondent", []),
        category_or_none=RawSQL("g.category", []), received_at__gte=since)).values(*names)[:FIRST_FEW]
    inner, params = group.query.sql_with_params()
    wanted = list(wanted)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            "SELECT f.* FROM unnest(%s::text[], %s::text[], %s::bigint[]) AS g (phone, respondent, category)"
            f" CROSS JOIN LATERAL ({inner}) AS f",
            [[key[1] for key in wanted], [key[2] for key in wanted], [key[3] or 0 for key in wanted], *params])
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _cluster_join(case: Case, *, since, threshold: int, by, at) -> None:
    link = clusters_join([case], since=since, threshold=threshold, at=at).get(case.pk)
    if link is not None:
        case_event_record(case=case, actor=by, at=at, **link)


def clusters_join(cases: list[Case], *, since, threshold: int, at) -> dict[int, dict]:
    """Gather the cases, in their order, into the open cluster of their respondent, or into a new one
    when enough complainants have complained about it within the window; write the clusters and
    their members (five queries at most, whatever the number of cases). Returns, by case id, the
    history row (case_event_record's arguments) owed to each case that joined one."""
    names = {case.respondent_name.strip() for case in cases} - {""}
    if not names:
        return {}
    clusters: dict[str, CaseCluster] = {}
    for cluster in CaseCluster.objects.filter(respondent_name__in=names) \
            .exclude(state=CaseCluster.State.CLOSED).order_by("pk"):
        clusters.setdefault(cluster.respondent_name, cluster)
    # How many complainants each other respondent has in the window, counted by the database: a
    # busy respondent's thousands of cases are not read to count a handful of phones. Only the
    # respondents that now form a cluster have their cases read, once.
    window = Case.objects.filter(received_at__gte=since).exclude(state__in=Case.NOT_TAKEN_UP_STATES)
    complainants = _complainants_in(window, names - clusters.keys())
    forming = {name for name, n in complainants.items() if n >= threshold}
    members: dict[str, list] = {name: [] for name in forming}
    if forming:
        for name, pk in window.filter(respondent_name__in=forming).order_by("pk").values_list("respondent_name", "pk"):
            members[name].append(pk)
    joined, formed = [], []
    for case in cases:
        name = case.respondent_name.strip()
        if not name:
            continue
        if name in clusters:
            # An open cluster already holds the earlier cases (each joined as it was registered).
            joined.append((case, name, [case.pk], None))
            continue
        if name not in forming:
            continue
        clusters[name] = CaseCluster(respondent_name=name, created_at=at)
        formed.append(clusters[name])
        joined.append((case, name, members[name], complainants[name]))  # the cases that formed the cluster
    if formed:
        CaseCluster.objects.bulk_create(formed)
    Membership = CaseCluster.cases.through
    pairs = {(clusters[name].pk, pk) for _case, name, members, _n in joined for pk in members}
    if pairs:
        Membership.objects.bulk_create([Membership(casecluster_id=cluster_id, case_id=pk) for cluster_id, pk in pairs],
                                       ignore_conflicts=True)
    links = {}
    for case, name, _members, complainants in joined:
        note = Note(gettext_noop("集中投诉：%(days)s天内%(n)s名投诉人投诉同一被投诉人，已归入集中投诉"),
                    days=(at - since).days, n=complainants) if complainants else \
            Note(gettext_noop("集中投诉：同一被投诉人的集中投诉正在办理，本工单已归入"))
        links[case.pk] = {"action": CaseEvent.Action.LINK, "internal": True, "note": note,
                          "data": {"cluster": clusters[name].pk}}
    return links


def _complainants_in(window, names: set[str]) -> dict[str, int]:
    """How many complainants (distinct phones) each respondent of `names` has among the cases of
    `window`. On PostgreSQL one respondent at a time, through case_respondent_received (name,
    receipt time): planned for the whole list of names, PostgreSQL may take the trigram index for
    their equality, whose lists are long for names that share a part (0.55 s a batch for 15,000
    cases of 97 names 某商家N)."""
    if not names:
        return {}
    phones = window.exclude(complainant_phone="")
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return dict(phones.filter(respondent_name__in=names).order_by().values("respondent_name")
                    .annotate(n=Count("complainant_phone", distinct=True)).values_list("respondent_name", "n"))
    distinct_sql, params = phones.filter(respondent_name=RawSQL("g.name", [])).order_by() \
        .values("complainant_phone").distinct().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT g.name, (SELECT count(*) FROM ({distinct_sql}) AS p) "
                       "FROM unnest(%s::text[]) AS g (name)", [*params, sorted(names)])
        return {name: n for name, n in cursor.fetchall() if n}
