"""List filters for /api/v1/cases/ and its stable cursor pagination."""
import django_filters
from django.utils import timezone
from rest_framework.pagination import CursorPagination

from complaints.inputs import TypedFilterMomentField
from complaints.models import Case
from complaints.models.choices import CaseKind, Channel
from complaints.selectors import case_overdue

from .auth import request_system


class TypedMomentFilter(django_filters.IsoDateTimeFilter):
    field_class = TypedFilterMomentField


class CaseFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Case.State.choices)
    kind = django_filters.MultipleChoiceFilter(choices=CaseKind.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    unit = django_filters.CharFilter(field_name="handling_unit__code", label="handling unit code")
    registering_unit = django_filters.CharFilter(field_name="registering_unit__code")
    received_after = TypedMomentFilter(field_name="received_at", lookup_expr="gte")
    received_before = TypedMomentFilter(field_name="received_at", lookup_expr="lt")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="has a running clock past its due time")
    reference = django_filters.CharFilter(
        method="filter_reference",
        label="the external system's own work-order number (a system finds only the cases it filed)",
    )

    class Meta:
        model = Case
        fields = ["state", "kind", "channel", "unit", "registering_unit", "received_after", "received_before",
                  "overdue", "reference"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = case_overdue(now=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)


    def filter_reference(self, queryset, name, value):
        # Two systems may use the same number for different work orders: a system means its own.
        system = request_system(self.request) if self.request is not None else None
        matches = {"external_origin__reference": value}
        if system is not None:
            matches["external_origin__system"] = system
        return queryset.filter(**matches)


class CasePagination(CursorPagination):
    # The id never changes and never repeats, so pages stay stable while cases keep arriving.
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DeliveryPagination(CasePagination):
    pass
