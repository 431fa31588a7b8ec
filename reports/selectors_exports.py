"""What a month's case export reads: the cases received in the month that the requester may see
(the center: all of them, queued ones included), within a district scope the ones handled there;
only the columns the file has, in a stable order (a chunked read never skips or repeats a row)."""
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from complaints.models import Case
from complaints.selectors import case_visibility_filter
from routing.models import Category, Unit

from .exports import CaseExport
from .periods import month_of
from .scopes import scope_filter

COLUMNS = (
    (_("工单编号"), 16), (_("类型"), 6), (_("渠道"), 10), (_("接收时间"), 18), (_("状态"), 8),
    (_("投诉人"), 10), (_("联系电话"), 14), (_("被投诉人"), 30), (_("投诉分类"), 16), (_("承办单位"), 24),
)
# Plain rows, not model instances: a case's pk, kind, anonymous and unit ids are what the identity
# rule and the access log read of it (complaints/identity.py).
FIELDS = ("pk", "number", "kind", "channel", "received_at", "state", "anonymous", "registering_unit_id",
          "handling_unit_id", "category_id", "complainant_name", "complainant_phone", "respondent_name")


def export_cases(export: CaseExport) -> QuerySet:
    period = month_of(export.month)
    cases = Case.objects.filter(received_at__gte=period.start_at, received_at__lt=period.end_at)
    visible = case_visibility_filter(export.requested_by)
    if visible is not None:
        cases = cases.filter(visible)
    if export.scope.kind != Unit.Kind.CENTER:
        cases = cases.filter(scope_filter(export.scope))
    return (cases
            .order_by("id").values_list(*FIELDS, named=True))


def export_names() -> tuple[dict[int, str], dict[int, str]]:
    """Unit and category names by id: read once for the file, not joined to each of its rows."""
    return (dict(Unit.objects.values_list("pk", "name")), dict(Category.objects.values_list("pk", "name")))


def exports_of(user) -> QuerySet[CaseExport]:
    """A user's own exports: a file of identities is the requester's, nobody else's."""
    return CaseExport.objects.filter(requested_by=user).select_related("scope")
