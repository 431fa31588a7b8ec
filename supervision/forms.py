"""Forms of the supervision pages. Labels are lazy: these classes are built at import time, before
any request has chosen a language."""
from django import forms
from django.utils.translation import gettext_lazy as _

from routing.models import Unit
from supervision.models import RedLineItem


class CloseForm(forms.Form):
    """Closing one ledger item (销号). Each row has its own form; the ids carry the item so that a
    page of many rows has no duplicate ids."""

    note = forms.CharField(label=_("销号说明"), error_messages={"required": _("请写明销号说明。")},
                           widget=forms.TextInput(attrs={"placeholder": _("销号说明"), "aria-label": _("销号说明")}))

    def __init__(self, *args, item_pk: int, **kwargs):
        super().__init__(*args, auto_id=f"id_item{item_pk}_%s", **kwargs)
        self.item_pk = item_pk


class ActionForm(forms.Form):
    title = forms.CharField(label=_("专项行动名称"), max_length=200)
    unit = forms.ModelChoiceField(label=_("牵头单位"),
                                  queryset=Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True))


def _overseen_units(user):
    """The units a supervisor may narrow a list to: all internal units for the center, its subtree
    (the tree rule of case visibility) for a district center; None for a unit that only sees its own."""
    units = Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True)
    if user.is_superuser or getattr(user, "is_center_staff", False):
        return units
    if user.unit is not None and user.unit.kind == Unit.Kind.DISTRICT_CENTER:
        return units.filter(path__startswith=user.unit.path)
    return None


class StageReplyFilterForm(forms.Form):
    """Filters of the stage-replies list; the unit choice only for those who oversee other units."""

    unit = forms.ModelChoiceField(label=_("承办单位"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("全部单位"), widget=forms.Select(attrs={"aria-label": _("承办单位")}))
    q = forms.CharField(label=_("查询"), required=False, max_length=100, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("工单编号 / 投诉人电话 / 被投诉人"), "aria-label": _("查询")}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = _overseen_units(user)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units


class RedLineFilterForm(forms.Form):
    """Filters of the red-line ledger besides its month; the units offered are those the viewer oversees."""

    reason = forms.ChoiceField(label=_("红线类型"), required=False,
                               widget=forms.Select(attrs={"aria-label": _("红线类型")}))
    unit = forms.ModelChoiceField(label=_("承办单位"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("全部单位"), widget=forms.Select(attrs={"aria-label": _("承办单位")}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("全部类型")), *RedLineItem.Reason.choices]
        units = _overseen_units(user)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
