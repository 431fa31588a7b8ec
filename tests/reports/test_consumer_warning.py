"""Draft consumer warnings (消费警示) from a hotspot: written from the figures, edited by the official,
downloaded as text or printed; nothing stored; only for what the viewer may count."""
import re

import pytest

from tests.factories import CategoryFactory
from tests.reports.analysis_cases import PERIOD, at, received

pytestmark = pytest.mark.django_db
URL = "/dashboard/hotspots/warning/"


@pytest.fixture
def prepaid(org):
    """Prepaid-card complaints: 4 this period (3 against one gym), 1 in the previous one."""
    category = CategoryFactory(code="0301", name="预付式消费", parent=CategoryFactory(code="03", name="服务"))
    for day, respondent, demand in [(2, "某健身房", "退还会员费"), (3, "某健身房", "退还会员费"),
                                    (4, "某健身房", " 退还会员费 "), (5, "某美容店", "继续履行合同")]:
        received(org, at(11, day), unit=org.station, category=category, respondent_name=respondent, demand=demand)
    received(org, at(10, 28), unit=org.station, category=category, respondent_name="某健身房")
    return category


def draft(client, user, **params):
    client.force_login(user)
    return client.get(URL, {**PERIOD, **params})


def test_a_draft_is_written_from_the_hotspots_figures(client, org, prepaid):
    response = draft(client, org.supervisor, metric="category_exact", value=prepaid.pk)
    assert response.status_code == 200
    initial = response.context["draft"].initial
    assert initial["title"] == "消费警示：警惕“预付式消费”类消费风险"
    body = initial["body"]
    assert "2026年11月1日至2026年11月10日，市12315指挥中心共接到“预付式消费”类消费投诉举报4件" in body
    assert "较上一周期（2026年10月22日至2026年10月31日）的1件增加3件，增长300%" in body
    assert "投诉较为集中的经营者有：某健身房（3件）、某美容店（1件）。" in body
    assert "消费者的主要诉求包括“退还会员费”、“继续履行合同”等。" in body  # blanks trimmed, most frequent first
    assert "可拨打12315热线" in body
    *_, issuer, signed = body.splitlines()
    assert issuer == "市12315指挥中心" and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", signed)
    page = response.content.decode()
    assert 'name="title"' in page and "<textarea" in page and "下载文本" in page and "打印预览" in page


def test_a_respondents_draft_names_its_categories(client, org, prepaid):
    body = draft(client, org.supervisor, metric="respondent", value="某健身房").context["draft"].initial["body"]
    assert "涉及“某健身房”的消费投诉举报3件" in body and "投诉主要涉及以下业务分类：预付式消费（3件）" in body


def test_the_edited_draft_downloads_as_text_and_prints(client, org, prepaid):
    client.force_login(org.supervisor)
    query = f"?start={PERIOD['start']}&end={PERIOD['end']}&metric=category_exact&value={prepaid.pk}"
    edited = {"title": "消费警示:办理健身预付卡需谨慎", "body": "第一段。\r\n\r\n第二段。"}
    response = client.post(URL + query, {**edited, "action": "download"})
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig") == "消费警示:办理健身预付卡需谨慎\r\n\r\n第一段。\r\n\r\n第二段。\r\n"
    printed = client.post(URL + query, {**edited, "action": "print"}).content.decode()
    assert "<h1>消费警示:办理健身预付卡需谨慎</h1>" in printed and "<p>第一段。</p>" in printed
    # An empty title is sent back to the form, not downloaded.
    response = client.post(URL + query, {"title": "", "body": "x", "action": "download"})
    assert response.status_code == 200 and response.context["draft"].errors["title"]


def test_only_items_with_cases_the_viewer_may_count(client, org, prepaid):
    assert draft(client, org.supervisor, metric="respondent", value="无此商户").status_code == 404
    assert draft(client, org.supervisor, metric="kind", value="complaint").status_code == 404
    for i in range(3):
        received(org, at(11, 2 + i), unit=org.far_station, respondent_name="远方商户")
    assert draft(client, org.supervisor, metric="respondent", value="远方商户").status_code == 200
    assert draft(client, org.district_supervisor, metric="respondent", value="远方商户").status_code == 404
    assert draft(client, org.district_supervisor, metric="respondent", value="某健身房").status_code == 200
    assert draft(client, org.handler, metric="respondent", value="某健身房").status_code == 403


def test_the_draft_follows_the_users_language(client, org, prepaid):
    client.cookies["django_language"] = "en"
    initial = draft(client, org.supervisor, metric="category_exact", value=prepaid.pk).context["draft"].initial
    assert initial["title"].startswith("Consumer warning")
    assert "Nov. 1, 2026" in initial["body"] and "12315" in initial["body"]
