"""Import the organisation as a city lists it: units (with the areas each covers, in its role),
the two-level category tree and the staff. Same contract as imports.py: every row checked first,
all or nothing, bad rows by line; created, changed and left alone counted for the dry run."""
import re
import secrets
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .imports import FALSE_WORDS, TRUE_WORDS, ImportRejected, ImportResult, RowError, _choice, _normalise, nbs_code
from .models import Area, Category, Coverage, Unit, User

UNIT_COLUMNS = {
    "code": ("code", "编码", "单位编码"),
    "name": ("name", "名称", "单位名称"),
    "kind": ("kind", "类型", "单位类型"),
    "parent": ("parent", "parent_code", "上级单位编码", "上级编码"),
    "areas": ("areas", "覆盖区域", "覆盖区域编码", "辖区"),
    "role": ("role", "职责", "辖区职责"),
    "email": ("email", "邮箱"),
    "active": ("active", "is_active", "启用"),
}
CATEGORY_COLUMNS = {
    "code": ("code", "编码", "分类编码"),
    "name": ("name", "名称", "分类名称"),
    "parent": ("parent", "parent_code", "上级编码", "上级分类编码"),
}
USER_COLUMNS = {
    "username": ("username", "login", "登录名", "账号"),
    "name": ("name", "姓名"),
    "unit": ("unit", "unit_code", "单位编码", "所属单位编码"),
    "role": ("role", "角色"),
    "phone": ("phone", "电话", "手机"),
    "email": ("email", "邮箱"),
    "active": ("active", "is_active", "启用"),
}
# A unit's coverage role when the file names none: what its kind does in an area.
ROLE_BY_KIND = {
    Unit.Kind.CENTER: Coverage.Role.INTAKE, Unit.Kind.DISTRICT_CENTER: Coverage.Role.INTAKE,
    Unit.Kind.STATION: Coverage.Role.SUPERVISION, Unit.Kind.SQUAD: Coverage.Role.ENFORCEMENT,
    Unit.Kind.DEPARTMENT: Coverage.Role.DEPARTMENT, Unit.Kind.EXTERNAL: Coverage.Role.DEPARTMENT,
}
KIND_WORDS = {"中心": Unit.Kind.CENTER, "指挥中心": Unit.Kind.CENTER, "受理中心": Unit.Kind.DISTRICT_CENTER,
              "区县中心": Unit.Kind.DISTRICT_CENTER, "所": Unit.Kind.STATION, "市场监管所": Unit.Kind.STATION,
              "中队": Unit.Kind.SQUAD, "执法中队": Unit.Kind.SQUAD, "科室": Unit.Kind.DEPARTMENT,
              "职能科室": Unit.Kind.DEPARTMENT, "外部部门": Unit.Kind.EXTERNAL}
_SEPARATORS = re.compile(r"[;；,，、\s]+")


def _active(word: str, problems: list) -> bool:
    if word.lower() not in TRUE_WORDS | FALSE_WORDS:
        problems.append(_("启用“%s”应为 是/否") % word)
    return word.lower() not in FALSE_WORDS


def units_import(*, rows: Iterable[tuple[int, dict]], progress=None) -> ImportResult:
    rows, errors = _normalise(rows, UNIT_COLUMNS)
    existing = {u.code: u for u in Unit.objects.all()}
    in_file = {row["code"] for _line, row in rows if row["code"]}
    area_codes = {nbs_code(c) for _line, row in rows for c in _SEPARATORS.split(row["areas"]) if c}
    areas = dict(Area.objects.filter(code__in=area_codes).values_list("code", "pk"))
    seen: dict[str, int] = {}
    parsed = []
    for line, row in rows:
        problems = []
        code, name = row["code"], row["name"]
        if not code or len(code) > 32:
            problems.append(_("缺少编码或编码过长"))
        elif code in seen:
            problems.append(_("编码“%(code)s”与第%(line)s行重复") % {"code": code, "line": seen[code]})
        if not name:
            problems.append(_("缺少名称"))
        kind = KIND_WORDS.get(row["kind"]) or _choice(row["kind"], Unit.Kind.choices)
        if kind is None:
            problems.append(_("单位类型“%s”无效") % row["kind"])
        if row["parent"] and row["parent"] not in in_file and row["parent"] not in existing:
            problems.append(_("上级单位编码“%s”不存在") % row["parent"])
        if row["parent"] == code and code:
            problems.append(_("上级单位不能是自身"))
        covered = [nbs_code(c) for c in _SEPARATORS.split(row["areas"]) if c]
        missing = [c for c in covered if c not in areas]
        if missing:
            problems.append(_("覆盖区域“%s”不存在（请先导入区域）") % "、".join(missing))
        role = (_choice(row["role"], Coverage.Role.choices) if row["role"] else ROLE_BY_KIND.get(kind))
        if row["role"] and role is None:
            problems.append(_("职责“%s”无效") % row["role"])
        active = _active(row["active"], problems)
        if problems:
            errors.append(RowError(line, "；".join(str(p) for p in problems)))
            continue
        seen[code] = line
        parsed.append((line, code, name, kind, row["parent"], covered, role, row["email"], active))
    if errors:
        raise ImportRejected(errors)

    result = ImportResult()
    pending = parsed
    while pending:  # parents first, wherever they are in the file
        rest = []
        for item in pending:
            line, code, name, kind, parent, covered, role, email, active = item
            if parent and parent in in_file and parent not in existing:
                rest.append(item)
                continue
            unit = existing.get(code) or Unit(code=code)
            before = (unit.pk, unit.name, unit.kind, unit.parent_id, unit.email, unit.is_active)
            unit.name, unit.kind, unit.email, unit.is_active = name, kind, email, active
            unit.parent = existing[parent] if parent else None
            after = (unit.pk, unit.name, unit.kind, unit.parent_id, unit.email, unit.is_active)
            coverage_before = set(unit.coverages.values_list("area_id", "role")) if unit.pk else set()
            coverage_after = {(areas[c], role) for c in covered}
            if before == after and coverage_before == coverage_after:
                result.unchanged += 1
            else:
                result.created += unit.pk is None
                result.updated += unit.pk is not None
                unit.save()
                unit.coverages.exclude(area_id__in=[a for a, _r in coverage_after]).delete()
                for area_id, area_role in coverage_after - coverage_before:
                    Coverage.objects.update_or_create(unit=unit, area_id=area_id, defaults={"role": area_role})
            existing[code] = unit
        if len(rest) == len(pending):
            raise ImportRejected([RowError(item[0], _("上级单位关系成环")) for item in rest])
        pending = rest
    return result


