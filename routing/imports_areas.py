"""Import areas from the NBS statistical division codes (统计用区划代码) or a city's own list.

Every row is checked as it streams past and only what is wrong is kept (line and reason). On
PostgreSQL the rows then go to a staging table with COPY and the rest is done set-based in SQL
(imports_areas_sql.py): a province's 600,000 village codes import in under two minutes on a
2-core machine, in a quarter of a GB (bench/imports.py). Elsewhere (the SQLite demo, small
files) the tree is built in Python, below.
"""
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils.translation import gettext as _

from .imports import (
    AREA_COLUMNS,
    MAX_ERRORS,
    ImportRejected,
    ImportResult,
    RowError,
    _noop_progress,
    _normalised,
    errors_by_line,
    nbs_code,
    nbs_parents,
)
from .imports import _level_of as level_of
from .models import Area, Unit


class CheckedRows:
    """The rows of an areas file, each checked on its own as it is read: iterate for
    (line, code, name, level, parent, unit id, wrong); the first MAX_ERRORS reasons are kept in
    `errors`, `error_count` counts them all. A code repeated, a parent missing and a cycle are the
    tree's business, checked once every row is in."""

    def __init__(self, rows: Iterable[tuple[int, dict]]):
        self.rows = rows
        self.units = dict(Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).values_list("code", "pk"))
        self.has_parent_column = True
        self.errors: list[RowError] = []
        self.error_count = 0
        self.read = 0

    def __iter__(self) -> Iterator[tuple]:
        units = self.units
        for line, row in _normalised(self.rows, AREA_COLUMNS):
            if "_present" in row:
                self.has_parent_column = "parent" in row["_present"]
            self.read += 1
            code, name = nbs_code(row["code"]), row["name"]
            problems = []
            if not code:
                problems.append(_("缺少编码"))
            elif len(code) > 32 or "/" in code:
                problems.append(_("编码“%s”过长或含“/”") % code)
            if not name:
                problems.append(_("缺少名称"))
            level = level_of(row["level"], code)
            if level is None:
                problems.append(_("层级“%s”无效（省、市、区/县/县级市、街道/镇/乡、社区/村、特定区域）") % row["level"])
            if row["unit"] and row["unit"] not in units:
                problems.append(_("管辖单位编码“%s”不存在或是外部部门") % row["unit"])
            parent = nbs_code(row["parent"]) if row["parent"] else ""
            if parent and parent == code:
                problems.append(_("上级编码不能是自身"))
            if problems:
                self.error_count += 1
                if len(self.errors) < MAX_ERRORS:
                    self.errors.append(RowError(line, "；".join(str(p) for p in problems)))
            yield line, code, name, level, parent, units.get(row["unit"]), bool(problems)


def derived_parents(code: str, level: str | None) -> tuple[str, str | None, bool]:
    """For a file without a parent column: the parent's code, its other form (a city kept as "4407"
    or "440700"), and whether a missing parent is an error (a township or village cannot stand
    alone; a county or city without its city or province in the file or the database is a root)."""
    candidates = nbs_parents(code)
    if not candidates:
        return "", None, False
    return (candidates[0], candidates[1] if len(candidates) > 1 else None,
            level in (Area.Level.STREET, Area.Level.VILLAGE))


def areas_import(*, rows: Iterable[tuple[int, dict]], progress=None, total_hint: int = 0,
                 dry_run: bool = False) -> ImportResult:
    """Create the areas a file adds and update those it changes; raises ImportRejected with the
    rows at fault. `total_hint` (about how many rows) lets the bar move while reading; a dry run
    may stop once it has counted (routing_import rolls back whatever an importer wrote)."""
    checked = CheckedRows(rows)
    if transaction.get_connection().vendor == "postgresql":
        from .imports_areas_sql import areas_import_sql

        return areas_import_sql(checked=checked, progress=progress or _noop_progress, total_hint=total_hint,
                                dry_run=dry_run)
    return _areas_import_python(checked, progress or _noop_progress)


