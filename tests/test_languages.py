"""Chinese by default, English on request, for the new pages too."""

import re

import pytest
from django.apps import apps
from django.db.models import CharField, TextField
from django.utils.html import escape

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


# --- Every main page in English, with no Chinese left outside what users and the system recorded ---

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def _recorded_texts() -> list[str]:
    """Every text stored in the database (names, case fields, history notes, notifications):
    user data stays in the language it was written in, so it is not counted against a page."""
    texts = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, (CharField, TextField))]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            texts.update(v for v in row if isinstance(v, str) and CJK.search(v))
    # Dates written by the complainant ("2026年11月20日") and the like; the longest first so a
    # name inside a longer text does not leave fragments behind.
    return sorted(texts, key=len, reverse=True)


def _chinese_left(html: str) -> list[str]:
    body = html.split("<body", 1)[1]
    # The language switcher names each language in itself ("简体中文"), as it should.
    body = re.sub(r'<select name="language".*?</select>', "", body, flags=re.S)
    for text in _recorded_texts():
        body = body.replace(escape(text), "").replace(text, "")
    return sorted(set(CJK.findall(body)))


def _in_english(client, user):
    if user is not None:
        client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_main_pages_have_no_chinese_left_in_english(client, org):
    in_queue = journeys.to_registered(org)
    handling = journeys.to_handling(org)
    replied = journeys.to_replied(org)
    _in_english(client, org.supervisor)
    pages = {
        "dashboard": "/dashboard/",
        "case list": "/cases/",
        "dispatch queue": "/cases/queue/",
        "cross-region list": "/cases/cross-region/",
        "supervision overview": "/supervision/",
        "red-line ledger": "/supervision/red-lines/",
        "stage replies owed": "/supervision/stage-replies/",
        "clusters": "/supervision/clusters/",
        "accountability": "/supervision/accountability/",
        "notifications": "/notifications/",
        "registration form": "/cases/new/",
        "case page (registered)": f"/cases/{in_queue.number}/",
        "case page (replied)": f"/cases/{replied.number}/",
    }
    left = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        if found := _chinese_left(response.content.decode()):
            left[name] = found

    client.force_login(org.handler)
    for name, url in {"inbox": "/inbox/", "case page (handler)": f"/cases/{handling.number}/"}.items():
        response = client.get(url)
        assert response.status_code == 200, name
        if found := _chinese_left(response.content.decode()):
            left[name] = found

    client.logout()
    _in_english(client, None)
    for name, response in {
        "public look-up form": client.get("/track/"),
        "public look-up result": client.post("/track/", {"number": replied.number, "query_code": replied.query_code},
                                              follow=True),
    }.items():
        assert response.status_code == 200, name
        if found := _chinese_left(response.content.decode()):
            left[name] = found
    assert replied.number in response.content.decode()  # the look-up found the case, not the form again
    assert left == {}


def test_a_new_visitor_gets_chinese(client, org):
    """No language chosen and no browser preference, or a Chinese browser: the pages are Chinese."""
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}):
        page = client.get("/accounts/login/", **headers).content.decode()
        assert '<html lang="zh-hans"' in page
        assert "登录" in page and "Log in" not in page
    client.force_login(org.supervisor)
    dashboard = client.get("/dashboard/").content.decode()
    assert "督办看板" in dashboard and "Dashboard" not in dashboard
