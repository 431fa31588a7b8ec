"""Documents through the pages: the case page's panel issues and prints them, downloads are for
those who may see the case, the weekly notice prints from its published copy, and the center's
own templates (text in the admin, a Word file edited in WPS) are what gets printed."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from deadlines.models import CaseClock
from deadlines.workdays import end_of_day
from documents.models import DocumentTemplate, IssuedDocument
from documents.render import docx_text
from reports.periods import week_parse
from reports.services_snapshots import report_snapshot_publish
from reports.snapshots import ReportSnapshot
from tests.complaints import journeys
from tests.documents.printed import pdf_text

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_case_page_issues_the_slip_and_opens_its_pdf(client, org):
    case = journeys.to_dispatched(org)
    client.force_login(org.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="documents"' in page and "签发并编号" in page
    response = client.post(f"/cases/{case.number}/documents/dispatch_slip/issue/", follow=True)
    document = IssuedDocument.objects.get(case=case)
    assert document.number in response.content.decode()
    pdf = client.get(f"/documents/{document.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    word = client.get(f"/documents/{document.pk}.docx")
    assert "attachment" in word["Content-Disposition"]
    assert document.number in docx_text(b"".join(word.streaming_content))


def test_the_handling_unit_reprints_but_does_not_issue_the_slip_and_others_get_404(client, org):
    case = journeys.to_dispatched(org)
    client.force_login(org.handler)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "签发并编号" not in page and "待签发单位签发" in page
    refused = client.post(f"/cases/{case.number}/documents/dispatch_slip/issue/", follow=True)
    assert "只有签发单位" in refused.content.decode() and not IssuedDocument.objects.exists()

    client.force_login(org.supervisor)
    client.post(f"/cases/{case.number}/documents/dispatch_slip/issue/")
    document = IssuedDocument.objects.get()
    client.force_login(org.handler)
    assert client.get(f"/documents/{document.pk}.pdf").status_code == 200
    client.force_login(org.far_handler)
    assert client.get(f"/documents/{document.pk}.pdf").status_code == 404
    assert client.post(f"/cases/{case.number}/documents/dispatch_slip/issue/").status_code == 404
    assert client.get(f"/documents/{document.pk}.exe").status_code == 404


def test_the_published_weekly_notice_prints_as_a_numbered_notice(client, org):
    case = journeys.to_handling(org)
    CaseClock.objects.filter(case=case, clock="handling").update(
        due_at=end_of_day(date(2026, 11, 4)), due_date=date(2026, 11, 4))
    report_snapshot_publish(kind=ReportSnapshot.Kind.WEEKLY_NOTICE, period=week_parse("2026-W45"),
                            scope=org.center, now=datetime(2026, 11, 9, 7, 30, tzinfo=SHANGHAI))
    client.force_login(org.supervisor)
    query = f"?week=2026-W45&scope={org.center.pk}"
    assert "签发通报文书" in client.get("/dashboard/notice/" + query).content.decode()
    response = client.post("/dashboard/notice/document/" + query)
    document = IssuedDocument.objects.get(kind="weekly_overdue_notice")
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}.pdf"
    text = pdf_text(document)
    assert "超期工单通报" in text and "2026-W45" in text and "白沙市场监管所：超期1件" in text
    # Once issued, the page links the document instead of issuing another.
    page = client.get("/dashboard/notice/" + query).content.decode()
    assert document.number in page and "签发通报文书" not in page
    client.post("/dashboard/notice/document/" + query)
    assert IssuedDocument.objects.filter(kind="weekly_overdue_notice").count() == 1


def test_the_running_week_is_not_issued(client, org):
    client.force_login(org.supervisor)
    response = client.post(f"/dashboard/notice/document/?scope={org.center.pk}", follow=True)
    assert "只有已发布的通报可以签发文书" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def _admin_form(client, **fields):
    data = {"kind": "dispatch_slip", "title": "交办单", "number_prefix": "江投交", "effective_from": "2026-12-01",
            "source": "2026年12月修订", "body": "{{ 承办单位 }}：\n请办理工单{{ 工单编号 }}。", **fields}
    return client.post("/admin/documents/documenttemplate/add/", data)


def test_the_admin_refuses_a_body_with_an_unknown_placeholder_and_keeps_the_text(admin_client, org):
    response = _admin_form(admin_client, body="{{ 承办单位 }}：请于{{ 截止时间 }}前办结。")
    page = response.content.decode()
    assert response.status_code == 200 and "模板正文有误" in page and "截止时间" in page
    assert not DocumentTemplate.objects.filter(number_prefix="江投交").exists()
    assert "{{ 办理期限 }}" in admin_client.get(
        f"/admin/documents/documenttemplate/{DocumentTemplate.objects.get(kind='dispatch_slip').pk}/change/"
    ).content.decode()


def test_a_word_template_edited_by_the_center_is_filled_with_the_cases_values(admin_client, org):
    layout = Document()
    layout.add_paragraph("江门市12315投诉举报中心 交办单 {{ 文号 }}")
    layout.add_paragraph("承办单位：{{ 承办单位 }}；工单：{{ 工单编号 }}；投诉人：{{ 投诉人 }}")
    layout.add_paragraph("{{ 正文 }}")
    content = io.BytesIO()
    layout.save(content)
    upload = SimpleUploadedFile("交办单.docx", content.getvalue())
    assert _admin_form(admin_client, docx_file=upload).status_code == 302
    case = journeys.to_dispatched(org)
    admin_client.force_login(org.supervisor)
    admin_client.post(f"/cases/{case.number}/documents/dispatch_slip/issue/")
    document = IssuedDocument.objects.get(case=case)
    text = docx_text(document.docx_file.open("rb").read())
    assert f"承办单位：白沙市场监管所；工单：{case.number}；投诉人：张三" in text
    assert document.number in text and "请办理工单" in text
    assert "请办理工单" in pdf_text(document)
