"""The areas import on PostgreSQL, set-based: the checked rows stream into a staging table with
COPY, then SQL finds the repeated codes, resolves each parent by code (the file's first, else the
stored one), computes every path in one recursive query, reports what is wrong by line, counts
what will be created, changed and left alone, and writes it one tree level after another in
chunks (parents exist before their children are inserted; the bar moves per chunk).

Nothing of the file is held in Python but the row being read (and the first MAX_ERRORS reasons):
the memory a province's 600,000 village codes need is the file's, not a dictionary of its rows.
"""
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from core.bulk_copy import copy_rows

from .imports import MAX_ERRORS, ImportRejected, ImportResult, RowError, errors_by_line
from .imports_areas import CheckedRows, derived_parents
from .models import Area, RoutingRule

CHUNK = 50_000  # rows per INSERT/UPDATE while applying: one step of the progress bar
_TABLES = ("area_import_rows", "area_import_unique", "area_import_tree", "area_import_final", "area_import_errors")
AREA = Area._meta.db_table
_DEPTH = "(length({0}) - length(replace({0}, '/', '')))"  # a path's depth: its number of codes

# Each code's first row: the rows themselves unless a code is repeated (sorting them costs).
_REPEATS = "SELECT EXISTS (SELECT FROM area_import_rows WHERE code <> '' GROUP BY code HAVING count(*) > 1)"
_UNIQUE = """
CREATE TEMP TABLE area_import_unique AS
SELECT DISTINCT ON (code) line, code, name, level, p1, p2, must, unit_id
FROM area_import_rows WHERE code <> '' ORDER BY code, line
"""
_FIRST = "CREATE TEMP VIEW area_import_first AS SELECT line, code, name, level, p1, p2, must, unit_id FROM {}"
# The parent: the first of the code's candidate parents found in the file or stored, else none.
_TREE = f"""
CREATE TEMP TABLE area_import_tree AS
SELECT r.*, CASE WHEN r.parent = '' THEN false WHEN r.parent = r.p1 THEN r.p1_in_file ELSE r.p2_in_file END
       AS parent_in_file
FROM (SELECT f.line, f.code, f.name, f.level, f.unit_id, f.must, f.p1,
             CASE WHEN fp1.code IS NOT NULL OR ap1.id IS NOT NULL THEN f.p1
                  WHEN fp2.code IS NOT NULL OR ap2.id IS NOT NULL THEN f.p2 ELSE '' END AS parent,
             fp1.code IS NOT NULL AS p1_in_file, fp2.code IS NOT NULL AS p2_in_file
      FROM area_import_first f
      LEFT JOIN area_import_first fp1 ON fp1.code = f.p1 LEFT JOIN {AREA} ap1 ON ap1.code = f.p1
      LEFT JOIN area_import_first fp2 ON fp2.code = f.p2 LEFT JOIN {AREA} ap2 ON ap2.code = f.p2) r
"""
# Paths from the roots down: a row whose parent is stored (or who has none) starts a walk. A cycle
# is never reached; the length limit stops a file that chains codes without end.
_FINAL = f"""
CREATE TEMP TABLE area_import_final AS
WITH RECURSIVE walk(line, code, name, level, unit_id, parent, path) AS (
    SELECT t.line, t.code, t.name, t.level, t.unit_id, t.parent, COALESCE(a.path, '') || t.code || '/'
    FROM area_import_tree t LEFT JOIN {AREA} a ON a.code = t.parent
    WHERE NOT t.parent_in_file AND (t.parent = '' OR a.id IS NOT NULL)
  UNION ALL
    SELECT t.line, t.code, t.name, t.level, t.unit_id, t.parent, w.path || t.code || '/'
    FROM walk w JOIN area_import_tree t ON t.parent = w.code AND t.parent_in_file
    WHERE length(w.path) <= 255
)
SELECT {_DEPTH.format("w.path")} AS depth,
       w.line, w.code, w.name, w.level, w.unit_id, w.parent, w.path, a.id AS area_id,
       CASE WHEN a.id IS NULL THEN 'new'
            WHEN a.path <> w.path THEN 'moved'
            WHEN a.name <> w.name OR a.level <> w.level OR a.unit_id IS DISTINCT FROM w.unit_id
                 OR COALESCE(ap.code, '') <> w.parent THEN 'changed'
            ELSE 'same' END AS status
FROM walk w LEFT JOIN {AREA} a ON a.code = w.code LEFT JOIN {AREA} ap ON ap.id = a.parent_id
"""
# What is wrong in the tree; the first two are only looked for when the counts say there are some.
_REPEATED = """
INSERT INTO area_import_errors
SELECT s.line, 'repeated', s.code, f.line FROM area_import_rows s JOIN area_import_first f ON f.code = s.code
WHERE s.line <> f.line
"""
_UNREACHED = """
INSERT INTO area_import_errors
SELECT t.line, CASE WHEN t.must AND t.parent = '' THEN 'missing' ELSE 'cycle' END, t.p1, NULL::integer
FROM area_import_tree t WHERE NOT EXISTS (SELECT 1 FROM area_import_final f WHERE f.code = t.code)
"""
_ERRORS = """
INSERT INTO area_import_errors
SELECT line, 'missing', p1, NULL::integer FROM area_import_tree WHERE must AND parent = ''  -- reached as roots
UNION ALL
SELECT line, 'deep', NULL, NULL::integer FROM area_import_final WHERE length(path) > 255
"""
_INSERT = f"""
INSERT INTO {AREA} (code, name, level, parent_id, unit_id, path)
SELECT f.code, f.name, f.level, p.id, f.unit_id, f.path
FROM area_import_final f LEFT JOIN {AREA} p ON p.code = f.parent
WHERE f.depth = %s AND f.line BETWEEN %s AND %s AND f.status = 'new'
"""
_UPDATE = f"""
UPDATE {AREA} a SET name = f.name, level = f.level, parent_id = p.id, unit_id = f.unit_id, path = f.path
FROM area_import_final f LEFT JOIN {AREA} p ON p.code = f.parent
WHERE a.id = f.area_id AND f.depth = %s AND f.line BETWEEN %s AND %s AND f.status IN ('changed', 'moved')
"""
# Stored areas the file does not name, below one it moved, move with it (as Area.save does).
_SUBTREES = f"""
WITH RECURSIVE below(id, path) AS (
    SELECT area_id, path FROM area_import_final WHERE status = 'moved'
  UNION ALL
    SELECT c.id, b.path || c.code || '/' FROM below b JOIN {AREA} c ON c.parent_id = b.id
    WHERE NOT EXISTS (SELECT 1 FROM area_import_final f WHERE f.code = c.code)
)
UPDATE {AREA} a SET path = b.path FROM below b WHERE a.id = b.id AND a.path <> b.path
"""
_RULE_DEPTHS = f"""
UPDATE {RoutingRule._meta.db_table} r SET area_depth = {_DEPTH.format("a.path")}
FROM {AREA} a WHERE r.area_id = a.id AND r.area_depth <> {_DEPTH.format("a.path")}
"""