def categories_import(*, rows: Iterable[tuple[int, dict]], progress=None) -> ImportResult:
    """The two-level tree (业务分类): a top-level category has no parent, a sub-category's parent is
    a top-level one."""
    rows, errors = _normalise(rows, CATEGORY_COLUMNS)
    existing = {c.code: c for c in Category.objects.all()}
    tops_in_file = {row["code"] for _line, row in rows if row["code"] and not row["parent"]}
    seen: dict[str, int] = {}
    for line, row in rows:
        problems = []
        if not row["code"] or len(row["code"]) > 32:
            problems.append(_("缺少编码或编码过长"))
        elif row["code"] in seen:
            problems.append(_("编码“%(code)s”与第%(line)s行重复") % {"code": row["code"], "line": seen[row["code"]]})
        if not row["name"]:
            problems.append(_("缺少名称"))
        parent = row["parent"]
        if parent:
            stored = existing.get(parent)
            if parent not in tops_in_file and stored is None:
                problems.append(_("上级编码“%s”不存在") % parent)
            elif parent not in tops_in_file and stored.parent_id is not None:
                problems.append(_("业务分类只有两级：上级“%s”本身是二级分类") % parent)
            if parent == row["code"]:
                problems.append(_("上级编码不能是自身"))
        if problems:
            errors.append(RowError(line, "；".join(str(p) for p in problems)))
        seen.setdefault(row["code"], line)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult()
    for top_level in (True, False):
        for _line, row in rows:
            if bool(row["parent"]) == top_level:
                continue
            category = existing.get(row["code"]) or Category(code=row["code"])
            parent = existing[row["parent"]] if row["parent"] else None
            if category.pk and (category.name, category.parent_id) == (row["name"], getattr(parent, "pk", None)):
                result.unchanged += 1
                continue
            result.created += category.pk is None
            result.updated += category.pk is not None
            category.name, category.parent = row["name"], parent
            category.save()
            existing[category.code] = category
    return result


def users_import(*, rows: Iterable[tuple[int, dict]], progress=None) -> ImportResult:
    """Staff: a new login gets a one-time password (in the result's notes, shown once) and must set
    its own at first login. Nobody is deleted: 启用=否 deactivates, and a login missing from the
    file is left as it is."""
    rows, errors = _normalise(rows, USER_COLUMNS)
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    existing = {u.username: u for u in User.objects.filter(username__in=[r["username"] for _l, r in rows])}
    seen: dict[str, int] = {}
    parsed = []
    for line, row in rows:
        problems = []
        username = row["username"]
        if not username or len(username) > 150 or not re.fullmatch(r"[\w.@+-]+", username):
            problems.append(_("登录名“%s”无效（字母、数字和 @.+-_）") % username)
        elif username in seen:
            problems.append(_("登录名与第%s行重复") % seen[username])
        if not row["name"]:
            problems.append(_("缺少姓名"))
        unit = units.get(row["unit"])
        if unit is None:
            problems.append(_("单位编码“%s”不存在或已停用") % row["unit"])
        role = _choice(row["role"], User.Role.choices) if row["role"] else ""
        if role is None:
            problems.append(_("角色“%s”无效（登记员、承办人、承办单位负责人、督办员、中心主任）") % row["role"])
        if row["phone"] and not re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}", row["phone"].replace(" ", "")):
            problems.append(_("电话“%s”格式不正确") % row["phone"])
        if row["email"] and "@" not in row["email"]:
            problems.append(_("邮箱“%s”格式不正确") % row["email"])
        active = _active(row["active"], problems)
        if problems:
            errors.append(RowError(line, "；".join(str(p) for p in problems)))
            continue
        seen[username] = line
        parsed.append((username, row["name"], unit, role, row["phone"].replace(" ", ""), row["email"], active))
    if errors:
        raise ImportRejected(errors)
    result = ImportResult()
    for username, name, unit, role, phone, email, active in parsed:
        user = existing.get(username) or User(username=username)
        values = (name, unit.pk, role, phone, email, active)
        if user.pk and (user.first_name, user.unit_id, user.role, user.phone, user.email, user.is_active) == values:
            result.unchanged += 1
            continue
        user.first_name, user.unit, user.role, user.phone, user.email, user.is_active = (
            name, unit, role, phone, email, active)
        if user.pk is None:
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.must_set_password = True
            result.notes.append(_("%(login)s 的初始密码：%(password)s（首次登录须修改）") % {
                "login": username, "password": password})
            result.created += 1
        else:
            result.updated += 1
        user.save()
    return result
