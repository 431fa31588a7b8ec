"""Import areas and routing rules from an Excel (.xlsx) or CSV file.

All or nothing: every row is checked first, and if any is wrong nothing is written and each bad row
is reported with its line number (the header is line 1) and the reason. A city has tens of
thousands of areas, so existing rows are loaded once into dictionaries and new rows are written in
bulk, one statement per tree level.
"""
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from core.choices import CaseKind

from .models import Area, Category, RoutingRule, Unit

AREA_COLUMNS = {
    "code": ("code", "编码", "区域编码"),
    "name": ("name", "名称", "区域名称"),
    "level": ("level", "层级"),
    "parent": ("parent", "parent_code", "上级编码", "上级区域编码"),
    "unit": ("unit", "unit_code", "管辖单位编码", "管辖单位"),
}
RULE_COLUMNS = {
    "area": ("area", "area_code", "区域编码", "区域"),
    "category": ("category", "category_code", "分类编码", "业务分类"),
    "kind": ("kind", "case_kind", "工单类型", "类型"),
    "unit": ("unit", "unit_code", "承办单位编码", "承办单位"),
    "priority": ("priority", "优先级"),
    "active": ("active", "is_active", "启用"),
    "note": ("note", "说明", "备注"),
}
TRUE_WORDS = {"", "1", "true", "yes", "y", "是", "启用", "√"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "停用", "×"}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("第%(line)s行:%(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """Nothing was imported; `errors` says which rows are wrong and why."""

    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def rows_read(*, content: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {header: text}) for every non-empty data row of an .xlsx or .csv file."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        yield from _xlsx_rows(content)
    elif filename.lower().endswith(".csv"):
        yield from _csv_rows(content)
    else:
        raise ImportRejected([RowError(0, _("只支持 .xlsx 或 .csv 文件。"))])


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises several kinds for a damaged or foreign file
        raise ImportRejected([RowError(0, _("无法读取Excel文件:%s") % error)]) from error
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(v) for v in next(rows, ())]
    for line, values in enumerate(rows, start=2):
        row = {name: _cell(v) for name, v in zip(header, values, strict=False) if name}
        if any(row.values()):
            yield line, row


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # codes typed as numbers come back as floats
    return str(value).strip()


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK
        except UnicodeDecodeError:
            raise ImportRejected([RowError(0, _("无法识别CSV文件的编码:请另存为UTF-8或GBK编码。"))]) from None
    if "\x00" in text:  # no name or code holds one, and the database cannot store it
        raise ImportRejected([RowError(0, _("无法读取CSV文件:含有NUL字符。"))])
    reader = csv.DictReader(io.StringIO(text))
    try:
        for row in reader:
            values = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
            if any(values.values()):
                yield reader.line_num, values
    except csv.Error as error:  # a NUL byte, an unterminated quote
        raise ImportRejected([RowError(reader.line_num, _("无法读取CSV文件:%s") % error)]) from None


def _normalise(rows: Iterable[tuple[int, dict]], columns: dict) -> tuple[list[tuple[int, dict]], list[RowError]]:
    out, errors = [], []
    for line, row in rows:
        lowered = {k.lower(): v for k, v in row.items()}
        if not out and not any(a.lower() in lowered for aliases in columns.values() for a in aliases):
            # Not one known column: the wrong file, or no header row.
            raise ImportRejected([RowError(1, _("表头不正确:应包含列 %s。") % "、".join(
                aliases[0] for aliases in columns.values()))])
        out.append((line, {key: next((lowered[a.lower()] for a in aliases if a.lower() in lowered), "")
                           for key, aliases in columns.items()}))
    if not out:
        raise ImportRejected([RowError(0, _("文件中没有数据行。"))])
    return out, errors


def _choice(value: str, choices) -> str | None:
    """Accept a choice by its code ("street") or its label ("街道/乡镇")."""
    for code, label in choices:
        if value in (code, str(label)) or value in str(label).split("/"):
            return code
    return None


@transaction.atomic
def areas_import(*, rows: Iterable[tuple[int, dict]]) -> ImportResult:
    rows, errors = _normalise(rows, AREA_COLUMNS)
    existing = {code: (pk, path) for code, pk, path in Area.objects.values_list("code", "pk", "path")}
    units = dict(Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).values_list("code", "pk"))
    seen: dict[str, int] = {}
    parsed = {}
    for line, row in rows:
        code, name = row["code"], row["name"]
        problems = []
        if not code:
            problems.append(_("缺少编码"))
        elif len(code) > 32 or "/" in code:
            problems.append(_("编码“%s”过长或含“/”") % code)
        elif code in seen:
            problems.append(_("编码“%(code)s”与第%(line)s行重复") % {"code": code, "line": seen[code]})
        if not name:
            problems.append(_("缺少名称"))
        level = _choice(row["level"], Area.Level.choices)
        if level is None:
            problems.append(_("层级“%s”无效(市、区县、街道/乡镇、社区/村、特定区域)") % row["level"])
        if row["unit"] and row["unit"] not in units:
            problems.append(_("管辖单位编码“%s”不存在或是外部部门") % row["unit"])
        if row["parent"] and row["parent"] == code:
            problems.append(_("上级编码不能是自身"))
        if problems:
            errors.append(RowError(line, ";".join(str(p) for p in problems)))
        if code and code not in seen:
            seen[code] = line
            parsed[code] = (line, name, level, row["parent"], units.get(row["unit"]))

    # Paths: each parent must be in the file or already in the database, without cycles.
    paths: dict[str, str] = {}

    def path_of(code: str, trail: tuple = ()) -> str | None:
        if code in paths:
            return paths[code]
        if code not in parsed:
            return existing[code][1] if code in existing else None
        if code in trail:
            return None
        parent = parsed[code][3]
        prefix = "" if not parent else path_of(parent, trail + (code,))
        if prefix is None:
            return None
        paths[code] = f"{prefix}{code}/"
        return paths[code]

    for code, (line, _name, _level, parent, _unit) in parsed.items():
        if parent and parent not in parsed and parent not in existing:
            errors.append(RowError(line, _("上级编码“%s”不存在") % parent))
        elif path_of(code) is None:
            errors.append(RowError(line, _("上级关系成环")))
        elif len(paths[code]) > 255:
            errors.append(RowError(line, _("区域层级过深")))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))

    result = ImportResult()
    pks = {code: pk for code, (pk, _path) in existing.items()}
    # Parents before children: one bulk statement per depth.
    for depth in sorted({p.count("/") for p in paths.values()}):
        level_codes = [c for c in parsed if paths[c].count("/") == depth]
        new, changed = [], []
        for code in level_codes:
            _line, name, level, parent, unit_id = parsed[code]
            values = {"name": name, "level": level, "parent_id": pks.get(parent) if parent else None,
                      "unit_id": unit_id, "path": paths[code]}
            if code in existing:
                changed.append((code, values))
            else:
                new.append(Area(code=code, **values))
        for area in Area.objects.bulk_create(new, batch_size=2000):
            pks[area.code] = area.pk
        result.created += len(new)
        for code, values in changed:
            area = Area.objects.get(pk=pks[code])
            for key, value in values.items():
                setattr(area, key, value)
            area.save()  # moves the subtree when the parent changed
        result.updated += len(changed)
    return result


@transaction.atomic
def rules_import(*, rows: Iterable[tuple[int, dict]]) -> ImportResult:
    """Rules are identified by (area, category, kind): a row for an existing one updates it."""
    rows, errors = _normalise(rows, RULE_COLUMNS)
    area_codes = {r["area"] for _line, r in rows if r["area"]}
    areas = {a.code: a for a in Area.objects.filter(code__in=area_codes).only("pk", "code", "path")}
    categories = {c.code: c for c in Category.objects.all()}
    units = {u.code: u for u in Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.EXTERNAL)}
    existing = {(r.area_id, r.category_id, r.case_kind): r for r in RoutingRule.objects.all()}
    seen: dict[tuple, int] = {}
    planned = []
    for line, row in rows:
        problems = []
        area = areas.get(row["area"]) if row["area"] else None
        if row["area"] and area is None:
            problems.append(_("区域编码“%s”不存在") % row["area"])
        category = categories.get(row["category"]) if row["category"] else None
        if row["category"] and category is None:
            problems.append(_("分类编码“%s”不存在") % row["category"])
        kind = _choice(row["kind"], CaseKind.choices) if row["kind"] else ""
        if kind is None:
            problems.append(_("工单类型“%s”无效") % row["kind"])
        unit = units.get(row["unit"])
        if unit is None:
            problems.append(_("承办单位编码“%s”不存在、已停用或是外部部门") % row["unit"] if row["unit"]
                            else _("缺少承办单位编码"))
        try:
            priority = int(row["priority"] or 100)
        except ValueError:
            priority = None
            problems.append(_("优先级“%s”不是整数") % row["priority"])
        active_word = row["active"].lower()
        if active_word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(_("启用“%s”应为 是/否") % row["active"])
        if not (row["area"] or row["category"] or row["kind"]):
            problems.append(_("至少要指定区域、业务分类或工单类型之一"))
        key = (getattr(area, "pk", row["area"]), getattr(category, "pk", row["category"]), kind)
        if not problems and key in seen:
            problems.append(_("与第%s行的条件相同") % seen[key])
        if problems:
            errors.append(RowError(line, ";".join(str(p) for p in problems)))
            continue
        seen[key] = line
        planned.append((key, area, category, kind, unit, priority, active_word not in FALSE_WORDS, row["note"]))
    if errors:
        raise ImportRejected(errors)

    result = ImportResult()
    for key, area, category, kind, unit, priority, active, note in planned:
        rule = existing.get(key) or RoutingRule(area=area, category=category, case_kind=kind)
        result.updated += rule.pk is not None
        result.created += rule.pk is None
        rule.unit, rule.priority, rule.is_active, rule.note = unit, priority, active, note[:200]
        if area is not None:
            rule.area = area  # carries the path the depth is computed from
        rule.save()
    return result


IMPORTERS = {"areas": areas_import, "rules": rules_import}


def routing_import(*, what: str, content: bytes, filename: str) -> ImportResult:
    """Read the file and import it; raises ImportRejected with every bad row."""
    return IMPORTERS[what](rows=list(rows_read(content=content, filename=filename)))