def _session_memory(cursor) -> None:
    """Room for the staging tables and their joins in memory: 600,000 rows are some 200 MB of
    temporary tables, and the default 8 MB of temporary buffers sends each scan to the disk.
    temp_buffers can only be set before a session's first temporary table: a later import on
    the same connection keeps what the first one set."""
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute("SELECT current_setting('temp_buffers')")
    if cursor.fetchone()[0] == "8MB":
        try:
            with transaction.atomic():
                cursor.execute("SET temp_buffers = '256MB'")
        except DatabaseError:
            pass  # this session has used temporary tables already: slower, not wrong


def _message(kind: str, code: str | None, other: int | None) -> str:
    if kind == "repeated":
        return _("编码“%(code)s”与第%(line)s行重复") % {"code": code, "line": other}
    if kind == "missing":
        return _("上级编码“%s”不存在") % code
    if kind == "cycle":
        return _("上级关系成环")
    return _("区域层级过深")


def _staged(checked: CheckedRows, progress, total_hint: int):
    for line, code, name, level, parent, unit_id, wrong in checked:
        # Known once the first row is read: whether the parent is the file's or the code's.
        if checked.has_parent_column:
            first, other, required = parent, None, bool(parent)
        else:
            first, other, required = derived_parents(code, level)
        yield line, code, name, level, first, other, required, unit_id, wrong
        if checked.read % 20_000 == 0:
            progress(checked.read // 2, max(total_hint, checked.read))


def areas_import_sql(*, checked: CheckedRows, progress, total_hint: int = 0, dry_run: bool = False) -> ImportResult:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(_TABLES)} CASCADE")  # and the view
        _session_memory(cursor)
        cursor.execute("CREATE TEMP TABLE area_import_rows (line integer, code text, name text, level text, "
                       "p1 text, p2 text, must boolean, unit_id bigint, wrong boolean)")
        if total_hint:
            progress(0, total_hint)
        copy_rows(table="area_import_rows", columns=("line", "code", "name", "level", "p1", "p2", "must", "unit_id",
                                                      "wrong"), rows=_staged(checked, progress, total_hint))
        total = checked.read
        progress(total // 2, total)
        cursor.execute("ANALYZE area_import_rows")  # temporary tables are not analysed on their own
        cursor.execute(_REPEATS)
        repeats = cursor.fetchone()[0]
        if repeats:
            cursor.execute(_UNIQUE)
            cursor.execute("ANALYZE area_import_unique")
            cursor.execute(_FIRST.format("area_import_unique"))
        else:
            cursor.execute(_FIRST.format("area_import_rows WHERE code <> ''"))
        cursor.execute("SELECT count(*) FROM area_import_first")
        distinct = cursor.fetchone()[0]
        cursor.execute(_TREE)
        cursor.execute("CREATE INDEX ON area_import_tree (parent)")  # each step of the walk finds children by it
        cursor.execute("ANALYZE area_import_tree")
        cursor.execute(_FINAL)
        cursor.execute("SELECT count(*) FROM area_import_final")  # not rowcount: drivers differ on CREATE AS
        reached = cursor.fetchone()[0]
        cursor.execute("CREATE INDEX ON area_import_final (depth, line)")
        cursor.execute("ANALYZE area_import_final")
        cursor.execute("CREATE TEMP TABLE area_import_errors (line integer, kind text, code text, other integer)")
        cursor.execute(_ERRORS)
        wrong = cursor.rowcount
        if repeats:
            cursor.execute(_REPEATED)
            wrong += cursor.rowcount
        if reached != distinct:  # below a missing parent, or in a cycle
            cursor.execute(_UNREACHED)
            wrong += cursor.rowcount
        if wrong or checked.error_count:
            _reject(cursor, checked)
        cursor.execute("SELECT status, count(*) FROM area_import_final GROUP BY status")
        counts = dict(cursor.fetchall())
        result = ImportResult(created=counts.get("new", 0), updated=counts.get("changed", 0) + counts.get("moved", 0),
                              unchanged=counts.get("same", 0))
        if not dry_run:
            _apply(cursor, progress, total, moved=counts.get("moved", 0))
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(_TABLES)} CASCADE")
    progress(total, total)
    return result


