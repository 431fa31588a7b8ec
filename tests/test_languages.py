"""Chinese by default, English on request, for the new pages too."""

import pytest

from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_and_english_is_available(client, org):
    journeys.to_dispatched(org)
    client.force_login(org.handler)
    chinese = client.get("/inbox/").content.decode()
    assert "待签收" in chinese and "To sign for" not in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    english = client.get("/inbox/").content.decode()
    assert "To sign for" in english and "Sign for" in english and "working days left" in english
    assert "待签收" not in english


def test_public_lookup_in_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/track/"})
    page = client.get("/track/").content.decode()
    assert "Track progress" in page and "Query code" in page


def test_dashboard_in_english(client, org):
    client.force_login(org.supervisor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    page = client.get("/dashboard/").content.decode()
    assert "Contact on time" in page and "Red lines" in page and "Open cases by unit" in page
