"""Import routing rules (分流规则). Precedence is the sequence number (顺序号), 1 first, as
officials number their rule tables; a rule that can never win is a warning, not an error."""
from collections.abc import Iterable

from django.utils.translation import gettext as _

from core.choices import CaseKind

from .imports import (
    FALSE_WORDS,
    RULE_COLUMNS,
    TRUE_WORDS,
    ImportRejected,
    ImportResult,
    RowError,
    _choice,
    _normalise,
    nbs_code,
)
from .models import Area, Category, RoutingRule, Unit


def rules_import(*, rows: Iterable[tuple[int, dict]], progress=None) -> ImportResult:
    """Rules are identified by their conditions (area, category, kind) and sequence number: a row
    for an existing one updates it; a renumbered table renumbers its rules. Several rules for one
    area with different numbers are accepted; one that can never win (a rule matching every case
    it matches comes first) is a warning naming that rule."""
    rows, errors = _normalise(rows, RULE_COLUMNS)
    area_codes = {nbs_code(r["area"]) for _line, r in rows if r["area"]}
    areas = {a.code: a for a in Area.objects.filter(code__in=area_codes).only("pk", "code", "path")}
    categories = {c.code: c for c in Category.objects.all()}
    units = {u.code: u for u in Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.EXTERNAL)}
    existing = {(r.area_id, r.category_id, r.case_kind, r.sequence): r for r in RoutingRule.objects.all()}
    seen: dict[tuple, int] = {}
    planned = []
    for line, row in rows:
        problems = []
        area_code = nbs_code(row["area"]) if row["area"] else ""
        area = areas.get(area_code) if area_code else None
        if area_code and area is None:
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
        sequence = row["sequence"] or "100"
        if not sequence.isdecimal() or int(sequence) < 1:
            problems.append(_("顺序号“%s”应为正整数（1 最先）") % row["sequence"])
        active_word = row["active"].lower()
        if active_word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(_("启用“%s”应为 是/否") % row["active"])
        if not (row["area"] or row["category"] or row["kind"]):
            problems.append(_("至少要指定区域、业务分类或工单类型之一"))
        if problems:
            errors.append(RowError(line, "；".join(str(p) for p in problems)))
            continue
        key = (getattr(area, "pk", None), getattr(category, "pk", None), kind, int(sequence))
        if key in seen:
            errors.append(RowError(line, _("与第%s行的条件和顺序号都相同") % seen[key]))
            continue
        seen[key] = line
        planned.append((line, key, area, category, kind, unit, int(sequence), active_word not in FALSE_WORDS,
                        row["note"][:200]))
    if errors:
        raise ImportRejected(errors)

    result = ImportResult()
    lines = {}
    # A row updates the rule with its conditions and number; failing that, the one rule with its
    # conditions that no row names by number (the table was renumbered).
    claimed = {existing[p[1]].pk for p in planned if p[1] in existing}
    by_conditions: dict[tuple, list[RoutingRule]] = {}
    for key, rule in existing.items():
        if rule.pk not in claimed:
            by_conditions.setdefault(key[:3], []).append(rule)
    for line, key, area, category, kind, unit, sequence, active, note in planned:
        rule = existing.get(key)
        if rule is None:
            spare = by_conditions.get(key[:3], [])
            rule = spare.pop() if len(spare) == 1 else RoutingRule(area=area, category=category, case_kind=kind)
        if rule.pk is not None and (rule.unit_id, rule.is_active, rule.note, rule.sequence) == (
                unit.pk, active, note, sequence):
            result.unchanged += 1
        else:
            result.updated += rule.pk is not None
            result.created += rule.pk is None
            rule.unit, rule.is_active, rule.note, rule.sequence = unit, active, note, sequence
            if area is not None:
                rule.area = area  # carries the path the depth is computed from
            rule.save()
        lines[rule.pk] = line
    result.warnings = rules_shadowed(lines=lines)
    return result


def rules_shadowed(*, lines: dict[int, int] | None = None) -> list[RowError]:
    """Active rules that can never win: another active rule matches every case they match (its
    area contains theirs or is any area, its category is theirs, their parent or any, its kind
    theirs or any) and has a lower sequence number. With `lines` (rule id → line of the file),
    only the file's rules are reported, by line."""
    rules = list(RoutingRule.objects.filter(is_active=True, unit__is_active=True)
                 .select_related("area", "category", "unit"))
    first: dict[tuple, RoutingRule] = {}
    for rule in rules:
        key = (rule.area_id, rule.category_id, rule.case_kind)
        if key not in first or (rule.sequence, rule.pk) < (first[key].sequence, first[key].pk):
            first[key] = rule
    area_ids = dict(Area.objects.filter(code__in={c for r in rules if r.area_id for c in r.area.ancestor_codes})
                    .values_list("code", "pk"))
    warnings = []
    for rule in rules:
        if lines is not None and rule.pk not in lines:
            continue
        ancestors = [None] + ([area_ids[c] for c in rule.area.ancestor_codes if c in area_ids] if rule.area_id else [])
        categories = [None] + ([rule.category_id, rule.category.parent_id] if rule.category_id else [])
        kinds = ["", rule.case_kind] if rule.case_kind else [""]
        shadow = None
        for area_id in ancestors:
            for category_id in {c for c in categories if c is not None} | {None}:
                for kind in kinds:
                    other = first.get((area_id, category_id, kind))
                    if other is not None and other.pk != rule.pk and other.sequence < rule.sequence and (
                            shadow is None or other.sequence < shadow.sequence):
                        shadow = other
        if shadow is not None:
            line = lines.get(rule.pk, 0) if lines is not None else 0
            warnings.append(RowError(line, _("规则#%(rule)s（顺序号%(seq)s）永远不会生效：规则#%(other)s（顺序号"
                                             "%(other_seq)s，→ %(unit)s）先匹配它的全部工单") % {
                "rule": rule.pk, "seq": rule.sequence, "other": shadow.pk, "other_seq": shadow.sequence,
                "unit": shadow.unit.name}))
    return sorted(warnings, key=lambda w: w.line)
