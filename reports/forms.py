from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.inputs import TypedDateField
from deadlines.workdays import local_today
from routing.models import Category, Unit

DEFAULT_DAYS = 30
MAX_DAYS = 366


class DashboardFilterForm(forms.Form):
    """Period, unit and category of the dashboard; the units offered are those the viewer oversees."""

    start = TypedDateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = TypedDateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ModelChoiceField(
        label=_("承办单位"), required=False, queryset=Unit.objects.none(), empty_label=_("全部单位")
    )
    category = forms.ModelChoiceField(
        label=_("业务分类"),
        required=False,
        queryset=Category.objects.filter(parent__isnull=True),
        empty_label=_("全部分类"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True)
        if not (user.is_superuser or user.is_center_staff):
            units = units.filter(path__startswith=user.unit.path)
        self.fields["unit"].queryset = units

    @staticmethod
    def default_period() -> dict:
        end = local_today()
        return {"start": end - timedelta(days=DEFAULT_DAYS - 1), "end": end}

    def clean(self):
        data = super().clean()
        end = data.get("end") or local_today()
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("start", _("开始日期不能晚于结束日期。"))
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", _("统计区间不能超过一年。"))
        data["start"], data["end"] = start, end
        return data