def _areas_import_python(checked: CheckedRows, progress) -> ImportResult:
    errors: list[RowError] = []
    existing = {code: (pk, path, name, level, parent_id, unit_id) for code, pk, path, name, level, parent_id, unit_id
                in Area.objects.values_list("code", "pk", "path", "name", "level", "parent_id", "unit_id")}
    parsed: dict[str, tuple] = {}  # code -> (line, name, level, parent code, unit id)
    for line, code, name, level, parent, unit_id, _wrong in checked:
        if not code:
            continue
        if code in parsed:
            errors.append(RowError(line, _("编码“%(code)s”与第%(line)s行重复") % {
                "code": code, "line": parsed[code][0]}))
            continue
        parsed[code] = (line, name, level, parent, unit_id)
    errors.extend(checked.errors)
    if not checked.has_parent_column:
        # No parent column: the parent is what the code names, in the file or already stored.
        for code, (line, name, level, _parent, unit_id) in parsed.items():
            first, other, required = derived_parents(code, level)
            parent = next((c for c in (first, other) if c and (c in parsed or c in existing)), "")
            if not parent and required:
                errors.append(RowError(line, _("上级编码“%s”不存在") % first))
            parsed[code] = (line, name, level, parent, unit_id)

    paths = _paths(parsed, existing)
    for code, (line, _name, _level, parent, _unit) in parsed.items():
        if parent and parent not in parsed and parent not in existing:
            errors.append(RowError(line, _("上级编码“%s”不存在") % parent))
        elif paths.get(code) is None:
            errors.append(RowError(line, _("上级关系成环")))
        elif len(paths[code]) > 255:
            errors.append(RowError(line, _("区域层级过深")))
    if errors:
        merged = errors_by_line(errors)
        raise ImportRejected(merged[:MAX_ERRORS], count=max(len(merged), checked.error_count))

    result = ImportResult()
    pks = {code: values[0] for code, values in existing.items()}
    total, done = len(parsed), 0
    progress(0, total)
    for code in sorted(parsed, key=lambda c: paths[c].count("/")):  # parents before children
        _line, name, level, parent, unit_id = parsed[code]
        parent_id = pks.get(parent) if parent else None
        if code not in existing:
            pks[code] = Area.objects.create(code=code, name=name, level=level, parent_id=parent_id,
                                            unit_id=unit_id).pk
            result.created += 1
        elif existing[code][1:] == (paths[code], name, level, parent_id, unit_id):
            result.unchanged += 1
        else:
            area = Area.objects.get(pk=existing[code][0])
            area.name, area.level, area.parent_id, area.unit_id = name, level, parent_id, unit_id
            area.save()  # computes the path, and moves the subtree with it
            result.updated += 1
        done += 1
        if done % 1000 == 0:
            progress(done, total)
    progress(total, total)
    return result


def _paths(parsed: dict[str, tuple], existing: dict[str, tuple]) -> dict[str, str | None]:
    """Each file code's path (the file's parent first, else the stored one); None in a cycle or
    below a missing parent."""
    paths: dict[str, str] = {}

    def path_of(code: str) -> str | None:
        # Iterative: a village is four levels down, but a wrong file may chain thousands.
        trail = []
        current = code
        while current not in paths:
            if current not in parsed:
                if current in existing:
                    paths[current] = existing[current][1]
                    break
                return None
            if current in trail:
                return None
            trail.append(current)
            parent = parsed[current][3]
            if not parent:
                paths[current] = f"{current}/"
                break
            current = parent
        for child in reversed(trail):
            if child not in paths:
                parent_path = paths.get(parsed[child][3])
                if parent_path is None:
                    return None
                paths[child] = f"{parent_path}{child}/"
        return paths[code]

    return {code: path_of(code) for code in parsed}
