"""In a browser: the center starts the export of this month's cases, watches the background job's
progress, and downloads the file when it is done."""
import threading

import pytest
from django.db import connections
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from reports import services_exports
from reports.tasks import case_export_task
from tests.browser.test_case_journey import login
from tests.factories import case_received, time_limits_seed


@pytest.fixture
def worker(monkeypatch):
    """A worker thread running the job two rows at a time, held after its first chunk until the test
    has seen the progress (`release`)."""
    release, threads = threading.Event(), []
    progress_save = services_exports.export_progress_save

    def held(export, **fields):
        progress_save(export, **fields)
        if fields.keys() == {"rows_done"} and fields["rows_done"] == 2:
            release.wait(30)

    def run(pk):
        try:
            services_exports.case_export_run(export_id=pk, chunk_size=2)
        finally:
            connections.close_all()

    def delay(pk):
        thread = threading.Thread(target=run, args=(pk,), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(services_exports, "export_progress_save", held)
    monkeypatch.setattr(case_export_task, "delay", delay)
    yield release
    release.set()
    for thread in threads:
        thread.join(30)


def test_the_center_exports_a_months_cases_and_downloads_them(live_server, page: Page, screenshot, org, worker,
                                                              tmp_path):
    time_limits_seed()
    numbers = [case_received(by=org.clerk, respondent_name=f"导出测试店{i}", complainant_phone=f"1370000000{i}").number
               for i in range(5)]
    login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/supervision/")
    page.locator(".subnav").get_by_role("link", name="导出案件").click()
    page.locator("#id_scope").select_option(label=org.center.name)
    page.get_by_role("button", name="开始导出").click()

    expect(page.locator("#export-status")).to_have_text("导出中")
    expect(page.locator("#export-rows")).to_have_text("2")
    expect(page.locator("#export-total")).to_have_text("5")
    expect(page.locator("#export-percent")).to_have_text("40%")
    expect(page.locator("#export-download")).to_be_hidden()
    screenshot("case-export-in-progress")

    worker.set()
    expect(page.locator("#export-status")).to_have_text("已完成", timeout=20_000)
    expect(page.locator("#export-percent")).to_have_text("100%")
    screenshot("case-export-done")
    with page.expect_download() as download:
        page.locator("#export-download").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == numbers
    assert rows[1][5:8] == ("张三", "13700000000", "导出测试店0")

    page.get_by_role("link", name="返回导出案件").click()
    expect(page.locator("#exports tbody tr").first).to_contain_text("已完成")
