"""Report pages refuse dates and ids outside their range with a message or a 404, never a 500; the
Excel exports work for a district center, whose area level's label holds a "/"."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from reports.excel import sheet_title

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["/dashboard/", "/dashboard/volume/", "/dashboard/hotspots/", "/dashboard/returns/"])
@pytest.mark.parametrize("start,end", [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02")])
def test_a_period_out_of_range_is_a_field_error(client, org, page, start, end):
    client.force_login(org.supervisor)
    response = client.get(page, {"start": start, "end": end})
    assert response.status_code == 400
    html = response.content.decode()
    assert "日期须在2000-01-01至" in html
    assert start in html  # what was typed is kept


@pytest.mark.parametrize("url", [
    "/dashboard/notice/?week=9999-W52", "/dashboard/notice/?week=0001-W01", "/dashboard/ranking/?month=1-1",
    "/dashboard/ranking/?month=9999-12", "/dashboard/cases/?metric=unit&value=²",
    "/dashboard/cases/?metric=category&value=²", "/dashboard/cases/?metric=day&value=9999-12-31",
    "/dashboard/returns/cases/?returned_by=²", "/dashboard/ranking/cases/?unit=²&metric=dispatched",
])
def test_an_impossible_period_or_id_is_not_found(client, org, url):
    client.force_login(org.supervisor)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("data", [{"item": "²"}, {"cluster": "²"}])
def test_a_digit_like_id_posted_to_supervision_is_not_found(client, org, data):
    client.force_login(org.supervisor)
    page = "/supervision/red-lines/" if "item" in data else "/supervision/clusters/"
    assert client.post(page, data).status_code == 404


def test_sheet_titles_are_made_acceptable_to_excel():
    assert sheet_title("按被投诉人所在区域（街道/乡镇）") == "按被投诉人所在区域（街道・乡镇）"
    assert sheet_title("a[b]c:d*e?f\\g") == "a・b・c・d・e・f・g"
    assert len(sheet_title("长" * 40)) == 31


@pytest.mark.parametrize("page", ["/dashboard/volume/", "/dashboard/hotspots/"])
def test_the_exports_open_for_a_district_center(client, org, page):
    client.force_login(org.district_supervisor)
    response = client.get(page, {"export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert any("街道・乡镇" in name for name in book.sheetnames)
