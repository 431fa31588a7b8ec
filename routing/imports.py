"""Import reference data from an Excel (.xlsx) or CSV file, as a city publishes it: reading the
file, what every importer shares, and `routing_import` (areas: imports_areas.py; units, categories
and users: imports_org.py; rules: imports_rules.py; the templates: import_templates.py).

All or nothing: every row is checked first, and if any is wrong nothing is written and each bad row
is reported with its line number (the header is line 1) and the reason. A dry run does the whole
import inside a transaction and rolls it back, so what it reports (created, changed, left alone,
warnings) is exactly what the confirmed import will do. Files are read as a stream, row by row:
a province's 600,000 village codes are never held as a list of dictionaries.

Areas take the NBS statistical division codes as published (统计用区划代码): 6-digit county
codes, 9-digit township codes, 12-digit village codes, and the 12-digit form of every level
(440604000000 is 440604); the level words people use; the parent from the code when the file has
no parent column.
"""
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Area

AREA_COLUMNS = {
    "code": ("code", "编码", "区域编码", "统计用区划代码", "区划代码"),
    "name": ("name", "名称", "区域名称"),
    "level": ("level", "层级"),
    "parent": ("parent", "parent_code", "上级编码", "上级区域编码"),
    "unit": ("unit", "unit_code", "管辖单位编码", "管辖单位"),
}
RULE_COLUMNS = {  # read by imports_rules
    "area": ("area", "area_code", "区域编码", "区域"),
    "category": ("category", "category_code", "分类编码", "业务分类"),
    "kind": ("kind", "case_kind", "工单类型", "类型"),
    "unit": ("unit", "unit_code", "承办单位编码", "承办单位"),
    "sequence": ("sequence", "顺序号", "顺序号（1最先）", "顺序号(1最先)", "序号"),  # and the older header
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
        return _("第%(line)s行：%(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """Nothing was imported; `errors` says which rows are wrong and why, `count` how many there are
    (a province's file may have more wrong rows than anyone reads: `errors` may hold only the first)."""

    def __init__(self, errors: list[RowError], count: int | None = None):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
        self.count = len(errors) if count is None else count


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # What people need to see once, e.g. the one-time passwords of imported users.
    notes: list[str] = field(default_factory=list)


class _DryRunDone(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


Progress = "Callable[[int, int], None] | None"


def _noop_progress(done: int, total: int) -> None:
    pass


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
        raise ImportRejected([RowError(0, _("无法读取Excel文件：%s") % error)]) from error
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
    encoding = "utf-8-sig"
    try:
        content.decode("utf-8-sig")  # checked whole, but read as a stream: a province's file is large
    except UnicodeDecodeError:
        try:
            content.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK
        except UnicodeDecodeError:
            raise ImportRejected([RowError(0, _("无法识别CSV文件的编码：请另存为UTF-8或GBK编码。"))]) from None
        encoding = "gb18030"
    if b"\x00" in content:  # no name or code holds one, and the database cannot store it
        raise ImportRejected([RowError(0, _("无法读取CSV文件：含有NUL字符。"))])
    reader = csv.DictReader(io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline=""))
    try:
        for row in reader:
            values = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
            if any(values.values()):
                yield reader.line_num, values
    except csv.Error as error:  # a NUL byte, an unterminated quote
        raise ImportRejected([RowError(reader.line_num, _("无法读取CSV文件：%s") % error)]) from None


def _normalised(rows: Iterable[tuple[int, dict]], columns: dict) -> Iterator[tuple[int, dict]]:
    """Each row with the importer's own keys, whatever header alias the file used; lazily, so a
    province's villages are never held twice. The first row also says (key "_present") which of
    the importer's columns the header had."""
    found = False
    names: dict[str, str] = {}  # our key -> the file's header for it, read off the first row
    for line, row in rows:
        if not found:
            lowered = {k.lower(): k for k in row}
            names = {key: lowered[a.lower()] for key, aliases in columns.items()
                     for a in reversed(aliases) if a.lower() in lowered}
            if not names:
                # Not one known column: the wrong file, or no header row.
                raise ImportRejected([RowError(1, _("表头不正确：应包含列 %s。") % "、".join(
                    aliases[0] for aliases in columns.values()))])
            out = {key: row.get(names[key], "") if key in names else "" for key in columns}
            out["_present"] = set(names)
            found = True
        else:
            out = {key: row.get(names[key], "") if key in names else "" for key in columns}
        yield line, out
    if not found:
        raise ImportRejected([RowError(0, _("文件中没有数据行。"))])


def _normalise(rows: Iterable[tuple[int, dict]], columns: dict) -> tuple[list[tuple[int, dict]], list[RowError]]:
    return list(_normalised(rows, columns)), []


def _choice(value: str, choices) -> str | None:
    """Accept a choice by its code ("street") or its label ("街道/乡镇")."""
    for code, label in choices:
        if value in (code, str(label)) or value in str(label).split("/"):
            return code
    return None


# The level words people use, and the English ones, for each level (also the labels).
LEVEL_WORDS = {
    Area.Level.PROVINCE: {"省", "省级", "自治区", "直辖市", "province"},
    Area.Level.CITY: {"市", "地级市", "地级", "市级", "自治州", "city", "prefecture"},
    Area.Level.DISTRICT: {"区", "县", "县级市", "区县", "县区", "县级", "旗", "county", "district"},
    Area.Level.STREET: {"街道", "镇", "乡", "街道/乡镇", "乡镇", "乡级", "苏木", "township", "street", "town"},
    Area.Level.VILLAGE: {"社区", "村", "社区/村", "居委会", "村委会", "村级", "village", "community"},
    Area.Level.ZONE: {"特定区域", "片区", "zone"},
}
_LEVEL_BY_WORD = {word.lower(): level for level, words in LEVEL_WORDS.items() for word in words | {level.value}}


def nbs_code(code: str) -> str:
    """An NBS division code in its short form: the 12-digit form of a township (440604010000) or of
    a county (440604000000) loses its zeros, so one division has one code whatever the file."""
    if len(code) == 12 and code.isdigit():
        if code.endswith("000000"):
            return code[:6]
        if code.endswith("000"):
            return code[:9]
    return code


def nbs_level(code: str) -> str | None:
    """The level an NBS code names by its shape, or None for a code of another form."""
    if not code.isdigit():
        return None
    if len(code) == 12:
        return Area.Level.VILLAGE
    if len(code) == 9:
        return Area.Level.STREET
    if len(code) == 6:
        if code.endswith("0000"):
            return Area.Level.PROVINCE
        return Area.Level.CITY if code.endswith("00") else Area.Level.DISTRICT
    return None


def nbs_parents(code: str) -> list[str]:
    """The codes the parent of an NBS code may have, nearest form first (a city may be kept as
    "4407" or "440700")."""
    if not code.isdigit():
        return []
    if len(code) == 12:
        return [code[:9]]
    if len(code) == 9:
        return [code[:6]]
    if len(code) == 6 and not code.endswith("0000"):
        if code.endswith("00"):
            return [code[:2] + "0000", code[:2]]
        return [code[:4] + "00", code[:4]]
    return []


def _level_of(word: str, code: str) -> str | None:
    if not word:
        return nbs_level(code)
    return _LEVEL_BY_WORD.get(word.strip().lower()) or _choice(word, Area.Level.choices)


MAX_ERRORS = 1000  # wrong rows reported one by one; the rest are counted


def errors_by_line(errors: Iterable[RowError]) -> list[RowError]:
    """One error per line, in line order, its reasons joined: a row may be wrong on its own and in
    its place in the tree."""
    merged: dict[int, list[str]] = {}
    for error in errors:
        merged.setdefault(error.line, []).append(error.message)
    return [RowError(line, "；".join(messages)) for line, messages in sorted(merged.items())]


def _importers() -> dict:
    from .imports_areas import areas_import
    from .imports_org import categories_import, units_import, users_import
    from .imports_rules import rules_import

    return {"areas": areas_import, "units": units_import, "categories": categories_import,
            "users": users_import, "rules": rules_import}


IMPORT_KINDS = ["areas", "units", "categories", "users", "rules"]


def routing_import(*, what: str, content: bytes, filename: str, dry_run: bool = False,
                   progress=None) -> ImportResult:
    """Read the file and import it, all or nothing; raises ImportRejected with every bad row. A dry
    run does the same and rolls it back, answering what the import would do."""
    importer = _importers()[what]
    extra = {}
    if what == "areas":
        # About how many rows (for the bar while reading), and no writes a dry run would undo.
        extra = {"total_hint": content.count(b"\n") if filename.lower().endswith(".csv") else 0,
                 "dry_run": dry_run}
    try:
        with transaction.atomic():
            result = importer(rows=rows_read(content=content, filename=filename), progress=progress, **extra)
            if dry_run:
                result.dry_run = True
                raise _DryRunDone(result)
    except _DryRunDone as done:
        return done.result
    return result
