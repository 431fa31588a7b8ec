"""Notes the system writes into the history read in the reader's language; what people type is
shown as typed, and the stored note (API, webhooks, exports) stays in the site's language."""
import pytest
from django.utils import translation

from complaints import services
from complaints.models import CaseEvent
from core.notes import Note
from tests.complaints import journeys
from tests.factories import case_fields

pytestmark = pytest.mark.django_db


def _history(client, case, language: str) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(f"/cases/{case.number}/").content.decode()


def test_a_system_note_reads_in_english_for_an_english_reader(client, org):
    case = services.case_receive(by=org.clerk, fields=case_fields(channel="hotline_12345"))[0]
    client.force_login(org.clerk)
    assert "渠道：12345热线转办" in _history(client, case, "zh-hans")
    english = _history(client, case, "en")
    assert "Channel: 12345 hotline transfer" in english
    assert "渠道：" not in english
    stored = CaseEvent.objects.get(case=case, action="receive")
    assert stored.note == "渠道：12345热线转办"  # what the API, webhooks and exports read


def test_labels_and_lists_inside_a_note_are_translated_too(org):
    case = journeys.to_registered(org)
    services.case_update_details(case=case, by=org.clerk, fields={"demand": "退一赔三", "facts": "新的事实"})
    event = CaseEvent.objects.filter(case=case, action="update").latest("pk")
    assert event.note.startswith("修改字段：") and "、" in event.note
    with translation.override("en"):
        assert event.display_note.startswith("Fields changed: ") and ", " in event.display_note
        assert "修改" not in event.display_note


def test_what_people_type_is_shown_as_typed(client, org):
    case = journeys.to_handling(org)
    services.case_stage_reply(case=case, by=org.handler, text="已约谈商家,正在协商退款")
    client.force_login(org.handler)
    assert "已约谈商家,正在协商退款" in _history(client, case, "en")


def test_the_complainant_reads_the_extension_notice_in_their_language(client, org):
    case = journeys.to_handling(org)
    services.case_request_extension(case=case, by=org.handler, days=5, reason="需检测")
    services.case_decide_extension(case=case, by=org.supervisor, approve=True)
    client.post("/i18n/setlang/", {"language": "en", "next": "/track/"})
    client.post("/track/", {"number": case.number, "query_code": case.query_code})
    page = client.get("/track/").content.decode()  # the look-up redirects to the case's timeline
    assert case.number in page
    assert "您的诉求办理时限经批准延长至" not in page
    assert "The time limit for your complaint has been extended to" in page


def test_a_note_renders_names_and_numbers_as_they_are():
    note = Note("答复已报%(units)s备案", units=["蓬江区受理中心", "江门市12315中心"])
    with translation.override("en"):
        assert str(note) == "Reply filed with 蓬江区受理中心, 江门市12315中心"
    assert note.in_default_language() == "答复已报蓬江区受理中心、江门市12315中心备案"
