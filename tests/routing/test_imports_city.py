"""A real city (佛山市) onboards from its published reference data: NBS division codes, its units with
the areas they cover, its categories, staff and routing table; each from its .xlsx template too,
with the dry run, the all-or-nothing rule and the shadowed-rule warning."""
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from routing import import_jobs
from routing.import_templates import import_template
from routing.imports import ImportRejected, routing_import
from routing.models import Area, Category, Coverage, ImportJob, RoutingRule, Unit, User
from tests.factories import UserFactory
from tests.foshan import foshan_city

pytestmark = pytest.mark.django_db

# As the NBS publishes it (2023 统计用区划代码): every level in its 12-digit form, the urban-rural
# classification code beside it, no parent column, no level column.
NBS_FILE = """统计用区划代码,城乡分类代码,名称
440600000000,,佛山市
440604000000,,禅城区
440604010000,,祖庙街道
440604011000,,石湾镇街道
440605000000,,南海区
440605011000,,桂城街道
440605124000,,狮山镇
440606000000,,顺德区
440606010000,,大良街道
440606100000,,陈村镇
440607000000,,三水区
440607010000,,西南街道
440608000000,,高明区
440608010000,,荷城街道
"""


def csv_upload(text: str) -> bytes:
    return text.strip().encode("utf-8-sig")


def test_areas_import_from_the_nbs_published_file(db):
    result = routing_import(what="areas", content=csv_upload(NBS_FILE), filename="440600.csv")
    assert result.created == 14
    zumiao = Area.objects.get(code="440604010")  # the 12-digit form kept as the township's code
    assert zumiao.level == Area.Level.STREET and zumiao.parent.code == "440604"
    assert zumiao.path == "440600/440604/440604010/"
    assert Area.objects.get(code="440605").level == Area.Level.DISTRICT
    assert Area.objects.get(code="440600").level == Area.Level.CITY


@pytest.mark.parametrize("word, level", [
    ("县级市", "district"), ("county", "district"), ("区", "district"), ("镇", "street"), ("乡", "street"),
    ("township", "street"), ("村", "village"), ("社区", "village"), ("village", "village"), ("地级市", "city"),
    ("省", "province"),
])
def test_the_level_words_people_use_are_accepted(db, word, level):
    # A code of no NBS shape, so the level comes from the word alone.
    text = f"编码,名称,层级\nFS-Z1,某区域,{word}\n"
    routing_import(what="areas", content=text.encode(), filename="a.csv")
    assert Area.objects.get(code="FS-Z1").level == level


def test_a_village_whose_township_is_missing_is_refused_by_line(db):
    text = "编码,名称\n440604,禅城区\n440604010001,祖庙街道某社区\n"
    with pytest.raises(ImportRejected) as rejected:
        routing_import(what="areas", content=text.encode(), filename="a.csv")
    assert [e.line for e in rejected.value.errors] == [3] and "440604010" in str(rejected.value)
    assert not Area.objects.exists()


def test_the_dry_run_counts_and_writes_nothing(db):
    routing_import(what="areas", content=csv_upload(NBS_FILE), filename="440600.csv")
    changed = NBS_FILE.replace("狮山镇", "狮山镇(含松岗)") + "440606101000,,均安镇\n"
    result = routing_import(what="areas", content=csv_upload(changed), filename="440600.csv", dry_run=True)
    assert (result.created, result.updated, result.unchanged, result.dry_run) == (1, 1, 13, True)
    assert not Area.objects.filter(code="440606101").exists()
    assert Area.objects.get(code="440605124").name == "狮山镇"


@pytest.fixture
def fs(db):
    return foshan_city()


