"""Filters of the volume and hotspot pages (the dashboard's, plus channel, respondent's area and the
level areas are rolled up to), and the editable draft of a consumer warning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Case
from routing.models import Area

from .forms import DashboardFilterForm
from .selectors_volume import default_area_level

ROLL_UP_LEVELS = [
    (Area.Level.CITY, _("市")),
    (Area.Level.DISTRICT, _("区县")),
    (Area.Level.STREET, _("街道/乡镇")),
    (Area.Level.VILLAGE, _("社区/村")),
]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Indented by depth, so that the list reads as the tree it is.
        return "\u3000" * (len(obj.ancestor_codes) - 1) + obj.name


class AnalysisFilterForm(DashboardFilterForm):
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部渠道")), *Case.Channel.choices])
    # Villages are too many for a list; a village's cases are found under its street.
    area = AreaChoiceField(
        label=_("被投诉人所在区域"), required=False, empty_label=_("全部区域"),
        queryset=Area.objects.exclude(level=Area.Level.VILLAGE).order_by("path"),
    )
    area_level = forms.ChoiceField(label=_("区域统计层级"), required=False, choices=ROLL_UP_LEVELS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.default_level = default_area_level(user)
        self.fields["area_level"].initial = self.default_level
        if self.is_bound and not self.data.get("area_level"):
            # Always bound (see reports.views._filters): show the level counted, not the list's first.
            self.data = self.data.copy()
            self.data["area_level"] = self.default_level

    def clean(self):
        data = super().clean()
        data["area_level"] = data.get("area_level") or self.default_level
        return data


class WarningDraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 22}))
