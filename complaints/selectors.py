"""Read queries for pages, the API and reports. Unit isolation lives here: whatever a user may not
see is simply not in their querysets, so views answer 404 for it."""
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from deadlines.models import CaseClock
from deadlines.selectors import COUNTING, RED, YELLOW, clocks_coloured

from .identity import identity_phone_match, identity_visible_filter
from .keyset import Order
from .models import Case, CaseAssignment, CaseEvent
from .search_grams import GRAM_SIZE, GramsContain


def case_visibility_filter(user) -> Q | None:
    """None means everything (the city center, superusers)."""
    if user.is_superuser or getattr(user, "is_center_staff", False):
        return None
    if not user.is_authenticated or user.unit_id is None:
        return Q(pk__in=[])
    # A unit sees what it registered or handles; a district center also what its units do.
    path = user.unit.path
    # Co-handling and informed units (协办、知会备案) see the cases they take part in.
    taking_part = CaseAssignment.objects.filter(unit__path__startswith=path).values("case_id")
    return (Q(handling_unit__path__startswith=path) | Q(registering_unit__path__startswith=path)
            | Q(pk__in=taking_part))


def counting_clocks_of_case():
    """The running clocks of the outer case that count towards a deadline: not stopped, not paused
    (检验检测鉴定 time does not count) and with a known due date. Due soon, overdue and the nearest
    deadline are all judged on these, on every page and in the API."""
    return CaseClock.objects.filter(COUNTING, case=OuterRef("pk"))


def case_overdue(*, now) -> Exists:
    """A clock of the case shows red (deadlines.selectors)."""
    return Exists(CaseClock.objects.filter(clocks_coloured(RED, now=now), case=OuterRef("pk")))


def case_due_soon(*, now) -> Exists:
    """A clock of the case shows yellow (deadlines.selectors)."""
    return Exists(CaseClock.objects.filter(clocks_coloured(YELLOW, now=now), case=OuterRef("pk")))


def case_list(*, visible_to, state: str | None = None, search: str = "") -> QuerySet[Case]:
    qs = Case.objects.select_related("handling_unit", "registering_unit", "category")
    visibility = case_visibility_filter(visible_to)
    if visibility is not None:
        qs = qs.filter(visibility)
    if state:
        qs = qs.filter(state=state)
    if search.strip():
        qs = qs.filter(case_search_filter(user=visible_to, search=search))
    return qs


# Newest first, paged by keyset (complaints/keyset.py) through the case_received_keyset index.
CASE_LIST_ORDER = Order(field="received_at", descending=True)

# A trigram index serves substrings of three characters or more; shorter ones go by prefix.
TRIGRAM_MIN = 3
# Codes of digits share their trigrams; five characters or more of one go by its grams index.
GRAMS_INDEXED = {"respondent_credit_code"}


def _text_match(field: str, search: str) -> Q:
    """`search` in `field`: anywhere in it (trigram GIN index, `contains`: Chinese has no case to
    fold, and icontains' UPPER() would defeat the index), or for one or two characters, at its start
    (prefix btree), which is how a two-character name or a short store name is looked up. A search
    as long as the field (a whole 18-character credit code) can only be the whole value: equality,
    through the prefix btree, because the trigrams of a code are a few digit triples every code
    shares, whose GIN lists grow with the table (39 ms at a million cases). Part of a code, five
    characters or more, goes by its 5-character grams (complaints.search_grams), whose lists do not.
    """
    if field in GRAMS_INDEXED:
        search = search.upper()  # codes are kept in capitals (complaints.intake_rules)
    if len(search) >= Case._meta.get_field(field).max_length:
        return Q(**{field: search})
    if field in GRAMS_INDEXED and len(search) >= GRAM_SIZE:
        return Q(GramsContain(field, search))
    if len(search) >= TRIGRAM_MIN:
        return Q(**{f"{field}__contains": search})
    return Q(**{f"{field}__startswith": search})


def case_search_filter(*, user, search: str) -> Q:
    """What a search box finds: the case number or the complainant's phone (exact, btree), part of
    the respondent's name or credit code, or part of the complainant's name. The complainant's
    phone and name find a case only where `user` may know who filed it (complaints.identity), so a
    search never tells who an anonymous reporter is."""
    search = search.strip()
    found = Q(number=search) | _text_match("respondent_name", search) | _text_match("respondent_credit_code", search)
    name = _text_match("complainant_name", search)
    visible = identity_visible_filter(user)
    return found | identity_phone_match(user=user, phone=search) | (name if visible is None else name & visible)


def case_detail(*, visible_to, number: str) -> Case:
    """The case with everything its page shows, in a fixed number of queries. Raises DoesNotExist."""
    return case_list(visible_to=visible_to).select_related(
        "respondent_area", "dispatching_unit", "handler", "decline_reason", "transfer_department", "linked_case"
    ).prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor", "actor_unit")),
        Prefetch("clocks", queryset=CaseClock.objects.order_by("-stopped_at", "due_at")),
        "attachments",
        "extension_requests",
    ).get(number=number)


def case_dispatch_queue(*, visible_to) -> QuerySet[Case]:
    """Registered cases waiting for someone to dispatch them, oldest first."""
    return case_list(visible_to=visible_to, state=Case.State.REGISTERED).order_by("registered_at")


def case_running_clocks(*, case: Case) -> list[CaseClock]:
    return [clock for clock in case.clocks.all() if clock.stopped_at is None]


def case_returned_by(*, number: str, user) -> Case | None:
    """The case `user`'s unit returned (退回) last and can no longer see, so a retried return
    answers as the first one did; None otherwise."""
    if getattr(user, "unit_id", None) is None:
        return None
    case = Case.objects.filter(number=number).first()
    if case is None or case_list(visible_to=user).filter(pk=case.pk).exists():
        return None
    last_return = case.events.filter(action=CaseEvent.Action.RETURN).order_by("-at", "-pk").first()
    return case if last_return is not None and last_return.actor_unit_id == user.unit_id else None


def notification_list(*, user, unread_only: bool = False):
    from .models import Notification

    qs = Notification.objects.filter(Q(recipient_user=user) | Q(recipient_unit_id=user.unit_id)) \
        .select_related("case").order_by("-created_at")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def case_related(*, case: Case, visible_to) -> list[Case]:
    """Cases tied to this one that the viewer may see: the case it links to, the cases linking to it
    (a report filed with a complaint), and the earlier case a repeat complaint repeats or the repeats of it."""
    ids = Q(linked_case_id=case.pk) | Q(repeat_of_id=case.pk)
    for other_id in (case.linked_case_id, case.repeat_of_id):
        if other_id:
            ids |= Q(pk=other_id)
    return list(case_list(visible_to=visible_to).filter(ids).exclude(pk=case.pk).order_by("received_at"))
