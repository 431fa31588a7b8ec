"""Importing areas and rules from Excel or CSV: all or nothing, bad rows reported by line."""
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from routing.imports import ImportRejected, routing_import
from routing.models import Area, RoutingRule
from routing.selectors import route_propose

pytestmark = pytest.mark.django_db


def csv_bytes(text: str) -> bytes:
    return text.strip().encode("utf-8-sig")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


AREAS_CSV = """
编码,名称,层级,上级编码,管辖单位编码
440703,蓬江区,区县,,D01
440703001,白沙街道,街道/乡镇,440703,S0101
440703001001,白沙某社区,社区/村,440703001,
440703900,城区环城路以内,特定区域,440703,S0102
"""


def test_areas_import_builds_the_tree_with_paths(org):
    result = routing_import(what="areas", content=csv_bytes(AREAS_CSV), filename="areas.csv")
    assert result.created == 4
    village = Area.objects.get(code="440703001001")
    assert village.path == "440703/440703001/440703001001/" and village.parent.code == "440703001"
    assert Area.objects.get(code="440703900").level == "zone"
    # Re-importing updates in place.
    again = routing_import(what="areas", content=csv_bytes(AREAS_CSV.replace("白沙街道", "白沙街")),
                           filename="areas.csv")
    assert (again.updated, again.unchanged) == (1, 3) and Area.objects.get(code="440703001").name == "白沙街"


def test_bad_area_rows_are_reported_by_line_and_nothing_is_imported(org):
    bad = AREAS_CSV.strip() + """
440703002,环市街道,街道,440799,S0102
440703003,,小区,440703,NOPE
440703001,重复,街道,440703,S0101
"""
    with pytest.raises(ImportRejected) as rejected:
        routing_import(what="areas", content=csv_bytes(bad), filename="areas.csv")
    messages = {e.line: e.message for e in rejected.value.errors}
    assert set(messages) == {6, 7, 8}
    assert "上级编码“440799”不存在" in messages[6]
    assert "缺少名称" in messages[7] and "层级“小区”无效" in messages[7] and "NOPE" in messages[7]
    assert "与第3行重复" in messages[8]
    assert not Area.objects.exists()


def test_cycles_are_rejected(org):
    text = "code,name,level,parent,unit\nA1,甲,street,A2,\nA2,乙,street,A1,\n"
    with pytest.raises(ImportRejected) as rejected:
        routing_import(what="areas", content=text.encode(), filename="a.csv")
    assert [e.line for e in rejected.value.errors] == [2, 3]


def test_rules_import_from_excel_and_routing_uses_them(org):
    routing_import(what="areas", content=csv_bytes(AREAS_CSV), filename="areas.csv")
    from tests.factories import CategoryFactory

    CategoryFactory(code="01", name="食品")
    content = xlsx_bytes([
        ["区域编码", "分类编码", "工单类型", "承办单位编码", "顺序号", "启用", "说明"],
        [440703001, None, None, "S0101", 100, "是", "白沙街道"],
        [None, "01", None, "S0102", 50, "是", "食品类"],
        [440703, None, "举报", "D01", 100, "否", "停用的举报规则"],
    ])
    result = routing_import(what="rules", content=content, filename="rules.xlsx")
    assert result.created == 3
    area = Area.objects.get(code="440703001001")
    proposal = route_propose(area=area, category=None, kind="complaint")
    assert proposal.unit == org.station and "规则#" in proposal.reason
    assert RoutingRule.objects.get(note="停用的举报规则").is_active is False


def test_bad_rule_rows_are_reported_and_nothing_is_imported(org):
    routing_import(what="areas", content=csv_bytes(AREAS_CSV), filename="areas.csv")
    content = xlsx_bytes([
        ["area", "category", "kind", "unit", "sequence", "active"],
        ["440703001", "", "", "S0101", "100", ""],
        ["999999", "", "", "S0101", "abc", ""],
        ["", "", "", "S0101", "", ""],
        ["440703", "", "complaint", "X01", "", "maybe"],
        ["440703001", "", "", "S0102", "", ""],
    ])
    with pytest.raises(ImportRejected) as rejected:
        routing_import(what="rules", content=content, filename="rules.xlsx")
    messages = {e.line: e.message for e in rejected.value.errors}
    assert set(messages) == {3, 4, 5, 6}
    assert "区域编码“999999”不存在" in messages[3] and "正整数" in messages[3]
    assert "至少要指定" in messages[4]
    assert "外部部门" in messages[5] and "是/否" in messages[5]
    assert "与第2行的条件和顺序号都相同" in messages[6]
    assert not RoutingRule.objects.exists()


def test_command_reports_errors_and_fails(org, tmp_path, capsys):
    path = tmp_path / "areas.csv"
    path.write_text("code,name,level,parent,unit\nA1,,street,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("routing_import", "areas", str(path))
    assert "第2行" in capsys.readouterr().err
    path.write_text("code,name,level,parent,unit\nA1,甲区,district,,D01\n", encoding="utf-8")
    call_command("routing_import", "areas", str(path))
    assert Area.objects.get(code="A1").unit == org.district


def test_import_page_lists_the_bad_rows(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.supervisor)
    upload = SimpleUploadedFile("areas.csv", b"code,name,level,parent,unit\nA1,,street,,\n")
    response = client.post("/routing/import/", {"what": "areas", "file": upload}, follow=True)
    assert "第2行" in response.content.decode() and not Area.objects.exists()
    upload = SimpleUploadedFile("areas.csv", AREAS_CSV.strip().encode())
    response = client.post("/routing/import/", {"what": "areas", "file": upload}, follow=True)
    assert "将新增" in response.content.decode() and not Area.objects.exists()
    confirm = response.redirect_chain[-1][0] + "confirm/"
    client.post(confirm)
    assert Area.objects.count() == 4
    client.force_login(org.handler)
    assert client.get("/routing/import/").status_code == 403


@pytest.mark.parametrize("content,filename,message", [
    (b"not a workbook", "areas.xlsx", "无法读取Excel文件"),
    (b"", "areas.csv", "没有数据行"),
    (b"\xff\xfe\x00\x81\xff" * 10, "areas.csv", "编码"),
    ("名字,年龄\n张三,30\n".encode(), "areas.csv", "表头不正确"),
    (b"code,name\n44\x00,a\n", "areas.csv", "无法读取CSV文件"),
])
def test_a_malformed_file_is_refused_with_a_message(content, filename, message):
    with pytest.raises(ImportRejected) as refused:
        routing_import(what="areas", content=content, filename=filename)
    assert message in str(refused.value)


def test_the_import_page_answers_a_malformed_file_with_its_message(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.supervisor)
    response = client.post("/routing/import/", {"what": "areas", "file": SimpleUploadedFile("a.csv", b"\xff\xfe\x81" * 9)})
    assert response.status_code < 500
    assert "编码" in response.content.decode()
