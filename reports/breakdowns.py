"""The rows of charts and of the volume and hotspot pages: cases of one kind, channel, category,
respondent or respondent's area, by the value in a drill-down link."""
from django.db.models import Q

from complaints.inputs import typed_id
from complaints.models import Case
from routing.models import Area, Category

# The chart's and the volume and hotspot pages' rows (reports/selectors_volume.py): cases received
# in the period of one kind, channel, category (with its sub-categories, or exactly), respondent or
# respondent's area (with the areas below it, or exactly). "none" is the row of cases where the
# field is empty.
BREAKDOWN_METRICS = ("kind", "channel", "category", "category_exact", "respondent", "area", "area_exact")


def breakdown_filter(metric: str, value: str) -> Q | None:
    if metric not in BREAKDOWN_METRICS or not value:
        return None
    if metric == "kind":
        return Q(kind=value) if value in Case.Kind.values else None
    if metric == "channel":
        return Q(channel=value) if value in Case.Channel.values else None
    if metric == "respondent":
        return Q(respondent_name=value)
    if value == "none":
        return Q(category__isnull=True) if metric.startswith("category") else Q(respondent_area__isnull=True)
    if typed_id(value) is None:
        return None
    if metric == "category":
        return Q(category_id=int(value)) | Q(category__parent_id=int(value))
    if metric == "category_exact":
        return Q(category_id=int(value))
    if metric == "area_exact":
        return Q(respondent_area_id=int(value))
    path = Area.objects.filter(pk=int(value)).values_list("path", flat=True).first()
    return Q(respondent_area__path__startswith=path) if path else Q(pk__in=[])


def breakdown_label(metric: str, value: str, *, short: bool = False) -> str:
    """What a breakdown row is about, for the titles of its case list and of a consumer warning
    (`short`: a sub-category without its parent's name)."""
    if metric == "kind":
        return str(dict(Case.Kind.choices).get(value, ""))
    if metric == "channel":
        return str(dict(Case.Channel.choices).get(value, ""))
    if metric == "respondent":
        return value
    if typed_id(value) is None:
        return ""
    if metric in ("category", "category_exact"):
        category = Category.objects.select_related("parent").filter(pk=int(value)).first()
        return "" if category is None else category.name if short else str(category)
    if metric in ("area", "area_exact"):
        return Area.objects.filter(pk=int(value)).values_list("name", flat=True).first() or ""
    return ""
