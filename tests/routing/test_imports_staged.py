"""The areas import as PostgreSQL runs it for a province's file (staged with COPY, checked, counted
and written set-based): what it refuses by line, what a re-import reports, how an update and a
move land in the tree, and that a failure in the middle of writing leaves nothing behind. On 佛山市's
published NBS codes (2023 统计用区划代码)."""
import pytest
from django.db import DataError, connection

from routing import imports_areas_sql
from routing.imports import MAX_ERRORS, ImportRejected, routing_import
from routing.models import Area, RoutingRule
from routing.tree_check import tree_faults
from tests.factories import UnitFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CHANCHENG = """统计用区划代码,城乡分类代码,名称
440600000000,,佛山市
440604000000,,禅城区
440604010000,,祖庙街道
440604010001,111,祖庙街道岭南社区居委会
440604010002,111,祖庙街道升平社区居委会
440604011000,,石湾镇街道
440604011001,111,石湾镇街道东风社区居委会
440605000000,,南海区
440605011000,,桂城街道
440605011001,111,桂城街道夏北社区居委会
"""


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def imported(text: str, **kwargs):
    return routing_import(what="areas", content=csv(text), filename="440600.csv", **kwargs)


def test_it_runs_on_postgresql():
    # The staged path is PostgreSQL's; the rest of this file would test the SQLite one otherwise.
    assert connection.vendor == "postgresql"


def test_a_province_style_file_builds_the_tree_check_tree_accepts():
    result = imported(CHANCHENG)
    assert (result.created, result.updated, result.unchanged) == (10, 0, 0)
    village = Area.objects.get(code="440604010002")
    assert village.path == "440600/440604/440604010/440604010002/" and village.parent.code == "440604010"
    assert village.level == Area.Level.VILLAGE and village.name == "祖庙街道升平社区居委会"
    assert Area.objects.get(code="440600").parent is None
    assert tree_faults() == []


def test_a_parent_missing_from_the_file_and_the_database_is_an_error_at_its_line():
    text = CHANCHENG.replace("440605011000,,桂城街道\n", "")  # 桂城街道 left out: its village has no parent
    with pytest.raises(ImportRejected) as rejected:
        imported(text)
    assert [(e.line, e.message) for e in rejected.value.errors] == [(10, "上级编码“440605011”不存在")]
    assert not Area.objects.exists()
    # Stored already, the township need not be in the file.
    imported(CHANCHENG)
    assert imported("统计用区划代码,名称\n440605011002,桂城街道平西社区居委会\n").created == 1
    assert Area.objects.get(code="440605011002").path == "440600/440605/440605011/440605011002/"


def test_reimporting_the_same_file_reports_everything_unchanged_and_writes_nothing():
    imported(CHANCHENG)
    before = list(Area.objects.order_by("code").values_list("code", "name", "level", "parent_id", "path"))
    for dry_run in (True, False):
        result = imported(CHANCHENG, dry_run=dry_run)
        assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert list(Area.objects.order_by("code").values_list("code", "name", "level", "parent_id", "path")) == before


def test_an_update_changes_names_and_a_move_carries_the_stored_subtree_and_rule_depths():
    imported(CHANCHENG)
    below = Area.objects.create(code="440604011900", name="石湾陶瓷产业片区", level=Area.Level.ZONE,
                                parent=Area.objects.get(code="440604011001"))
    rule = RoutingRule.objects.create(area=below, sequence=1, unit=UnitFactory(code="FS0401", name="石湾市场监管所"))
    # 石湾镇街道 renamed, and (by an explicit parent column) put straight under the city with its village.
    text = ("编码,名称,层级,上级编码\n440604011,石湾镇街道(新),街道,440600\n"
            "440604011001,东风社区,社区,440604011\n440604010,祖庙街道,街道,440604\n")
    result = imported(text)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    shiwan = Area.objects.get(code="440604011")
    assert shiwan.name == "石湾镇街道(新)" and shiwan.parent.code == "440600"
    assert Area.objects.get(code="440604011001").name == "东风社区"
    below.refresh_from_db()
    assert below.path == "440600/440604011/440604011001/440604011900/"
    rule.refresh_from_db()
    assert rule.area_depth == 4
    assert tree_faults() == []


def test_repeated_codes_and_cycles_are_errors_by_line():
    text = ("编码,名称,层级,上级编码\n440604,禅城区,区,\n440604010,祖庙街道,街道,440604\n"
            "440604010,祖庙,街道,440604\nFS-A,甲片区,片区,FS-B\nFS-B,乙片区,片区,FS-A\n")
    with pytest.raises(ImportRejected) as rejected:
        imported(text)
    assert [(e.line, e.message) for e in rejected.value.errors] == [
        (4, "编码“440604010”与第3行重复"), (5, "上级关系成环"), (6, "上级关系成环")]


def test_a_file_of_many_bad_rows_reports_the_first_ones_and_counts_them_all():
    villages = "".join(f"440604010{n:03d},\n" for n in range(1, 1201))  # no names
    with pytest.raises(ImportRejected) as rejected:
        imported("统计用区划代码,名称\n440604,禅城区\n440604010,祖庙街道\n" + villages)
    assert len(rejected.value.errors) == MAX_ERRORS and rejected.value.count == 1200
    assert rejected.value.errors[0].line == 4 and "缺少名称" in rejected.value.errors[0].message


def test_a_failure_in_the_middle_of_writing_leaves_nothing_behind(monkeypatch):
    monkeypatch.setattr(imports_areas_sql, "CHUNK", 2)  # several chunks written before the bad one
    villages = "".join(f"440604010{n:03d},111,岭南社区{n}\n" for n in range(1, 9))
    too_long = "440604010009,111," + "长" * 101 + "\n"  # more than the 100 a name may hold
    with pytest.raises(DataError):
        imported("统计用区划代码,城乡分类代码,名称\n440604000000,,禅城区\n440604010000,,祖庙街道\n" + villages + too_long)
    assert not Area.objects.exists()


def test_progress_moves_per_chunk_and_ends_at_every_row(monkeypatch):
    monkeypatch.setattr(imports_areas_sql, "CHUNK", 2)
    seen = []
    imported(CHANCHENG, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (10, 10) and len(seen) > 5
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)