def test_units_import_with_several_units_covering_one_area_in_different_roles(fs):
    text = """单位编码,单位名称,单位类型,上级单位编码,覆盖区域编码,职责
FS06,顺德区12315受理中心,区县12315受理中心,FS,440606,
FS0601,大良市场监管所,市场监管所,FS06,440606010,
FS06ZD,顺德区市场监管执法中队,执法中队,FS06,440606010;440606100,执法
"""
    dry = routing_import(what="units", content=text.encode(), filename="u.csv", dry_run=True)
    assert dry.created == 3 and not Unit.objects.filter(code="FS06").exists()
    routing_import(what="units", content=text.encode(), filename="u.csv")
    daliang = Area.objects.get(code="440606010")
    roles = {(c.unit.code, c.role) for c in Coverage.objects.filter(area=daliang)}
    assert roles == {("FS0601", "supervision"), ("FS06ZD", "enforcement")}
    assert Unit.objects.get(code="FS0601").parent.code == "FS06"
    again = routing_import(what="units", content=text.encode(), filename="u.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_units_import_refuses_unknown_areas_and_kinds_by_line(fs):
    text = "单位编码,单位名称,单位类型,上级单位编码,覆盖区域编码\nFS06,顺德区中心,区县12315受理中心,FS,440606\n" \
           "FS0699,某所,派出所,FS06,440606999\n"
    with pytest.raises(ImportRejected) as rejected:
        routing_import(what="units", content=text.encode(), filename="u.csv")
    assert [e.line for e in rejected.value.errors] == [3]
    assert "派出所" in str(rejected.value) and "440606999" in str(rejected.value)
    assert not Unit.objects.filter(code="FS06").exists()


def test_categories_import_as_a_two_level_tree(db):
    text = "分类编码,分类名称,上级分类编码\n0202,健身,02\n02,预付卡,\n020201,私教课,0202\n"
    with pytest.raises(ImportRejected) as rejected:
        routing_import(what="categories", content=text.encode(), filename="c.csv")
    assert [e.line for e in rejected.value.errors] == [4]
    routing_import(what="categories", content="\n".join(text.splitlines()[:3]).encode(), filename="c.csv")
    assert Category.objects.get(code="0202").parent.code == "02"


def test_users_import_forces_a_password_at_first_login_and_deactivates(fs, client):
    UserFactory(username="shiwan_li", unit=fs.shiwan, role=User.Role.HANDLER)
    UserFactory(username="kept_alone", unit=fs.shiwan, role=User.Role.HANDLER)
    text = """登录名,姓名,单位编码,角色,电话,邮箱,启用
zumiao_chen,陈志强,FS0401,承办人,13923100001,chen@example.cn,是
shiwan_li,李伟,FS0402,承办人,,,否
"""
    result = routing_import(what="users", content=text.encode(), filename="users.csv")
    assert (result.created, result.updated) == (1, 1)
    assert User.objects.get(username="shiwan_li").is_active is False  # deactivated, not deleted
    assert User.objects.get(username="kept_alone").is_active is True
    chen = User.objects.get(username="zumiao_chen")
    assert chen.must_set_password and chen.unit == fs.zumiao and chen.role == "handler"
    password = result.notes[0].split("：")[1].split("（")[0]
    assert client.login(username="zumiao_chen", password=password)
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/first-password/")
    client.post("/accounts/first-password/", {"old_password": password, "new_password1": "Foshan#12315gc",
                                              "new_password2": "Foshan#12315gc"})
    chen.refresh_from_db()
    assert chen.must_set_password is False
    assert client.get("/inbox/").status_code == 200


def test_several_rules_for_one_area_and_the_shadowed_one_is_a_warning(fs):
    text = """顺序号(1最先),区域编码,分类编码,工单类型,承办单位编码,启用,说明
1,440604,,,FS04,是,禅城区一律交区中心
5,440604010,,,FS0401,是,祖庙街道由祖庙所管辖
3,440604010,,report,FS04ZD,是,祖庙街道的举报交执法中队
"""
    result = routing_import(what="rules", content=text.encode(), filename="rules.csv")
    assert result.created == 3  # accepted, with warnings
    wide = RoutingRule.objects.get(sequence=1)
    assert [w.line for w in result.warnings] == [3, 4]
    assert f"规则#{wide.pk}" in str(result.warnings[0]) and "禅城区12315受理中心" in str(result.warnings[0])
    # Renumbered as officials would: the specific rules first, no warning left.
    renumbered = text.replace("\n1,440604", "\n9,440604")
    again = routing_import(what="rules", content=renumbered.encode(), filename="rules.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2) and again.warnings == []
    assert RoutingRule.objects.get(pk=wide.pk).sequence == 9


@pytest.mark.parametrize("what", ["areas", "units", "categories", "users", "rules"])
def test_each_import_takes_its_own_template(fs, client, what):
    client.force_login(UserFactory(username="fs-center", unit=fs.center, role=User.Role.SUPERVISOR))
    response = client.get(f"/routing/import/template/{what}.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers)  # Chinese headers
    assert sheet.max_row >= 2  # an example row
    if what == "areas":
        Area.objects.filter(code__in=["440604", "440604010"]).update(name="旧名")
    if what == "rules":
        Category.objects.create(code="01", name="食品")
    upload = SimpleUploadedFile(f"{what}.xlsx", response.content)
    page = client.post("/routing/import/", {"what": what, "file": upload}, follow=True)
    body = page.content.decode()
    assert "确认导入" in body and "import-errors" not in body, body
    client.post(page.redirect_chain[-1][0] + "confirm/")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE
    if what == "rules":
        assert RoutingRule.objects.filter(note="祖庙街道由祖庙所管辖", sequence=10).exists()
    if what == "areas":
        assert Area.objects.get(code="440604010").name == "祖庙街道"


def test_the_template_header_says_the_rule_precedence(db):
    sheet = load_workbook(io.BytesIO(import_template("rules"))).active
    assert sheet["A1"].value == "顺序号（1最先）" and "1 最先" in sheet["A1"].comment.text


def test_the_import_page_states_the_precedence(fs, client):
    client.force_login(UserFactory(username="fs-center", unit=fs.center, role=User.Role.SUPERVISOR))
    assert "顺序号 1 最先" in client.get("/routing/import/").content.decode()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, unit=None, role=""))
    assert "顺序号 1 最先" in client.get("/admin/routing/routingrule/").content.decode()


def test_a_bad_row_on_confirmation_leaves_everything_as_it_was(fs, client):
    client.force_login(UserFactory(username="fs-center", unit=fs.center, role=User.Role.SUPERVISOR))
    text = "编码,名称,层级\n440606101,均安镇(改),镇\n440606102,,镇\n"
    page = client.post("/routing/import/", {"what": "areas", "file": SimpleUploadedFile("a.csv", text.encode())},
                       follow=True)
    body = page.content.decode()
    assert "第3行" in body and "缺少名称" in body and "确认导入" not in body
    assert Area.objects.get(code="440606101").name == "均安镇"


@pytest.fixture
def tasks_run_eagerly():
    # The task itself, run in this process as the worker would (tests/supervision has the real worker).
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_a_large_file_runs_in_the_worker_with_progress(fs, client, monkeypatch, tasks_run_eagerly):
    monkeypatch.setattr(import_jobs, "SYNC_LIMIT", 10)
    lines = "\n".join(f"440604010{n:03d},祖庙街道第{n}社区,社区" for n in range(1, 301))
    client.force_login(UserFactory(username="fs-center", unit=fs.center, role=User.Role.SUPERVISOR))
    page = client.post("/routing/import/", {"what": "areas", "file": SimpleUploadedFile(
        "villages.csv", f"编码,名称,层级\n{lines}\n".encode())}, follow=True)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKED and job.result["created"] == 300
    assert cache.get(f"routing-import-progress:{job.pk}") == [300, 300]
    assert "将新增" in page.content.decode()
    # While a job runs, its page shows the bar and refreshes itself.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
    cache.set(f"routing-import-progress:{job.pk}", [150, 300])
    running = client.get(f"/routing/import/jobs/{job.pk}/").content.decode()
    assert 'id="import-progress"' in running and 'value="50"' in running and 'http-equiv="refresh"' in running
    assert client.get(f"/routing/import/jobs/{job.pk}/?format=json").json()["progress"] == [150, 300]


def test_the_command_has_a_dry_run_and_writes_templates(fs, tmp_path, capsys):
    path = tmp_path / "areas.csv"
    Area.objects.filter(code="440606101").delete()
    path.write_text("编码,名称,层级\n440606101,均安镇,镇\n", encoding="utf-8")
    call_command("routing_import", "areas", str(path), "--dry-run")
    assert "试运行" in capsys.readouterr().out and not Area.objects.filter(code="440606101").exists()
    call_command("routing_import", "areas", str(path))
    assert Area.objects.get(code="440606101").parent.code == "440606"
    template = tmp_path / "rules.xlsx"
    call_command("routing_import", "rules", str(template), "--template")
    assert load_workbook(template).active["A1"].value == "顺序号（1最先）"