def _reject(cursor, checked: CheckedRows):
    cursor.execute("SELECT line, kind, code, other FROM area_import_errors ORDER BY line LIMIT %s", [MAX_ERRORS])
    errors = checked.errors + [RowError(line, _message(kind, code, other)) for line, kind, code, other in cursor]
    cursor.execute("SELECT count(*) FROM (SELECT line FROM area_import_rows WHERE wrong "
                   "UNION SELECT line FROM area_import_errors) wrong")
    count = cursor.fetchone()[0]
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(_TABLES)} CASCADE")
    raise ImportRejected(errors_by_line(errors)[:MAX_ERRORS], count=count)


def _apply(cursor, progress, total: int, *, moved: int) -> None:
    cursor.execute("SELECT depth, min(line), max(line), count(*) FROM area_import_final WHERE status <> 'same' "
                   "GROUP BY depth ORDER BY depth")
    levels = cursor.fetchall()
    written = 0
    for depth, first, last, count in levels:
        # One level at a time (an INSERT sees the parents the levels above inserted), in chunks of
        # lines; the bar moves by the rows of the level each chunk's lines hold, about.
        chunks = range(first, last + 1, CHUNK)
        for n, start in enumerate(chunks, start=1):
            cursor.execute(_INSERT, [depth, start, start + CHUNK - 1])
            cursor.execute(_UPDATE, [depth, start, start + CHUNK - 1])
            progress(total // 2 + (written + count * n // len(chunks)) // 2, total)
        written += count
    if moved:
        cursor.execute(_SUBTREES)
        cursor.execute(_RULE_DEPTHS)
