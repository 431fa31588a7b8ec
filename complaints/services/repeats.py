"""Checks run when a case is received and registered: professional claimants (职业索赔人), repeat
complaints (重复投诉) and clusters of complaints about one respondent (集中投诉 → 专项行动).
The windows and thresholds are the center's, in the admin (登记规则, complaints.IntakeSettings). A
repeat goes on supervision's red-line ledger from the link recorded here (supervision/redlines.py)."""
from datetime import timedelta

from django.db.models import Q
from django.utils.translation import gettext_noop

from core.notes import Note
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
    match = Q()
    if phone.strip():
        match |= Q(phone=phone.strip())
    if id_number.strip():
        match |= Q(id_number=id_number.strip())
    return bool(match) and ProfessionalClaimant.objects.filter(match, is_active=True).exists()


def case_repeats_check(*, case: Case, by, at) -> None:
    """Link a registered case to an earlier one by the same complainant about the same respondent
    and matter, and gather many complainants about one respondent into a cluster. Saves the case
    (registration relies on this to write the registered row)."""
    policy = IntakeSettings.cached()
    case.professional_claimant = case_claimant_is_professional(case)
    earlier = _earlier_same_matter(case, since=at - timedelta(days=policy.repeat_window_days))
    if earlier is not None and case.kind == Case.Kind.REPORT:
        # A repeated report (重复举报, Order 121) is not a repeat complaint: no flag and no red line
        # (the ledger listens for "repeat_of"); linked for the unit to decide 重复举报不予处理.
        case.repeat_of = earlier
        case_event_record(case=case, actor=by, action=CaseEvent.Action.LINK, at=at, internal=True,
                          note=Note(gettext_noop(
                                        "疑似重复举报：同一举报人就同一被举报人、同一事项已于 %(day)s 举报，"
                                        "原工单 %(number)s；经核实可作重复举报不予处理"),
                                    day=f"{earlier.received_at:%Y-%m-%d}", number=earlier.number),
                          data={"possible_repeat_report": earlier.number})
    elif earlier is not None:
        case.is_repeat, case.repeat_of = True, earlier
        case_event_record(case=case, actor=by, action=CaseEvent.Action.LINK, at=at,
                          note=Note(gettext_noop(
                                        "重复投诉：同一投诉人就同一被投诉人、同一事项已于 %(day)s 投诉，"
                                        "原工单 %(number)s"),
                                    day=f"{local_date(earlier.received_at):%Y-%m-%d}", number=earlier.number),
                          data={"repeat_of": earlier.number})
    case.save()
    _cluster_join(case, since=at - timedelta(days=policy.cluster_window_days),
                  threshold=policy.cluster_min_complainants, by=by, at=at)


def _earlier_same_matter(case: Case, *, since) -> Case | None:
    same_complainant = identity_repeat_match(case)
    if same_complainant is None or not case.respondent_name.strip():
        return None
    return (
        Case.objects.filter(
            same_complainant, respondent_name=case.respondent_name.strip(),
            category_id=case.category_id, received_at__gte=since, received_at__lte=case.received_at,
        )
        .exclude(pk__in=[case.pk, case.linked_case_id or 0])
        .exclude(state__in=Case.NOT_TAKEN_UP_STATES)
        .order_by("received_at")
        .first()
    )


def _cluster_join(case: Case, *, since, threshold: int, by, at) -> CaseCluster | None:
    name = case.respondent_name.strip()
    if not name:
        return None
    cluster = CaseCluster.objects.filter(respondent_name=name).exclude(state=CaseCluster.State.CLOSED).first()
    recent = Case.objects.filter(respondent_name=name, received_at__gte=since) \
        .exclude(state__in=Case.NOT_TAKEN_UP_STATES)
    if cluster is None:
        complainants = recent.exclude(complainant_phone="").values("complainant_phone").distinct().count()
        if complainants < threshold:
            return None
        cluster = CaseCluster.objects.create(respondent_name=name, created_at=at)
        members = list(recent.values_list("pk", flat=True))  # the cases that formed the cluster
    else:
        # An open cluster already holds the earlier cases (each joined as it was registered).
        complainants = None
        members = [case.pk]
    Membership = CaseCluster.cases.through
    Membership.objects.bulk_create(
        [Membership(casecluster_id=cluster.pk, case_id=pk) for pk in members], ignore_conflicts=True
    )
    note = Note(gettext_noop("集中投诉：%(days)s天内%(n)s名投诉人投诉同一被投诉人，已归入集中投诉"),
                days=(at - since).days, n=complainants) if complainants else \
        Note(gettext_noop("集中投诉：同一被投诉人的集中投诉正在办理，本工单已归入"))
    case_event_record(case=case, actor=by, action=CaseEvent.Action.LINK, at=at, internal=True, note=note,
                      data={"cluster": cluster.pk})
    return cluster
