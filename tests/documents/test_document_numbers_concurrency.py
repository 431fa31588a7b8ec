"""On PostgreSQL, clerks issuing at the same moment never share a number, and two clicks on one
case's document give one document."""
import importlib

import pytest
from django.apps import apps

from documents.models import IssuedDocument
from documents.services import document_issue
from tests.complaints import journeys
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def templates_seeded(db):
    # A transactional test starts from a flushed database: the seeded templates are put back.
    importlib.import_module("documents.migrations.0002_seed_templates").seed(apps, None)


def test_concurrent_issues_get_consecutive_unique_numbers(org):
    cases = [journeys.to_dispatched(org) for _ in range(6)]
    results = run_together(*[
        (lambda case=case: document_issue(kind_code="dispatch_slip", case=case, by=org.supervisor)) for case in cases
    ])
    assert all(isinstance(result, IssuedDocument) for result in results), results
    assert sorted(result.sequence for result in results) == [1, 2, 3, 4, 5, 6]
    assert len({result.number for result in results}) == 6


def test_two_clicks_at_once_issue_one_document(org):
    case = journeys.to_dispatched(org)
    results = run_together(
        lambda: document_issue(kind_code="dispatch_slip", case=case, by=org.supervisor),
        lambda: document_issue(kind_code="dispatch_slip", case=case, by=org.clerk),
    )
    assert all(isinstance(result, IssuedDocument) for result in results), results
    assert results[0].pk == results[1].pk
    assert IssuedDocument.objects.filter(case=case).count() == 1
