"""The month's case export (导出案件): asked for on a page, written in the background, downloaded
when done; what the file holds, and what the personal-data access log records of it."""
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import PersonalDataAccess
from reports.exports import CaseExport
from reports.services_exports import case_export_run
from reports.tasks import case_export_task
from tests.factories import case_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(monkeypatch):
    """The worker, at once: the job runs when the request that asked for it commits."""
    monkeypatch.setattr(case_export_task, "delay", lambda pk: case_export_run(export_id=pk, chunk_size=2))


def start(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/dashboard/exports/", data)


def test_a_months_cases_are_exported_in_the_background_and_downloaded(client, org, worker,
                                                                       django_capture_on_commit_callbacks):
    month = f"{timezone.localdate():%Y-%m}"
    named = [case_received(by=org.clerk, respondent_name=f"第{i}家店", complainant_phone=f"1390000000{i}").number
             for i in range(5)]
    hostile = case_received(by=org.clerk, respondent_name='=HYPERLINK("http://evil.example","退款")').number
    last_month = case_received(by=org.clerk, respondent_name="上月的店")
    type(last_month).objects.filter(pk=last_month.pk).update(received_at=timezone.now() - timedelta(days=40))
    client.force_login(org.supervisor)

    response = start(client, django_capture_on_commit_callbacks, month=month, scope=org.center.pk)
    export = CaseExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dashboard/exports/{export.pk}/"
    progress = client.get(f"/dashboard/exports/{export.pk}/progress/").json()
    assert progress["status"] == "done" and progress["percent"] == 100
    assert progress["rows_done"] == progress["rows_total"] == 6
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and progress["download"] in page

    download = client.get(progress["download"])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("工单编号", "类型", "渠道")
    assert [row[0] for row in rows[1:]] == [*named, hostile]  # the month's only, in the order received
    assert rows[1][5:8] == ("张三", "13900000000", "第0家店")
    cell = sheet.cell(row=7, column=8)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"  # text, not a formula

    notes = PersonalDataAccess.objects.filter(channel=PersonalDataAccess.Channel.EXPORT, user=org.supervisor)
    assert notes.count() == 6 and set(notes.values_list("fields", flat=True)[:1][0]) == {
        "complainant_name", "complainant_phone"}
    assert notes.first().path == f"/dashboard/exports/{export.pk}/"


def test_an_export_is_its_requesters_alone(client, org, worker, django_capture_on_commit_callbacks):
    case_received(by=org.clerk)
    client.force_login(org.supervisor)
    start(client, django_capture_on_commit_callbacks, month=f"{timezone.localdate():%Y-%m}", scope=org.center.pk)
    export = CaseExport.objects.get()
    client.force_login(org.district_supervisor)
    for path in ("", "progress/", "download/"):
        assert client.get(f"/dashboard/exports/{export.pk}/{path}").status_code == 404


def test_a_future_month_is_refused_and_the_form_keeps_it(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.supervisor)
    future = timezone.localdate() + timedelta(days=40)
    response = start(client, django_capture_on_commit_callbacks, month=f"{future:%Y-%m}", scope=org.center.pk)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择本月或以前的月份。" in page and f'value="{future:%Y-%m}"' in page
    assert not CaseExport.objects.exists()
