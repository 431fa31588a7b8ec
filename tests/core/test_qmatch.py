"""core.qmatch judges a Q in memory as the database does: for every rule below, the rows it holds
for are exactly the rows the database returns for the same Q."""
from datetime import timedelta

import pytest
from django.db.models import Q

from complaints.models import Case
from core.qmatch import q_fields, q_holds
from tests.factories import CategoryFactory, case_received

pytestmark = pytest.mark.django_db


def test_every_rule_holds_for_the_rows_the_database_returns(org):
    food = CategoryFactory(name="食品")
    cases = [case_received(by=org.clerk, complainant_phone="13902881234", respondent_name="佛山市禅城区某烘焙店"),
             case_received(by=org.clerk, complainant_phone="13902881234", respondent_name="佛山市南海区某超市",
                           category=food),
             case_received(by=org.clerk, complainant_phone="13790012345", respondent_name="佛山市禅城区某烘焙店",
                           register=False, incident_place="")]
    middle = cases[1].received_at
    rules = [
        Q(complainant_phone="13902881234"),
        Q(complainant_phone="13902881234", respondent_name="佛山市禅城区某烘焙店"),
        Q(category_id=None),
        Q(category_id=food.pk) | Q(state=Case.State.RECEIVED),
        ~Q(pk__in=[cases[0].pk, 0]) & Q(anonymous=False),
        Q(received_at__gte=middle) & Q(received_at__lte=middle + timedelta(hours=1)),
        Q(received_at__lt=middle) | ~Q(state__in=[Case.State.REGISTERED]),
        Q(received_at__gt=middle),
    ]
    rows = list(Case.objects.all())
    for rule in rules:
        expected = set(Case.objects.filter(rule).values_list("pk", flat=True))
        assert {row.pk for row in rows if q_holds(rule, row)} == expected, rule
        # The same judged on rows of only the fields the rule reads.
        values = Case.objects.values("pk", *q_fields(rule) - {"pk"})
        assert {row["pk"] for row in values if q_holds(rule, row)} == expected, rule
    assert any(set(Case.objects.filter(rule).values_list("pk", flat=True)) not in (set(), {c.pk for c in cases})
               for rule in rules)  # the rules tell the rows apart


def test_a_lookup_it_does_not_know_is_refused(org):
    case = case_received(by=org.clerk)
    with pytest.raises(ValueError, match="icontains"):
        q_holds(Q(respondent_name__icontains="店"), case)
